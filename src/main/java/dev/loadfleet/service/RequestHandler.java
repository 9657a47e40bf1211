package dev.loadfleet.service;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One connection's requests, one at a time (HTTP/1.1 keep-alive, no pipelining needed by clients).
 * Runs on the connection's event loop, so its fields need no locking.
 */
final class RequestHandler extends SimpleChannelInboundHandler<HttpObject> {
  /** The upload's declared size in bytes, a form field before the file part. */
  static final String SIZE_FIELD = "size";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern SEQ = Pattern.compile("\\d{1,9}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern SIZE = Pattern.compile("\\d{1,18}");
  private static final Pattern EXT = Pattern.compile("[A-Za-z0-9]{1,8}");

  /** Heartbeats are a few fields; anything bigger is not a heartbeat. */
  private static final long MAX_HEARTBEAT_BODY = 64 * 1024;

  private enum Endpoint {
    UPLOAD,
    HEARTBEAT,
    STATS,
    OTHER
  }

  private final ServiceOptions options;
  private final String incomingDir;
  private final ProctoringService.Counters counters;
  private Exchange exchange;

  /** After an early answer with Connection: close, the rest of the body is ignored. */
  private boolean closing;

  /** The request being received. */
  private static final class Exchange {
    final Endpoint endpoint;
    final long startNanos = System.nanoTime();
    final boolean keepAlive;
    final long maxBody;
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

  /** A request this service refuses, with the status and the reason sent back. */
  private static final class Refusal extends Exception {
    final HttpResponseStatus status;

    Refusal(HttpResponseStatus status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  RequestHandler(ServiceOptions options, String incomingDir, ProctoringService.Counters counters) {
    this.options = options;
    this.incomingDir = incomingDir;
    this.counters = counters;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (closing) {
      return;
    }
    if (msg instanceof HttpRequest request) {
      begin(ctx, request);
    }
    if (msg instanceof HttpContent content && exchange != null) {
      receive(ctx, content);
    }
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest request) {
    Endpoint endpoint = route(request);
    exchange =
        new Exchange(
            endpoint,
            HttpUtil.isKeepAlive(request),
            endpoint == Endpoint.HEARTBEAT ? MAX_HEARTBEAT_BODY : options.maxBody());
    try {
      if (!request.decoderResult().isSuccess()) {
        throw new Refusal(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
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
    } catch (Refusal r) {
      refuse(ctx, r);
    }
  }

  private void openForm(HttpRequest request, Endpoint endpoint) throws Refusal {
    try {
      exchange.form =
          new FormReceiver(
              request,
              incomingDir,
              options.discard() || endpoint == Endpoint.HEARTBEAT,
              counters.bytesReceived::addAndGet);
    } catch (FormReceiver.MalformedFormException e) {
      throw new Refusal(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    }
    if (endpoint == Endpoint.UPLOAD) {
      counters.inFlightUploads.incrementAndGet();
    }
  }

  private static Endpoint route(HttpRequest request) {
    return switch (new QueryStringDecoder(request.uri()).path()) {
      case "/upload" -> Endpoint.UPLOAD;
      case "/heartbeat" -> Endpoint.HEARTBEAT;
      case "/stats" -> Endpoint.STATS;
      default -> Endpoint.OTHER;
    };
  }

  private void receive(ChannelHandlerContext ctx, HttpContent content) {
    Exchange ex = exchange;
    try {
      ex.bodyBytes += content.content().readableBytes();
      if (ex.bodyBytes > ex.maxBody) {
        throw new Refusal(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "body is over the limit of " + ex.maxBody + " bytes");
      }
      if (ex.form != null) {
        try {
          ex.form.offer(content);
        } catch (FormReceiver.MalformedFormException e) {
          throw new Refusal(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
      }
      if (content instanceof LastHttpContent) {
        ex.complete = true;
        finish(ctx, ex);
      }
    } catch (Refusal r) {
      refuse(ctx, r);
    }
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
      case UPLOAD -> respond(ctx, HttpResponseStatus.CREATED, storeUpload(ex.form), false);
      case HEARTBEAT -> respond(ctx, HttpResponseStatus.OK, heartbeat(ex.form.fields()), false);
      default -> respond(ctx, HttpResponseStatus.OK, counters.snapshot(), false);
    }
  }

  private Map<String, Object> heartbeat(Map<String, String> fields) throws Refusal {
    String studentId = id(fields, "studentId");
    id(fields, "examId");
    counters.lastSeen.put(studentId, System.currentTimeMillis());
    counters.heartbeats.incrementAndGet();
    return Map.of("ok", true);
  }

  private Map<String, Object> storeUpload(FormReceiver form) throws Refusal {
    Map<String, String> fields = form.fields();
    String studentId = id(fields, "studentId");
    String examId = id(fields, "examId");
    String seq = matching(fields, "seq", SEQ, "a sequence number of 1-9 digits");
    String sha256 = matching(fields, "sha256", SHA256, "64 hex digits of SHA-256");
    long size = Long.parseLong(matching(fields, SIZE_FIELD, SIZE, "a byte count"));
    StreamingFileUpload file = form.file();
    if (file == null || !file.isCompleted()) {
      throw new Refusal(HttpResponseStatus.BAD_REQUEST, "no file part in the upload");
    }
    long received = file.received();
    if (received != size) {
      throw new Refusal(
          HttpResponseStatus.BAD_REQUEST,
          "size mismatch: declared " + size + " bytes, received " + received);
    }
    String actual = file.sha256Hex();
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new Refusal(
          HttpResponseStatus.BAD_REQUEST,
          "checksum mismatch: declared " + sha256 + ", received content has " + actual);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("studentId", studentId);
    body.put("seq", Long.parseLong(seq));
    body.put("bytes", received);
    body.put("sha256", actual);
    if (!options.discard()) {
      String relative = examId + "/recordings/" + studentId + "/" + seq + "." + extension(file);
      store(file, relative);
      body.put("path", relative);
    }
    counters.lastSeen.put(studentId, System.currentTimeMillis());
    counters.uploadsStored.incrementAndGet();
    return body;
  }

  private void store(StreamingFileUpload file, String relative) throws Refusal {
    Path dest = options.dataDir().resolve(relative).normalize();
    // Ids are already restricted to [A-Za-z0-9_-]; this is the second lock on the same door.
    if (!dest.startsWith(options.dataDir())) {
      throw new Refusal(HttpResponseStatus.BAD_REQUEST, "path escapes the data directory");
    }
    try {
      Files.createDirectories(dest.getParent());
      if (!file.renameTo(dest.toFile())) {
        throw new IOException("rename to " + dest + " failed");
      }
    } catch (IOException e) {
      throw new Refusal(
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "cannot store the recording: " + e.getMessage());
    }
  }

  private static String extension(StreamingFileUpload file) {
    String name = file.getFilename() == null ? "" : file.getFilename();
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
      throw new Refusal(HttpResponseStatus.BAD_REQUEST, "missing field '" + name + "'");
    }
    if (!p.matcher(v).matches()) {
      throw new Refusal(HttpResponseStatus.BAD_REQUEST, "field '" + name + "' must be " + what);
    }
    return v;
  }

  /** Answers a refused request; mid-body refusals close the connection, the body is unread. */
  private void refuse(ChannelHandlerContext ctx, Refusal r) {
    Exchange ex = exchange;
    if (ex == null) {
      return;
    }
    if (r.status.code() < 500) {
      if (ex.endpoint == Endpoint.UPLOAD) {
        counters.uploadsRejected.incrementAndGet();
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
    boolean keepAlive = ex.keepAlive && !close;
    closing = !keepAlive;
    byte[] json = ProctoringService.Counters.toJson(body).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(response, json.length);
    HttpUtil.setKeepAlive(response, keepAlive);
    Runnable write =
        () -> {
          if (ex.endpoint == Endpoint.UPLOAD) {
            counters.uploadTimes.record(System.nanoTime() - ex.startNanos);
          } else if (ex.endpoint == Endpoint.HEARTBEAT) {
            counters.heartbeatTimes.record(System.nanoTime() - ex.startNanos);
          }
          var future = ctx.writeAndFlush(response);
          if (!keepAlive) {
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
    // Idle between requests is a normal keep-alive connection; idle inside one is a stalled client.
    if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
      if (exchange != null) {
        counters.stalledRequests.incrementAndGet();
        refuse(
            ctx,
            new Refusal(
                HttpResponseStatus.REQUEST_TIMEOUT,
                "no data for "
                    + options.idleTimeout().toMillis()
                    + " ms in the middle of a request"));
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    endForm(exchange);
    exchange = null;
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Connection resets from clients that give up are routine under load; just drop the channel.
    endForm(exchange);
    exchange = null;
    ctx.close();
  }
}
