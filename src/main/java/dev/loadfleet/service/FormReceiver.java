package dev.loadfleet.service;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one form request body (multipart or urlencoded) chunk by chunk with Netty's {@link
 * HttpPostRequestDecoder}: small fields are kept, a file part streams through a {@link
 * StreamingFileUpload}. Not thread-safe: one per request, used on its channel's event loop.
 */
final class FormReceiver implements AutoCloseable {
  /** A form value larger than this is refused: ids and checksums are short. */
  private static final long MAX_FIELD = 16 * 1024;

  private static final int MAX_FIELDS = 32;

  /** Bytes the decoder may hold while looking for a boundary. */
  private static final int MAX_BUFFERED = 1 << 20;

  /**
   * Netty's default (10 MiB) lets the decoder keep that much already-parsed body per connection
   * before compacting; 500 concurrent uploads would pin 5 GB. Compact every 64 KiB instead.
   */
  private static final int DISCARD_THRESHOLD = 64 * 1024;

  private final Factory factory;
  private final HttpPostRequestDecoder decoder;
  private final Map<String, String> fields = new LinkedHashMap<>();
  private StreamingFileUpload file;

  /** The request body is not a form Netty can decode (no boundary, wrong content type). */
  static final class MalformedFormException extends Exception {
    MalformedFormException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  FormReceiver(
      HttpRequest request, String tempDir, boolean discard, StreamingFileUpload.ByteCounter counter)
      throws MalformedFormException {
    this.factory = new Factory(tempDir, discard, counter);
    factory.setMaxLimit(MAX_FIELD);
    try {
      decoder =
          new HttpPostRequestDecoder(
              factory, request, StandardCharsets.UTF_8, MAX_FIELDS, MAX_BUFFERED);
    } catch (RuntimeException e) {
      throw new MalformedFormException("not a decodable form body: " + e.getMessage(), e);
    }
    decoder.setDiscardThreshold(DISCARD_THRESHOLD);
  }

  /** Feeds one body chunk (the caller still owns and releases it). */
  void offer(HttpContent content) throws MalformedFormException {
    try {
      decoder.offer(content);
      while (hasNext()) {
        take(decoder.next());
      }
    } catch (RuntimeException | IOException e) {
      throw new MalformedFormException("malformed form body: " + e.getMessage(), e);
    }
  }

  private boolean hasNext() {
    try {
      return decoder.hasNext();
    } catch (HttpPostRequestDecoder.EndOfDataDecoderException end) {
      return false;
    }
  }

  private void take(InterfaceHttpData data) throws IOException, MalformedFormException {
    if (data instanceof FileUpload upload) {
      if (file != null) {
        throw new MalformedFormException("more than one file part", null);
      }
      file = (StreamingFileUpload) upload;
    } else if (data instanceof Attribute attribute) {
      fields.put(attribute.getName(), attribute.getValue());
    }
  }

  Map<String, String> fields() {
    return fields;
  }

  /** The completed file part, or null when there was none. */
  StreamingFileUpload file() {
    return file;
  }

  /** Frees the decoder's buffers and deletes any temporary file that was not moved into place. */
  @Override
  public void close() {
    decoder.destroy();
    for (StreamingFileUpload upload : factory.created) {
      upload.delete();
    }
  }

  /**
   * Fields in memory (bounded by {@link #MAX_FIELD}); file parts as {@link StreamingFileUpload}.
   */
  private static final class Factory extends DefaultHttpDataFactory {
    private final String tempDir;
    private final boolean discard;
    private final StreamingFileUpload.ByteCounter counter;
    private final List<StreamingFileUpload> created = new ArrayList<>(1);
    private Attribute sizeField;

    Factory(String tempDir, boolean discard, StreamingFileUpload.ByteCounter counter) {
      super(false);
      this.tempDir = tempDir;
      this.discard = discard;
      this.counter = counter;
    }

    // The size field precedes the file part; the factory keeps the attribute it made for it, as
    // the decoder will not answer lookups before the body's last chunk.
    @Override
    public Attribute createAttribute(HttpRequest request, String name) {
      return remember(super.createAttribute(request, name));
    }

    @Override
    public Attribute createAttribute(HttpRequest request, String name, long definedSize) {
      return remember(super.createAttribute(request, name, definedSize));
    }

    @Override
    public Attribute createAttribute(HttpRequest request, String name, String value) {
      return remember(super.createAttribute(request, name, value));
    }

    private Attribute remember(Attribute attribute) {
      if (RequestHandler.SIZE_FIELD.equals(attribute.getName())) {
        sizeField = attribute;
      }
      return attribute;
    }

    /** The declared size if already read and valid, else 0 (unknown; the handler refuses it). */
    private long declaredSize() {
      try {
        return sizeField == null || !sizeField.isCompleted()
            ? 0
            : Math.max(0, Long.parseLong(sizeField.getValue().trim()));
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
    }

    @Override
    public FileUpload createFileUpload(
        HttpRequest request,
        String name,
        String filename,
        String contentType,
        String contentTransferEncoding,
        Charset charset,
        long size) {
      StreamingFileUpload upload =
          new StreamingFileUpload(
              name,
              filename,
              contentType,
              contentTransferEncoding,
              charset,
              tempDir,
              discard,
              counter,
              declaredSize());
      created.add(upload);
      return upload;
    }
  }
}
