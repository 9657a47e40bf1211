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
}
