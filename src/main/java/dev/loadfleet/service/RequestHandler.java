package dev.loadfleet.service;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection's requests, one at a time (HTTP/1.1 keep-alive; clients need no pipelining). Runs
 * on the connection's event loop, so its fields need no locking.
 */
final class RequestHandler extends SimpleChannelInboundHandler<HttpObject> {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** A decimal integer without leading zeros: one spelling per recording, so one file. */
  private static final Pattern SEQ = Pattern.compile("0|[1-9][0-9]{0,8}");

  private static final Pattern EXT = Pattern.compile("[A-Za-z0-9]{1,8}");

  /** The exam-scoped routes a real service has: /exams/{examId}/upload and .../heartbeat. */
  private static final Pattern EXAM_ROUTE =
      Pattern.compile("/exams/([A-Za-z0-9_-]{1,64})/(upload|heartbeat)");

  /** Heartbeats are a few fields; anything bigger is not a heartbeat. */
  private static final long MAX_HEARTBEAT_BODY = 64 * 1024;

  private enum Endpoint {
    UPLOAD,
    HEARTBEAT,
    STATS,
    OTHER
  }

  private final ServiceOptions options;
  private final Path incomingDir;
  private final ProctoringService.Counters counters;
  private final ConnectionGuard guard;
  private Exchange exchange;

  /** After an answer with Connection: close, the rest of the input is ignored. */
  private boolean closing;

  /** The request being received. */
  private static final class Exchange {
    final Endpoint endpoint;
    final long startNanos = System.nanoTime();
    final boolean keepAlive;
    final long maxBody;

    /** The exam the path names (/exams/{examId}/...), which the form's examId must match. */
    String pathExamId;

    FormReceiver form;
    long bodyBytes;

    /** The whole body has arrived, so the connection can stay open after any answer. */
    boolean complete;

    /** Answer this at the end of the body instead of processing it (404, 405, injected 503). */
    HttpResponseStatus drainStatus;

    Exchange(Endpoint endpoint, boolean keepAlive, long maxBody) {
      this.endpoint = endpoint;
      this.keepAlive = keepAlive;
      this.maxBody = maxBody;
    }
  }

  RequestHandler(
      ServiceOptions options,
      Path incomingDir,
      ProctoringService.Counters counters,
      ConnectionGuard guard) {
    this.options = options;
    this.incomingDir = incomingDir;
    this.counters = counters;
    this.guard = guard;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (closing) {
      return;
    }
    if (msg instanceof HttpRequest request) {
      begin(ctx, request);
    }
    if (msg instanceof HttpContent content && exchange != null && !closing) {
      receive(ctx, content);
    }
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest request) {
    guard.headComplete();
    String path = new QueryStringDecoder(request.uri()).path();
    Matcher exam = EXAM_ROUTE.matcher(path);
    boolean scoped = exam.matches();
    Endpoint endpoint = route(scoped ? "/" + exam.group(2) : path);
    exchange =
        new Exchange(
            endpoint,
            HttpUtil.isKeepAlive(request),
            endpoint == Endpoint.HEARTBEAT ? MAX_HEARTBEAT_BODY : options.maxBody());
    exchange.pathExamId = scoped ? exam.group(1) : null;
    try {
      if (request.decoderResult().isFailure()) {
        throw Refusal.badRequest(malformedHead(request.decoderResult().cause()));
      }
      String expect = request.headers().get(HttpHeaderNames.EXPECT);
      if (expect != null && !HttpUtil.is100ContinueExpected(request)) {
        throw new Refusal(
            HttpResponseStatus.EXPECTATION_FAILED,
            "the only Expect this service knows is 100-continue");
      }
      long declared = HttpUtil.getContentLength(request, -1L);
      if (declared > exchange.maxBody) {
        throw new Refusal(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "body of " + declared + " bytes is over the limit of " + exchange.maxBody);
      }
      switch (endpoint) {
        case UPLOAD, HEARTBEAT -> {
          if (!request.method().equals(HttpMethod.POST)
              && !request.method().equals(HttpMethod.PUT)) {
            exchange.drainStatus = HttpResponseStatus.METHOD_NOT_ALLOWED;
          } else if (!authorized(request)) {
            throw new Refusal(
                HttpResponseStatus.UNAUTHORIZED,
                "the Authorization header is "
                    + (request.headers().contains(HttpHeaderNames.AUTHORIZATION)
                        ? "not the one this service takes"
                        : "missing"));
          } else if (ThreadLocalRandom.current().nextDouble() < options.errorRate()) {
            exchange.drainStatus = HttpResponseStatus.SERVICE_UNAVAILABLE;
          } else {
            openForm(request, endpoint);
          }
        }
        case STATS -> {
          if (!request.method().equals(HttpMethod.GET)) {
            exchange.drainStatus = HttpResponseStatus.METHOD_NOT_ALLOWED;
          }
        }
        case OTHER -> exchange.drainStatus = HttpResponseStatus.NOT_FOUND;
      }
      // Only now, with every check of the head passed: a client told to continue sends the body.
      if (HttpUtil.is100ContinueExpected(request)) {
        ctx.writeAndFlush(
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
      }
    } catch (Refusal r) {
      refuse(ctx, r);
    }
  }

  /** What is wrong with a request head Netty could not decode, in words. */
  private static String malformedHead(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return "the request line is too long";
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return "the request headers are too long";
    }
    return "malformed HTTP request head (request line, a header, or Content-Length and"
        + " Transfer-Encoding)";
  }

  private void openForm(HttpRequest request, Endpoint endpoint) throws Refusal {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    boolean multipart =
        type.toLowerCase(Locale.ROOT).startsWith(HttpHeaderValues.MULTIPART_FORM_DATA.toString());
    if (endpoint == Endpoint.UPLOAD) {
      if (!multipart) {
        throw Refusal.badRequest(
            "an upload must be multipart/form-data; the Content-Type is "
                + (type.isEmpty() ? "missing" : Refusal.quoted(type)));
      }
      exchange.form =
          FormReceiver.multipart(
              type,
              true,
              options.discard() ? null : incomingDir,
              counters.bytesReceived::addAndGet,
              counters.verified);
      counters.inFlightUploads.incrementAndGet();
    } else {
      exchange.form =
          multipart
              ? FormReceiver.multipart(type, false, null, n -> {}, null)
              : FormReceiver.urlencoded();
    }
  }

  private static Endpoint route(String path) {
    return switch (path) {
      case "/upload" -> Endpoint.UPLOAD;
      case "/heartbeat" -> Endpoint.HEARTBEAT;
      case "/stats" -> Endpoint.STATS;
      default -> Endpoint.OTHER;
    };
  }

  /** Whether the request carries the Authorization header the service requires, if any. */
  private boolean authorized(HttpRequest request) {
    if (options.authSha256().isEmpty()) {
      return true;
    }
    String value = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (value == null) {
      return false;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(
          HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII),
          options.authSha256().getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** An exam-scoped path and the form must name the same exam. */
  private static void sameExam(Exchange ex, String examId) throws Refusal {
    if (ex.pathExamId != null && !ex.pathExamId.equals(examId)) {
      throw Refusal.badRequest(
          "the path names exam " + ex.pathExamId + " but the form's examId is " + examId);
    }
  }

  private void receive(ChannelHandlerContext ctx, HttpContent content) {
    Exchange ex = exchange;
    try {
      if (content.decoderResult().isFailure()) {
        throw Refusal.badRequest(malformedFraming(content.decoderResult().cause()));
      }
      ex.bodyBytes += content.content().readableBytes();
      if (ex.bodyBytes > ex.maxBody) {
        throw new Refusal(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "body is over the limit of " + ex.maxBody + " bytes");
      }
      if (ex.form != null) {
        ex.form.offer(content.content());
      }
      if (content instanceof LastHttpContent) {
        if (ex.form != null) {
          ex.form.end();
        }
        ex.complete = true;
        finish(ctx, ex);
      }
    } catch (Refusal r) {
      refuse(ctx, r);
    }
  }

  /** What is wrong with a body's framing Netty could not decode, in words. */
  private static String malformedFraming(Throwable cause) {
    String what =
        cause instanceof NumberFormatException
            ? "a chunk size is not a hexadecimal number"
            : cause instanceof TooLongFrameException
                ? "a chunk header line is too long"
                : "its chunked transfer encoding is broken";
    return "malformed request body: " + what + "; the connection is closed";
  }

  private void finish(ChannelHandlerContext ctx, Exchange ex) throws Refusal {
    if (ex.drainStatus != null) {
      if (ex.drainStatus == HttpResponseStatus.SERVICE_UNAVAILABLE) {
        (ex.endpoint == Endpoint.UPLOAD ? counters.uploadsFaulted : counters.heartbeatsFaulted)
            .incrementAndGet();
      }
      respond(ctx, ex.drainStatus, Map.of("error", ex.drainStatus.reasonPhrase()), false);
      return;
    }
    switch (ex.endpoint) {
      case UPLOAD -> respond(ctx, HttpResponseStatus.CREATED, storeUpload(ex), false);
      case HEARTBEAT -> respond(ctx, HttpResponseStatus.OK, heartbeat(ex), false);
      default -> respond(ctx, HttpResponseStatus.OK, counters.snapshot(), false);
    }
  }

  private Map<String, Object> heartbeat(Exchange ex) throws Refusal {
    Map<String, String> fields = ex.form.fields();
    String studentId = id(fields, "studentId");
    sameExam(ex, id(fields, "examId"));
    counters.lastSeen.put(studentId, System.currentTimeMillis());
    counters.heartbeats.incrementAndGet();
    return Map.of("ok", true);
  }

  private Map<String, Object> storeUpload(Exchange ex) throws Refusal {
    FormReceiver form = ex.form;
    Map<String, String> fields = form.fields();
    String studentId = id(fields, "studentId");
    String examId = id(fields, "examId");
    sameExam(ex, examId);
    String seq =
        matching(fields, "seq", SEQ, "a whole number from 0 to 999999999 without leading zeros");
    String sha256 = matching(fields, "sha256", FormReceiver.SHA256, "64 hex digits of SHA-256");
    long size =
        Long.parseLong(
            matching(fields, FormReceiver.SIZE_FIELD, FormReceiver.SIZE, "a byte count"));
    RecordingSink file = form.file();
    if (file == null) {
      throw Refusal.badRequest(
          "no file part in the upload; send the recording as a part named '"
              + FormReceiver.FILE_FIELD
              + "' with a filename");
    }
    long received = file.received();
    if (received != size) {
      throw Refusal.badRequest("size mismatch: declared " + size + " bytes, received " + received);
    }
    String actual = file.sha256Hex();
    if (!actual.equalsIgnoreCase(sha256)) {
      throw Refusal.badRequest(
          "checksum mismatch: declared " + sha256 + ", received content has " + actual);
    }
    String key = examId + "/" + studentId + "/" + seq;
    if (!counters.storedRecordings.add(key)) {
      throw new Refusal(
          HttpResponseStatus.CONFLICT,
          "exam "
              + examId
              + ", student "
              + studentId
              + ", seq "
              + seq
              + " is already stored; each seq is accepted once");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("studentId", studentId);
    body.put("seq", Long.parseLong(seq));
    body.put("bytes", received);
    body.put("sha256", actual);
    if (!options.discard()) {
      String relative =
          examId + "/recordings/" + studentId + "/" + seq + "." + extension(form.filename());
      try {
        store(file, relative);
      } catch (Refusal r) {
        counters.storedRecordings.remove(key); // not stored: a retry may store it
        throw r;
      }
      body.put("path", relative);
    }
    counters.lastSeen.put(studentId, System.currentTimeMillis());
    counters.uploadsStored.incrementAndGet();
    if (file.compared()) {
      counters.uploadsCompared.incrementAndGet();
    }
    return body;
  }

  private void store(RecordingSink file, String relative) throws Refusal {
    Path dest = options.dataDir().resolve(relative).normalize();
    // Ids are already restricted to [A-Za-z0-9_-]; this is the second lock on the same door.
    if (!dest.startsWith(options.dataDir())) {
      throw Refusal.badRequest("the recording's path escapes the data directory");
    }
    try {
      Files.createDirectories(dest.getParent());
      file.moveTo(dest);
    } catch (IOException e) {
      throw FormReceiver.cannotStore(e);
    }
  }

  private static String extension(String filename) {
    String name = filename == null ? "" : filename;
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    return EXT.matcher(ext).matches() ? ext : "bin";
  }

  private static String id(Map<String, String> fields, String name) throws Refusal {
    return matching(fields, name, ID, "1-64 of [A-Za-z0-9_-]");
  }

  private static String matching(Map<String, String> fields, String name, Pattern p, String what)
      throws Refusal {
    String v = fields.get(name);
    if (v == null) {
      throw Refusal.badRequest("missing field '" + name + "'");
    }
    if (!p.matcher(v).matches()) {
      throw Refusal.badRequest(
          "field '" + name + "' must be " + what + ", not " + Refusal.quoted(v));
    }
    return v;
  }

  /**
   * Answers a refused request; a refusal before the body's end closes the connection, and the rest
   * of the body is read and dropped until then ({@link ConnectionGuard#lingering}).
   */
  private void refuse(ChannelHandlerContext ctx, Refusal r) {
    Exchange ex = exchange;
    if (ex == null) {
      return;
    }
    if (r.status.code() < 500) {
      if (ex.endpoint == Endpoint.UPLOAD) {
        counters.uploadsRejected.incrementAndGet();
        if (r.status == HttpResponseStatus.CONFLICT) {
          counters.uploadsDuplicate.incrementAndGet();
        }
      } else if (ex.endpoint == Endpoint.HEARTBEAT) {
        counters.heartbeatsRejected.incrementAndGet();
      }
    }
    // The client sees the reason in the answer's body, which load tools seldom keep; the log keeps
    // it.
    System.err.printf(
        "loadfleet service: %d to %s %s after %d body bytes: %s%n",
        r.status.code(), ctx.channel().remoteAddress(), ex.endpoint, ex.bodyBytes, r.getMessage());
    respond(ctx, r.status, Map.of("error", r.getMessage()), !ex.complete);
  }

  private void respond(
      ChannelHandlerContext ctx, HttpResponseStatus status, Object body, boolean close) {
    Exchange ex = exchange;
    exchange = null;
    endForm(ex);
    guard.answering();
    boolean keepAlive = ex.keepAlive && !close;
    closing = !keepAlive;
    FullHttpResponse response = json(status, body, keepAlive);
    Runnable write =
        () -> {
          if (ex.endpoint == Endpoint.UPLOAD) {
            counters.uploadTimes.record(System.nanoTime() - ex.startNanos);
          } else if (ex.endpoint == Endpoint.HEARTBEAT) {
            counters.heartbeatTimes.record(System.nanoTime() - ex.startNanos);
          }
          var future = ctx.writeAndFlush(response);
          if (keepAlive) {
            guard.keptAlive();
          } else if (!ex.complete && ctx.channel() instanceof SocketChannel socket) {
            // The client may still be sending: closing now would reset the connection and could
            // drop the answer before the client read it. Shut this side and drop the rest.
            future.addListener(
                f -> {
                  if (!f.isSuccess()) {
                    ctx.close();
                    return;
                  }
                  socket.shutdownOutput().addListener(s -> guard.lingering(ctx));
                });
          } else {
            future.addListener(ChannelFutureListener.CLOSE);
          }
        };
    boolean faultable = ex.endpoint == Endpoint.UPLOAD || ex.endpoint == Endpoint.HEARTBEAT;
    if (faultable && options.latencyMs() > 0) {
      ctx.executor().schedule(write, options.latencyMs(), TimeUnit.MILLISECONDS);
    } else {
      write.run();
    }
  }

  private static FullHttpResponse json(HttpResponseStatus status, Object body, boolean keepAlive) {
    byte[] json = ProctoringService.Counters.toJson(body).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(response, json.length);
    HttpUtil.setKeepAlive(response, keepAlive);
    return response;
  }

  private void endForm(Exchange ex) {
    if (ex != null && ex.form != null) {
      ex.form.close();
      ex.form = null;
      if (ex.endpoint == Endpoint.UPLOAD) {
        counters.inFlightUploads.decrementAndGet();
      }
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof ConnectionGuard.Stall stall)) {
      super.userEventTriggered(ctx, evt);
      return;
    }
    if (closing) {
      ctx.close(); // an answer that closes the connection went out already
      return;
    }
    counters.stalledRequests.incrementAndGet();
    if (exchange != null) {
      refuse(
          ctx,
          new Refusal(
              HttpResponseStatus.REQUEST_TIMEOUT,
              "no data for "
                  + options.timeouts().idle().toMillis()
                  + " ms in the middle of a request"));
      return;
    }
    // A head that never completed: there is no request to count it against, only a connection.
    String why =
        stall == ConnectionGuard.Stall.HEAD_DEADLINE
            ? "the request head was not complete within "
                + options.timeouts().header().toMillis()
                + " ms of its first byte"
            : "no data for "
                + options.timeouts().idle().toMillis()
                + " ms in the middle of a request head";
    System.err.printf(
        "loadfleet service: 408 to %s before a complete request head: %s%n",
        ctx.channel().remoteAddress(), why);
    closing = true;
    ctx.writeAndFlush(json(HttpResponseStatus.REQUEST_TIMEOUT, Map.of("error", why), false))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    endForm(exchange);
    exchange = null;
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Connection resets from clients that give up are routine under load: drop the channel. Any
    // other failure (out of memory, a bug) is said, or the client would only see its connection
    // reset.
    if (!(cause instanceof IOException)) {
      System.err.printf(
          "loadfleet service: closing the connection from %s after an unexpected %s: %s%n",
          ctx.channel().remoteAddress(), cause.getClass().getSimpleName(), cause.getMessage());
    }
    endForm(exchange);
    exchange = null;
    ctx.close();
  }
}
