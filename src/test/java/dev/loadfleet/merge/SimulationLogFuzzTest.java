package dev.loadfleet.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Damaged logs, made by Jazzer (coverage-guided, libFuzzer's mutations) from real Gatling 3.15.1
 * logs: the seeds in src/test/resources/dev/loadfleet/merge/SimulationLogFuzzTestInputs. Whatever
 * the bytes, the reader either reads them or refuses them with {@link InvalidLogException} naming
 * the file; nothing else escapes (Jazzer reports any other throwable, OutOfMemoryError included, as
 * a finding), and what it allocates stays bounded by a constant, never by a number read from the
 * file. What it reads, the merger writes back readable, record for record.
 *
 * <p>Fuzzes for {@code maxDuration} in every test run (the pom sets JAZZER_FUZZ for surefire);
 * without JAZZER_FUZZ (an IDE) it replays the seeds and earlier findings only.
 */
class SimulationLogFuzzTest {
  /**
   * One read may allocate the 64 KiB buffer, its records and strings: well under this for inputs of
   * a few KB, far under what a length or index taken from the file would cost.
   */
  private static final long MAX_ALLOCATED_BYTES = 8L << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final AtomicLong READ = new AtomicLong();
  private static final AtomicLong CUT = new AtomicLong();
  private static final AtomicLong REFUSED = new AtomicLong();
  private static Path dir;

  @BeforeAll
  static void makeTempDir() throws IOException {
    dir = Files.createTempDirectory("loadfleet-fuzz");
  }

  @AfterAll
  static void reportAndRemoveTempFiles() throws IOException {
    System.out.printf(
        "SimulationLogFuzzTest: %d inputs read whole, %d read up to a cut, %d refused%n",
        READ.get(), CUT.get(), REFUSED.get());
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @FuzzTest(maxDuration = "20s")
  void anyBytesAreReadOrRefusedWithinBoundedMemory(byte[] bytes) throws IOException {
    Path log = dir.resolve("simulation.log");
    Files.write(log, bytes);
    // The first read loads (and Jazzer instruments) whatever classes this input's path needs:
    // their allocations are not the reader's. The second read is the one measured.
    read(log);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Read read = read(log);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(
        allocated < MAX_ALLOCATED_BYTES,
        "reading " + bytes.length + " bytes allocated " + allocated + " bytes");

    if (read.refused != null) {
      REFUSED.incrementAndGet();
      assertTrue(
          read.refused.getMessage().contains(log.toString()),
          "names the file: " + read.refused.getMessage());
      return;
    }
    (read.truncated ? CUT : READ).incrementAndGet();
    // A new string costs at least its 4-byte number and 4-byte length in the file.
    assertTrue(read.strings <= bytes.length / 8, "string table beyond the file's size");
    if (!read.header.gatlingVersion().equals(RunHeader.SUPPORTED_VERSION)) {
      return; // the merger refuses it by its version: nothing to round-trip
    }
    Path merged = dir.resolve("merged.log");
    try {
      LogMerger.merge(List.of(new MergeInput("fuzz", log, 0)), merged);
    } catch (InvalidLogException refused) {
      return; // e.g. a header with no scenario for its users
    }
    assertEquals(
        named(read.header, read.records),
        named(TestLogs.header(merged), TestLogs.records(merged)),
        "what was read is merged back as is");
  }

  /** What one read gave: the header and records, or the refusal. */
  private record Read(
      RunHeader header,
      List<LogRecord> records,
      boolean truncated,
      int strings,
      InvalidLogException refused) {}

  /** Reads {@code log} to its end; any throwable but a refusal escapes (a finding for Jazzer). */
  private static Read read(Path log) throws IOException {
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      List<LogRecord> records = new ArrayList<>();
      for (LogRecord rec = r.next(); rec != null; rec = r.next()) {
        records.add(rec);
      }
      return new Read(r.header(), records, r.truncated(), r.stringTableSize(), null);
    } catch (InvalidLogException refused) {
      return new Read(null, List.of(), false, 0, refused);
    }
  }

  /** Records with each user's scenario by name: the merger unions scenario tables by name. */
  private static List<Object> named(RunHeader header, List<LogRecord> records) {
    return records.stream()
        .map(
            r ->
                r instanceof LogRecord.User u
                    ? List.of(header.scenarios().get(u.scenario()), u.start(), u.time())
                    : (Object) r)
        .toList();
  }
}
