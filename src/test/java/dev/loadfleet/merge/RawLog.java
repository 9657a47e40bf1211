package dev.loadfleet.merge;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Hand-made bytes after a real run header, for the damaged files no Gatling writes: the fields of a
 * record one by one, big-endian as Gatling lays them out.
 */
final class RawLog {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  RawLog type(byte type) {
    return write(() -> out.writeByte(type));
  }

  RawLog i(int value) {
    return write(() -> out.writeInt(value));
  }

  RawLog bool(boolean value) {
    return write(() -> out.writeBoolean(value));
  }

  /** A Latin-1 string body: its length, its bytes, coder 0. */
  RawLog latin1(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return write(
        () -> {
          out.writeInt(b.length);
          out.write(b);
          out.writeByte(0);
        });
  }

  /** A request with no group, a new name string at {@code index}, and an empty message. */
  RawLog request(int nameIndex, String name, int start, int end, int messageIndex) {
    return type(LogRecord.REQUEST)
        .i(0)
        .i(nameIndex)
        .latin1(name)
        .i(start)
        .i(end)
        .bool(true)
        .i(messageIndex)
        .i(0);
  }

  /** Writes {@code header} with the real writer, then these bytes; returns the header's size. */
  @SuppressWarnings("try") // opening and closing the writer writes the header
  long writeAfter(Path file, RunHeader header) throws IOException {
    try (SimulationLogWriter w = SimulationLogWriter.create(file, header)) {
      // header only
    }
    long headerSize = Files.size(file);
    Files.write(file, bytes.toByteArray(), StandardOpenOption.APPEND);
    return headerSize;
  }

  private interface Step {
    void run() throws IOException;
  }

  private RawLog write(Step step) {
    try {
      step.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
