package dev.loadfleet.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * One request's form body, chunk by chunk: multipart (through {@link MultipartDecoder}, a file part
 * into a {@link RecordingSink}) or urlencoded (held, it is small, and decoded at the end). Not
 * thread-safe: one per request, used on its channel's event loop.
 */
final class FormReceiver implements MultipartDecoder.Handler, AutoCloseable {
  /** The recording's part: the workload's {@code fileField} default, which the stand-in expects. */
  static final String FILE_FIELD = "file";

  /** The upload's declared size in bytes, a field before the file part. */
  static final String SIZE_FIELD = "size";

  static final Pattern SIZE = Pattern.compile("\\d{1,18}");

  /** The upload's declared SHA-256, a field before the file part. */
  static final String SHA256_FIELD = "sha256";

  static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private static final int MAX_FIELDS = 32;

  /** Where a file part goes; null when this form takes none (a heartbeat). */
  private final Path incoming;

  private final boolean takesFile;
  private final LongConsumer counter;
  private final VerifiedContents verified;
  private final MultipartDecoder multipart;
  private final ByteBuf urlencoded;
  private final Map<String, String> fields = new LinkedHashMap<>();
  private RecordingSink file;
  private String filename;
  private boolean fileComplete;

  private FormReceiver(
      String boundary,
      boolean takesFile,
      Path incoming,
      LongConsumer counter,
      VerifiedContents verified,
      boolean multipart) {
    this.takesFile = takesFile;
    this.incoming = incoming;
    this.counter = counter;
    this.verified = verified;
    this.multipart = multipart ? new MultipartDecoder(boundary, this) : null;
    this.urlencoded = multipart ? null : Unpooled.buffer(256);
  }

  /**
   * A multipart form.
   *
   * @param takesFile whether one file part named {@link #FILE_FIELD} is expected (an upload)
   * @param incoming the temporary files' directory, or null to discard the file part's bytes
   * @param counter told of every file part chunk's size
   * @param verified the service's verified recordings, or null to hash every file part byte
   */
  static FormReceiver multipart(
      String contentType,
      boolean takesFile,
      Path incoming,
      LongConsumer counter,
      VerifiedContents verified)
      throws Refusal {
    return new FormReceiver(
        MultipartDecoder.boundary(contentType), takesFile, incoming, counter, verified, true);
  }

  /** An {@code application/x-www-form-urlencoded} form (small; the caller bounds its size). */
  static FormReceiver urlencoded() {
    return new FormReceiver(null, false, null, n -> {}, null, false);
  }

  /** Feeds one body chunk (the caller still owns and releases it). */
  void offer(ByteBuf content) throws Refusal {
    if (multipart != null) {
      multipart.offer(content);
    } else {
      urlencoded.writeBytes(content, content.readerIndex(), content.readableBytes());
    }
  }

  /** The body is complete. */
  void end() throws Refusal {
    if (multipart != null) {
      multipart.end();
      return;
    }
    String body = urlencoded.toString(StandardCharsets.UTF_8);
    Map<String, List<String>> params;
    try {
      params =
          new QueryStringDecoder(body, StandardCharsets.UTF_8, false, MAX_FIELDS + 1).parameters();
    } catch (IllegalArgumentException e) {
      throw Refusal.badRequest(
          "the form body is not valid application/x-www-form-urlencoded text (a bad %-escape)");
    }
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      for (String value : p.getValue()) {
        field(p.getKey(), value);
      }
    }
  }

  @Override
  public void field(String name, String value) throws Refusal {
    if (fields.size() >= MAX_FIELDS) {
      throw Refusal.badRequest(
          "the form has more than "
              + MAX_FIELDS
              + " fields; an upload has studentId, examId, seq, size, sha256 and the file part");
    }
    if (takesFile && name.equals(FILE_FIELD)) {
      throw Refusal.badRequest(
          "the form's part 'file' has no filename; send the recording as a file part");
    }
    if (fields.putIfAbsent(name, value) != null) {
      throw Refusal.badRequest("field " + Refusal.quoted(name) + " appears twice in the form");
    }
  }

  @Override
  public long fileStart(String name, String filename) throws Refusal {
    if (!takesFile) {
      throw Refusal.badRequest(
          "this form takes no file, but has a file part " + Refusal.quoted(name));
    }
    if (!name.equals(FILE_FIELD)) {
      throw Refusal.badRequest(
          "the recording's file part must be named '"
              + FILE_FIELD
              + "' (the workload's fileField default), not "
              + Refusal.quoted(name));
    }
    if (file != null) {
      throw Refusal.badRequest("the form has more than one file part 'file'");
    }
    String size = fields.get(SIZE_FIELD);
    long declared = size != null && SIZE.matcher(size).matches() ? Long.parseLong(size) : -1;
    String sha256 = fields.get(SHA256_FIELD);
    boolean hex = sha256 != null && SHA256.matcher(sha256).matches();
    file = new RecordingSink(incoming, counter, verified, hex ? sha256 : null, declared);
    this.filename = filename;
    return declared;
  }

  @Override
  public void fileData(ByteBuf bytes) throws Refusal {
    try {
      file.write(bytes);
    } catch (IOException e) {
      throw cannotStore(e);
    }
  }

  @Override
  public void fileEnd() {
    fileComplete = true;
  }

  /** A disk failure as the answer to give: 503 when out of file descriptors, else 500. */
  static Refusal cannotStore(IOException e) {
    String why = String.valueOf(e.getMessage());
    if (why.contains("Too many open files")) {
      return new Refusal(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "cannot store the recording: the service is out of file descriptors (raise ulimit -n)");
    }
    return new Refusal(
        HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot store the recording: " + why);
  }

  Map<String, String> fields() {
    return fields;
  }

  /** The file part, once it is complete; else null. */
  RecordingSink file() {
    return fileComplete ? file : null;
  }

  /** The file part's filename as the client sent it; null before a file part. */
  String filename() {
    return filename;
  }

  /** Frees held bytes and deletes a temporary file that was not moved into place. */
  @Override
  public void close() {
    if (multipart != null) {
      multipart.close();
    } else {
      urlencoded.release();
    }
    if (file != null) {
      file.close();
    }
  }
}
