package dev.loadfleet.merge;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Reads and rewrites real logs for the tests, through the reader and writer under test. */
final class TestLogs {
  private TestLogs() {}

  static List<LogRecord> records(Path log) throws IOException {
    List<LogRecord> out = new ArrayList<>();
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      for (LogRecord rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec);
      }
    }
    return out;
  }

  static RunHeader header(Path log) throws IOException {
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      return r.header();
    }
  }

  /** A copy of {@code log} with its header changed, records untouched. */
  static Path withHeader(Path log, Path out, UnaryOperator<RunHeader> change) throws IOException {
    RunHeader h = header(log);
    try (SimulationLogWriter w = SimulationLogWriter.create(out, change.apply(h))) {
      for (LogRecord rec : records(log)) {
        w.write(rec);
      }
    }
    return out;
  }
}
