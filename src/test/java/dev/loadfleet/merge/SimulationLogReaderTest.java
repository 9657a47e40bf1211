package dev.loadfleet.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reader and writer on hand-made records: the cases real runs rarely produce. */
class SimulationLogReaderTest {
  @TempDir Path tmp;

  private static final RunHeader HEADER =
      new RunHeader(
          "3.15.1",
          "x.Sim",
          1_700_000_000_000L,
          "",
          List.of("élève", "学生"),
          List.of(new byte[] {1, 2, 3}));

  @Test
  void everyRecordTypeAndEncodingRoundTrips() throws IOException {
    List<LogRecord> records =
        List.of(
            new LogRecord.User(1, true, 0),
            new LogRecord.Request(
                List.of("g1", "上传"), "req\tone", 5, 17, false, "KO: \ud800 lone surrogate"),
            new LogRecord.Request(List.of("g1", "上传"), "req\tone", 6, 9, true, ""),
            new LogRecord.Group(List.of("g1"), 4, 20, 15, false),
            new LogRecord.Error("crash ÿ", 21),
            new LogRecord.User(1, false, 22));
    Path log = tmp.resolve("simulation.log");
    try (SimulationLogWriter w = SimulationLogWriter.create(log, HEADER)) {
      for (LogRecord r : records) {
        w.write(r);
      }
    }
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      assertEquals(HEADER.scenarios(), r.header().scenarios());
      assertTrue(HEADER.sameAssertions(r.header()));
      for (LogRecord expected : records) {
        assertEquals(expected, r.next());
      }
      assertNull(r.next());
      assertEquals(records.size(), r.records());
    }
  }

  @Test
  void unknownRecordTypeInTheMiddleIsAnErrorWithItsPosition() throws IOException {
    Path log = tmp.resolve("simulation.log");
    try (SimulationLogWriter w = SimulationLogWriter.create(log, HEADER)) {
      w.write(new LogRecord.User(0, true, 1));
    }
    Files.write(log, new byte[] {9, 9, 9, 9}, java.nio.file.StandardOpenOption.APPEND);
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      r.next();
      InvalidLogException e = assertThrows(InvalidLogException.class, r::next);
      assertTrue(
          e.getMessage().contains("unknown record type 9") && e.getMessage().contains("record 3"),
          e.getMessage());
    }
  }

  @Test
  void stringIndexFarBeyondTheTableIsRefusedAsDamagedWithoutGrowingIt() throws IOException {
    Path log = tmp.resolve("simulation.log");
    long at = new RawLog().request(Integer.MAX_VALUE, "x", 1, 2, 1).writeAfter(log, HEADER);
    assertDamagedAt(log, at, "string #2147483647");
  }

  @Test
  void stringReferenceToTheSmallestIntIsRefusedAsDamaged() throws IOException {
    Path log = tmp.resolve("simulation.log");
    long at =
        new RawLog()
            .request(1, "x", 1, 2, 2)
            .type(LogRecord.ERROR)
            .i(Integer.MIN_VALUE)
            .i(3)
            .writeAfter(log, HEADER);
    long second = at + 1 + 4 + 4 + 4 + 2 + 4 + 4 + 1 + 4 + 4;
    assertDamagedAt(log, second, "string #-2147483648", 2);
  }

  @Test
  void stringsOutOfGatlingsSequenceAreRefusedAsDamaged() throws IOException {
    // Gatling numbers new strings 1, 2, 3...: a first string 0, a skipped number, or a number
    // defined twice is no file Gatling wrote.
    for (int[] indices : new int[][] {{0, 1}, {2, 3}, {1, 1}}) {
      Path log = tmp.resolve("seq-" + indices[0] + indices[1] + ".log");
      long at = new RawLog().request(indices[0], "x", 1, 2, indices[1]).writeAfter(log, HEADER);
      InvalidLogException e = assertThrows(InvalidLogException.class, () -> readAll(log));
      assertTrue(
          e.getMessage().startsWith(log + ": ")
              && e.getMessage().contains("record at byte " + at)
              && e.getMessage().contains("damaged"),
          e.getMessage());
    }
  }

  @Test
  void timesFarOutsideTheRunAreRefusedAsDamaged() throws IOException {
    Path before = tmp.resolve("before.log");
    long at =
        new RawLog().request(1, "x", -2_000_000_000, 2_000_000_000, 2).writeAfter(before, HEADER);
    assertDamagedAt(before, at, "time -2000000000 ms from the run start, outside the run");

    Path after = tmp.resolve("after.log");
    at = new RawLog().request(1, "x", 5, 2_000_000_000, 2).writeAfter(after, HEADER);
    assertDamagedAt(after, at, "time 2000000000 ms from the run start, outside the run");
  }

  @Test
  void aClockSteppedBackALittleIsStillARun() throws IOException {
    Path log = tmp.resolve("simulation.log");
    new RawLog().request(1, "x", -500, 20, 2).writeAfter(log, HEADER);
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      assertEquals(new LogRecord.Request(List.of(), "x", -500, 20, true, ""), r.next());
    }
  }

  private static void assertDamagedAt(Path log, long at, String what) {
    assertDamagedAt(log, at, what, 1);
  }

  private static void assertDamagedAt(Path log, long at, String what, int record) {
    InvalidLogException e = assertThrows(InvalidLogException.class, () -> readAll(log));
    assertTrue(
        e.getMessage().startsWith(log + ": ")
            && e.getMessage().contains(what)
            && e.getMessage().contains("record at byte " + at + " (record " + (record + 1) + ")")
            && e.getMessage().contains("damaged"),
        e.getMessage());
  }

  private static void readAll(Path log) throws IOException {
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      while (r.next() != null) {
        // read on
      }
    }
  }
}
