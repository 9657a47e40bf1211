package dev.loadfleet.merge;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the records of one Gatling 3.15.1 binary {@code simulation.log} (layout: Gatling's
 * LogFileDataWriter / LogFileReader at v3.15.1). Opens the file read-only; memory is one buffer
 * plus the file's string table (distinct request names, groups and messages).
 *
 * <p>A file that ends inside a record (an injector killed with -9 stops mid-buffer) reads up to the
 * last whole record; {@link #truncated()} then says so. Strings are returned raw: Gatling's reader
 * replaces tabs and newlines itself when it builds the report.
 */
public final class SimulationLogReader implements AutoCloseable {
  private static final int BUFFER_SIZE = 1 << 16;

  /** Longer than any version, class or scenario name; a bigger length means "not this format". */
  private static final int MAX_HEADER_STRING = 1 << 16;

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
  private final List<String> strings = new ArrayList<>();
  private long consumed; // bytes handed out of the buffer so far
  private long records;
  private boolean truncated;
  private boolean ended;
  private final RunHeader header;

  private SimulationLogReader(Path file, FileChannel channel) throws IOException {
    this.file = file;
    this.channel = channel;
    this.size = channel.size();
    buffer.limit(0);
    strings.add(null); // Gatling's cache indices start at 1
    this.header = readHeader();
  }

  /** Opens {@code file} and reads its run header; fails with a message naming the file. */
  public static SimulationLogReader open(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new InvalidLogException(file + " is a folder; give its simulation.log");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new InvalidLogException(file + " does not exist; check the path");
    }
    try {
      return new SimulationLogReader(file, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  public RunHeader header() {
    return header;
  }

  /** Whole records returned by {@link #next()} so far. */
  public long records() {
    return records;
  }

  /** True once {@link #next()} met the end of the file inside a record. */
  public boolean truncated() {
    return truncated;
  }

  /** The next record, or null at the end of the file (clean or truncated). */
  public LogRecord next() throws IOException {
    if (ended) {
      return null;
    }
    if (!ensureOrEnd(1)) {
      ended = true;
      return null;
    }
    long recordStart = consumed;
    byte type = buffer.get();
    consumed++;
    try {
      LogRecord record =
          switch (type) {
            case LogRecord.USER -> new LogRecord.User(readInt(), readBoolean(), readInt());
            case LogRecord.REQUEST -> {
              List<String> groups = readGroups();
              String name = readCachedString();
              int start = readInt();
              int end = readInt();
              boolean ok = readBoolean();
              yield new LogRecord.Request(groups, name, start, end, ok, readCachedString());
            }
            case LogRecord.GROUP ->
                new LogRecord.Group(readGroups(), readInt(), readInt(), readInt(), readBoolean());
            case LogRecord.ERROR -> new LogRecord.Error(readCachedString(), readInt());
            default ->
                throw new InvalidLogException(
                    file
                        + ": unknown record type "
                        + type
                        + " at byte "
                        + recordStart
                        + " (record "
                        + (records + 2)
                        + "); the file is damaged or not a Gatling 3.15.1 simulation.log");
          };
      records++;
      return record;
    } catch (EOFException e) {
      truncated = true;
      ended = true;
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private RunHeader readHeader() throws IOException {
    String notALog = file + " is not a Gatling simulation.log (";
    if (size == 0) {
      throw new InvalidLogException(
          file + " is empty; the injector wrote nothing (did the run start?)");
    }
    try {
      ensure(1);
      byte type = buffer.get();
      consumed++;
      if (type != LogRecord.RUN) {
        throw new InvalidLogException(notALog + "it does not start with a run record)");
      }
      String version = readHeaderString(notALog, "Gatling version");
      if (!version.matches("[0-9A-Za-z.+-]{1,40}")) {
        throw new InvalidLogException(notALog + "no Gatling version in its first record)");
      }
      String simulation = readHeaderString(notALog, "simulation class");
      if (!version.equals(RunHeader.SUPPORTED_VERSION)) {
        // Later fields may be laid out differently in other versions: stop here.
        return new RunHeader(version, simulation, 0, "", List.of(), List.of());
      }
      long start = readLong();
      String description = readHeaderString(notALog, "run description");
      int scenarioCount = readCount(notALog, "scenario");
      List<String> scenarios = new ArrayList<>(scenarioCount);
      for (int i = 0; i < scenarioCount; i++) {
        scenarios.add(readHeaderString(notALog, "scenario name"));
      }
      int assertionCount = readCount(notALog, "assertion");
      List<byte[]> assertions = new ArrayList<>(assertionCount);
      for (int i = 0; i < assertionCount; i++) {
        int length = readInt();
        if (length < 0 || length > MAX_HEADER_STRING) {
          throw new InvalidLogException(notALog + "bad assertion length " + length + ")");
        }
        assertions.add(readBytes(length));
      }
      return new RunHeader(version, simulation, start, description, scenarios, assertions);
    } catch (EOFException e) {
      throw new InvalidLogException(
          file + " ends inside its run header (" + size + " bytes); it holds no records to merge");
    }
  }

  private String readHeaderString(String notALog, String what) throws IOException {
    int length = readInt();
    if (length < 0 || length > MAX_HEADER_STRING) {
      throw new InvalidLogException(notALog + "bad " + what + " length " + length + ")");
    }
    String s = readStringBody(length);
    if (s == null) {
      throw new InvalidLogException(notALog + "bad " + what + " encoding)");
    }
    return s;
  }

  private int readCount(String notALog, String what) throws IOException {
    int n = readInt();
    if (n < 0 || n > MAX_HEADER_STRING) {
      throw new InvalidLogException(notALog + "bad " + what + " count " + n + ")");
    }
    return n;
  }

  private List<String> readGroups() throws IOException {
    int n = readInt();
    if (n == 0) {
      return List.of();
    }
    checkLength(n, "group depth");
    String[] groups = new String[n];
    for (int i = 0; i < n; i++) {
      groups[i] = readCachedString();
    }
    return List.of(groups);
  }

  private String readCachedString() throws IOException {
    int index = readInt();
    if (index >= 0) {
      String s = readStringBody(readInt());
      if (s == null) {
        throw new InvalidLogException(file + ": bad string encoding at byte " + consumed);
      }
      while (strings.size() <= index) {
        strings.add(null);
      }
      strings.set(index, s);
      return s;
    }
    int key = -index;
    String s = key < strings.size() ? strings.get(key) : null;
    if (s == null) {
      throw new InvalidLogException(
          file
              + ": string #"
              + key
              + " used before it was defined at byte "
              + consumed
              + "; the file is damaged");
    }
    return s;
  }

  /** Body of a string whose length was just read; "" is the length 0 alone, without a coder. */
  private String readStringBody(int length) throws IOException {
    if (length == 0) {
      return "";
    }
    checkLength(length, "string length");
    byte[] value = readBytes(length);
    return GatlingStrings.decode(value, readByte());
  }

  private void checkLength(int length, String what) throws IOException {
    if (length < 0) {
      throw new InvalidLogException(file + ": negative " + what + " at byte " + consumed);
    }
    if (length > size - consumed) {
      // More than the file still holds: the writer was cut off inside this record.
      throw new EOFException();
    }
  }

  private byte[] readBytes(int length) throws IOException {
    byte[] out = new byte[length];
    int done = 0;
    while (done < length) {
      ensure(1);
      int n = Math.min(buffer.remaining(), length - done);
      buffer.get(out, done, n);
      done += n;
      consumed += n;
    }
    return out;
  }

  private byte readByte() throws IOException {
    ensure(1);
    consumed++;
    return buffer.get();
  }

  private boolean readBoolean() throws IOException {
    return readByte() != 0;
  }

  private int readInt() throws IOException {
    ensure(4);
    consumed += 4;
    return buffer.getInt();
  }

  private long readLong() throws IOException {
    ensure(8);
    consumed += 8;
    return buffer.getLong();
  }

  private void ensure(int n) throws IOException {
    if (!ensureOrEnd(n)) {
      throw new EOFException();
    }
  }

  private boolean ensureOrEnd(int n) throws IOException {
    if (buffer.remaining() >= n) {
      return true;
    }
    buffer.compact();
    try {
      while (buffer.position() < n) {
        if (channel.read(buffer) < 0) {
          return false;
        }
      }
    } finally {
      buffer.flip();
    }
    return true;
  }
}
