package dev.loadfleet.merge;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
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
 *
 * <p>A damaged file is refused with an {@link InvalidLogException} naming the file and the byte
 * offset of the record: a value no Gatling writer produces (a string number out of sequence, a time
 * outside the run, a length or count beyond what Gatling writes) is damage, never a reason to
 * allocate. Nothing here allocates more than the file holds or a fixed bound: every length and
 * count read is checked against the bytes left first, and no list is sized from the input.
 */
public final class SimulationLogReader implements AutoCloseable {
  private static final int BUFFER_SIZE = 1 << 16;

  /**
   * Gatling 3.15.1 writes every string and assertion through its 8 KiB buffer
   * (LogFileDataWriter.BufferSize; a longer one fails in its writer), so no length is larger.
   */
  static final int MAX_STRING_BYTES = 8192;

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
  private final List<String> strings = new ArrayList<>();
  private long consumed; // bytes handed out of the buffer so far
  private long recordStart; // byte offset of the record being read
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
    if (!Files.exists(file)) {
      throw new InvalidLogException(file + " does not exist; check the path");
    }
    if (!Files.isRegularFile(file)) {
      // A FIFO would block the open until someone writes to it; a device never ends.
      throw new InvalidLogException(
          file
              + " is not a regular file (a pipe or a device); give the simulation.log file"
              + " Gatling wrote");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new InvalidLogException(file + " does not exist; check the path");
    } catch (AccessDeniedException e) {
      throw new InvalidLogException(
          file + " cannot be read (permission denied); make it readable (chmod a+r) or copy it");
    } catch (FileSystemException e) {
      throw new InvalidLogException(
          file + " cannot be opened (" + e.getReason() + "); check the file and its folder");
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

  /** The file's size in bytes when it was opened. */
  public long size() {
    return size;
  }

  /** Whole records returned by {@link #next()} so far. */
  public long records() {
    return records;
  }

  /** True once {@link #next()} met the end of the file inside a record. */
  public boolean truncated() {
    return truncated;
  }

  /** Entries in the string table so far: never more than the file's size allows. */
  int stringTableSize() {
    return strings.size() - 1;
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
    recordStart = consumed;
    byte type = buffer.get();
    consumed++;
    try {
      LogRecord record =
          switch (type) {
            case LogRecord.USER -> {
              int scenario = readInt();
              if (scenario < 0 || scenario >= header.scenarios().size()) {
                throw damaged(
                    "scenario " + scenario + " of " + header.scenarios().size() + " in the header");
              }
              yield new LogRecord.User(scenario, readBoolean(), readInt());
            }
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
            default -> throw damaged("unknown record type " + type);
          };
      if (record.earliest() < LogRecord.MIN_TIME_MS || record.latest() > LogRecord.MAX_TIME_MS) {
        int time = record.earliest() < LogRecord.MIN_TIME_MS ? record.earliest() : record.latest();
        throw damaged(
            "time "
                + time
                + " ms from the run start, outside the run (loadfleet reads times from "
                + LogRecord.MIN_TIME_MS / 1000
                + " s to "
                + LogRecord.MAX_TIME_MS / 86_400_000
                + " days)");
      }
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

  /** Names the file, the record's byte offset and what is wrong with it. */
  private InvalidLogException damaged(String what) {
    return new InvalidLogException(
        file
            + ": "
            + what
            + " in the record at byte "
            + recordStart
            + " (record "
            + (records + 2)
            + "); the file is damaged or not a Gatling 3.15.1 simulation.log");
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
      if (start < 0 || start > RunHeader.MAX_START_MS) {
        throw new InvalidLogException(
            notALog + "run start " + start + " ms is not a date between 1970 and 9999; damaged)");
      }
      String description = readHeaderString(notALog, "run description");
      int scenarioCount = readCount(notALog, "scenario");
      List<String> scenarios = new ArrayList<>();
      for (int i = 0; i < scenarioCount; i++) {
        scenarios.add(readHeaderString(notALog, "scenario name"));
      }
      int assertionCount = readCount(notALog, "assertion");
      List<byte[]> assertions = new ArrayList<>();
      for (int i = 0; i < assertionCount; i++) {
        int length = readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
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
    if (length < 0 || length > MAX_STRING_BYTES) {
      throw new InvalidLogException(notALog + "bad " + what + " length " + length + ")");
    }
    String s = readStringBody(length);
    if (s == null) {
      throw new InvalidLogException(notALog + "bad " + what + " encoding)");
    }
    return s;
  }

  /** A count of items that take at least 4 bytes each: no more than the bytes left allow. */
  private int readCount(String notALog, String what) throws IOException {
    int n = readInt();
    if (n < 0) {
      throw new InvalidLogException(notALog + "bad " + what + " count " + n + ")");
    }
    if (n > (size - consumed) / 4) {
      throw new EOFException();
    }
    return n;
  }

  private List<String> readGroups() throws IOException {
    int n = readInt();
    if (n == 0) {
      return List.of();
    }
    if (n < 0) {
      throw damaged("group depth " + n);
    }
    if (n > (size - consumed) / 4) {
      // Each group takes at least its 4-byte string number: the writer was cut off here.
      throw new EOFException();
    }
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(readCachedString());
    }
    return List.copyOf(groups);
  }

  /**
   * Gatling numbers a new string with the next free number (1, 2, 3...) and repeats one with its
   * number negated: anything else is damage.
   */
  private String readCachedString() throws IOException {
    int index = readInt();
    int next = strings.size();
    if (index > 0) {
      if (index != next) {
        throw damaged(
            "string #" + index + " out of sequence (the next new string is #" + next + ")");
      }
      int length = readInt();
      if (length < 0 || length > MAX_STRING_BYTES) {
        throw damaged("string length " + length);
      }
      String s = readStringBody(length);
      if (s == null) {
        throw damaged("a string in no Gatling encoding");
      }
      strings.add(s);
      return s;
    }
    // -index overflows for Integer.MIN_VALUE: compare in long.
    long key = -(long) index;
    if (key < 1 || key >= next) {
      throw damaged(
          "string #" + index + " repeats no string defined before (#1 to #" + (next - 1) + " are)");
    }
    return strings.get((int) key);
  }

  /** Body of a string whose length was just read; "" is the length 0 alone, without a coder. */
  private String readStringBody(int length) throws IOException {
    if (length == 0) {
      return "";
    }
    if (length > size - consumed) {
      // More than the file still holds: the writer was cut off inside this record.
      throw new EOFException();
    }
    byte[] value = readBytes(length);
    return GatlingStrings.decode(value, readByte());
  }

  private byte[] readBytes(int length) throws IOException {
    if (length > size - consumed) {
      throw new EOFException();
    }
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
