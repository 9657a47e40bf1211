package dev.loadfleet.service;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.multipart.DiskFileUpload;
import java.io.IOException;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A multipart file part that is hashed (SHA-256) and counted chunk by chunk as the decoder hands it
 * over, and either written to a temporary file by Netty's {@link DiskFileUpload} or, in discard
 * mode, dropped at once. Either way no more than one network chunk of it is ever in the heap.
 */
final class StreamingFileUpload extends DiskFileUpload {
  private final MessageDigest sha256;
  private final boolean discard;
  private final ByteCounter counter;
  private long received;

  /** Told of every chunk's size, so the service's byte counter moves while the upload runs. */
  interface ByteCounter {
    void add(long bytes);
  }

  StreamingFileUpload(
      String name,
      String filename,
      String contentType,
      String transferEncoding,
      Charset charset,
      String tempDir,
      boolean discard,
      ByteCounter counter,
      long declaredSize) {
    // The declared size as Netty's defined length: its decoder then holds back a CR that ends a
    // network read just before the boundary instead of appending it to the file (netty/netty#11668
    // fixed that only for parts of known length; #17383, open, is the same bug for the rest).
    super(name, filename, contentType, transferEncoding, charset, declaredSize, tempDir, false);
    this.discard = discard;
    this.counter = counter;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public void addContent(ByteBuf buffer, boolean last) throws IOException {
    if (buffer != null) {
      int n = buffer.readableBytes();
      if (definedLength() > 0 && received + n > definedLength()) {
        buffer.release();
        throw new IOException(
            "size mismatch: declared " + definedLength() + " bytes, received more");
      }
      // nioBuffer() is a view: the digest reads the bytes without moving the reader index.
      sha256.update(buffer.nioBuffer());
      received += n;
      counter.add(n);
    }
    if (!discard) {
      super.addContent(buffer, last);
      return;
    }
    if (buffer != null) {
      buffer.release();
    }
    if (last) {
      setCompleted();
    }
  }

  /** Bytes of the part received so far. */
  long received() {
    return received;
  }

  /**
   * Bytes so far, also when discarding (Netty's CR hold-back compares it with the defined length).
   */
  @Override
  public long length() {
    return received;
  }

  /** Lower-case hex SHA-256 of the whole part; call once, after the part is complete. */
  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }
}
