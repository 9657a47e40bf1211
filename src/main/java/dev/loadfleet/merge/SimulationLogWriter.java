package dev.loadfleet.merge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Gatling 3.15.1 binary {@code simulation.log} that Gatling's own LogFileReader accepts:
 * the run header, then records, every request name, group and message through one string table of
 * this file (index i > 0 defines entry i, -i repeats it).
 */
public final class SimulationLogWriter implements AutoCloseable {
  private static final int BUFFER_SIZE = 1 << 16;

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
  private final Map<String, Integer> strings = new HashMap<>();
  private long bytes;
  private long records;

  private SimulationLogWriter(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Creates (or replaces) {@code file} and writes its run header. {@link #close()} forces the file
   * to disk, so a log renamed into place after it is whole even if the machine then goes down.
   */
  public static SimulationLogWriter create(Path file, RunHeader header) throws IOException {
    return create(
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING),
        header);
  }

  /** Writes the log to an open {@code channel}, which {@link #close()} forces and closes. */
  static SimulationLogWriter create(FileChannel channel, RunHeader header) throws IOException {
    SimulationLogWriter writer = new SimulationLogWriter(channel);
    try {
      writer.writeHeader(header);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return writer;
  }

  /** Bytes written so far (buffered included). */
  public long bytes() {
    return bytes + buffer.position();
  }

  public long records() {
    return records;
  }

  public void write(LogRecord record) throws IOException {
    // Java 17 has no pattern switch outside preview, hence the instanceof chain.
    if (record instanceof LogRecord.User u) {
      putByte(LogRecord.USER);
      putInt(u.scenario());
      putBoolean(u.start());
      putInt(u.time());
    } else if (record instanceof LogRecord.Request r) {
      putByte(LogRecord.REQUEST);
      putGroups(r.groups());
      putCachedString(r.name());
      putInt(r.start());
      putInt(r.end());
      putBoolean(r.ok());
      putCachedString(r.message());
    } else if (record instanceof LogRecord.Group g) {
      putByte(LogRecord.GROUP);
      putGroups(g.groups());
      putInt(g.start());
      putInt(g.end());
      putInt(g.cumulatedResponseTime());
      putBoolean(g.ok());
    } else {
      LogRecord.Error e = (LogRecord.Error) record;
      putByte(LogRecord.ERROR);
      putCachedString(e.message());
      putInt(e.time());
    }
    records++;
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
      channel.force(true);
    } finally {
      channel.close();
    }
  }

  private void writeHeader(RunHeader h) throws IOException {
    putByte(LogRecord.RUN);
    putString(h.gatlingVersion());
    putString(h.simulationClass());
    ensure(8);
    buffer.putLong(h.startMs());
    putString(h.runDescription());
    putInt(h.scenarios().size());
    for (String scenario : h.scenarios()) {
      putString(scenario);
    }
    putInt(h.assertions().size());
    for (byte[] assertion : h.assertions()) {
      putInt(assertion.length);
      putBytes(assertion);
    }
  }

  private void putGroups(List<String> groups) throws IOException {
    putInt(groups.size());
    for (String group : groups) {
      putCachedString(group);
    }
  }

  private void putCachedString(String s) throws IOException {
    Integer index = strings.get(s);
    if (index != null) {
      putInt(-index);
      return;
    }
    int next = strings.size() + 1;
    strings.put(s, next);
    putInt(next);
    putString(s);
  }

  private void putString(String s) throws IOException {
    if (s.isEmpty()) {
      putInt(0);
      return;
    }
    byte coder = GatlingStrings.coder(s);
    byte[] value = GatlingStrings.encode(s, coder);
    putInt(value.length);
    putBytes(value);
    putByte(coder);
  }

  private void putBytes(byte[] value) throws IOException {
    int done = 0;
    while (done < value.length) {
      ensure(1);
      int n = Math.min(buffer.remaining(), value.length - done);
      buffer.put(value, done, n);
      done += n;
    }
  }

  private void putByte(byte b) throws IOException {
    ensure(1);
    buffer.put(b);
  }

  private void putBoolean(boolean b) throws IOException {
    putByte(b ? (byte) 1 : (byte) 0);
  }

  private void putInt(int i) throws IOException {
    ensure(4);
    buffer.putInt(i);
  }

  private void ensure(int n) throws IOException {
    if (buffer.remaining() < n) {
      flush();
    }
  }

  private void flush() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      bytes += channel.write(buffer);
    }
    buffer.clear();
  }
}
