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
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Where a recording's bytes go as they arrive: hashed (SHA-256), counted, and written to a
 * temporary file, or with discard only hashed and counted. No more than the network chunk at hand
 * is ever in memory.
 *
 * <p>The network buffers are direct: {@link FileChannel} writes them without the copy into a
 * temporary direct buffer that a heap buffer would cost; {@link MessageDigest} copies them 4 KiB at
 * a time into an array for its SHA-256 intrinsic (SHA-NI or AVX2), which is where most of the
 * service's CPU per byte goes.
 */
final class RecordingSink implements AutoCloseable {
  private final MessageDigest sha256;
  private final Path incoming;
  private final LongConsumer counter;
  private Path temp;
  private FileChannel channel;
  private long received;

  /**
   * @param incoming the temporary files' directory (same file system as the data directory), or
   *     null to discard the bytes
   * @param counter told of every chunk's size, so the service's byte counter moves while it runs
   */
  RecordingSink(Path incoming, LongConsumer counter) {
    this.incoming = incoming;
    this.counter = counter;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Hashes, counts and (unless discarding) writes the readable bytes; the caller owns them. */
  void write(ByteBuf bytes) throws IOException {
    int n = bytes.readableBytes();
    if (n == 0) {
      return;
    }
    if (bytes.hasArray()) {
      sha256.update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), n);
    } else {
      // A view: the digest reads the bytes without moving the reader index.
      sha256.update(bytes.nioBuffer());
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
    return HexFormat.of().formatHex(sha256.digest());
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
