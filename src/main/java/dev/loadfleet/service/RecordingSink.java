package dev.loadfleet.service;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Where a recording's bytes go as they arrive: hashed (SHA-256), counted, and written to a
 * temporary file, or with discard only hashed and counted. Beyond the network chunk at hand, only
 * the first upload of a recording keeps its bytes in memory (see below), within the bounds of
 * {@link VerifiedContents}.
 *
 * <p>The network buffers are direct: {@link FileChannel} writes them without the copy into a
 * temporary direct buffer that a heap buffer would cost; {@link MessageDigest} copies them 4 KiB at
 * a time into an array for its SHA-256 intrinsic (SHA-NI or AVX2), which is where most of the
 * service's CPU per byte goes.
 *
 * <p>When the upload declared a SHA-256 and size before its file part, and the service already
 * verified a content with both ({@link VerifiedContents}), the bytes are compared with that content
 * instead of hashed: equal bytes have its SHA-256. At the first byte that differs, or a byte past
 * the declared size, the sink hashes the content's bytes compared so far and goes on hashing, so
 * {@link #sha256Hex} is always the SHA-256 of what arrived. The first upload of a content not yet
 * known may keep a copy as it arrives, for the next ones.
 */
final class RecordingSink implements AutoCloseable {
  private final MessageDigest sha256;
  private final Path incoming;
  private final LongConsumer counter;
  private final VerifiedContents verified;
  private final String declaredSha256;
  private final long declaredSize;
  private Path temp;
  private FileChannel channel;
  private long received;

  /** The verified content being compared with, while every byte so far has matched; else null. */
  private ByteBuffer same;

  /** The copy of this upload kept to learn its content, while it may still verify; else null. */
  private ByteBuffer copy;

  private boolean compared;

  /**
   * @param incoming the temporary files' directory (same file system as the data directory), or
   *     null to discard the bytes
   * @param counter told of every chunk's size, so the service's byte counter moves while it runs
   */
  RecordingSink(Path incoming, LongConsumer counter) {
    this(incoming, counter, null, null, -1);
  }

  /**
   * @param verified the service's verified contents, or null to hash every byte
   * @param declaredSha256 the SHA-256 the form declared before its file part, or null
   * @param declaredSize the size the form declared before its file part, or -1
   */
  RecordingSink(
      Path incoming,
      LongConsumer counter,
      VerifiedContents verified,
      String declaredSha256,
      long declaredSize) {
    this.incoming = incoming;
    this.counter = counter;
    boolean declared = verified != null && declaredSha256 != null && declaredSize > 0;
    this.verified = declared ? verified : null;
    this.declaredSha256 = declaredSha256;
    this.declaredSize = declaredSize;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    if (declared) {
      same = verified.get(declaredSha256, declaredSize);
      if (same == null && verified.claim(declaredSha256, declaredSize)) {
        try {
          copy = ByteBuffer.allocateDirect(Math.toIntExact(declaredSize));
        } catch (OutOfMemoryError e) {
          verified.abandon(declaredSha256, declaredSize); // no room: this upload is only hashed
        }
      }
    }
  }

  /** Hashes or compares, counts and (unless discarding) writes the bytes; the caller owns them. */
  void write(ByteBuf bytes) throws IOException {
    int n = bytes.readableBytes();
    if (n == 0) {
      return;
    }
    // A view: the digest and the comparison read the bytes without moving the reader index.
    ByteBuffer view = bytes.nioBuffer();
    if (same != null) {
      int at = Math.toIntExact(received);
      if (n > same.capacity() - at || view.mismatch(same.slice(at, n)) >= 0) {
        sha256.update(same.slice(0, at));
        same = null;
        sha256.update(view);
      }
    } else {
      if (copy != null) {
        if (n > copy.remaining()) {
          forget();
        } else {
          copy.put(view.duplicate());
        }
      }
      sha256.update(view);
    }
    if (incoming != null) {
      FileChannel out = open();
      ByteBuffer[] views = bytes.nioBuffers();
      long left = n;
      while (left > 0) {
        left -= out.write(views);
      }
    }
    received += n;
    counter.accept(n);
  }

  private FileChannel open() throws IOException {
    if (channel == null) {
      temp = incoming.resolve("upload-" + UUID.randomUUID() + ".part");
      channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
    return channel;
  }

  /** Bytes received so far. */
  long received() {
    return received;
  }

  /** Lower-case hex SHA-256 of everything written; call once, at the end. */
  String sha256Hex() {
    if (same != null) {
      if (received == same.capacity()) {
        same = null;
        compared = true;
        return declaredSha256.toLowerCase(Locale.ROOT);
      }
      sha256.update(same.slice(0, Math.toIntExact(received)));
      same = null;
    }
    String hex = HexFormat.of().formatHex(sha256.digest());
    if (copy != null) {
      if (received == declaredSize && hex.equalsIgnoreCase(declaredSha256)) {
        verified.learned(declaredSha256, declaredSize, copy);
        copy = null;
      } else {
        forget();
      }
    }
    return hex;
  }

  /** After {@link #sha256Hex}: whether every byte was compared with a verified content. */
  boolean compared() {
    return compared;
  }

  private void forget() {
    copy = null;
    verified.abandon(declaredSha256, declaredSize);
  }

  /**
   * Moves the recording into place, replacing a file of the same name (one left by an earlier run:
   * within a run, the caller lets each name be stored once).
   */
  void moveTo(Path dest) throws IOException {
    open().close();
    Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    temp = null;
  }

  /** Closes the temporary file and deletes it unless it was moved into place. */
  @Override
  public void close() {
    if (copy != null) {
      forget();
    }
    try {
      if (channel != null) {
        channel.close();
      }
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      System.err.println(
          "loadfleet service: cannot delete the temporary file " + temp + ": " + e.getMessage());
    }
  }
}
