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

  /**
   * Splits one run's log into {@code parts} valid logs as that many injectors would have written
   * them, each with its own run start ({@code partStartStepMs} earlier per part) and every record
   * at its original absolute time. Gatling's log carries no user id, so "by user" means: the k-th
   * start and the k-th end of each scenario go to part k mod n (users of one scenario end in the
   * order they start here), requests and groups round robin, each part keeping the original
   * order.
   */
  static List<Path> split(Path log, Path dir, int parts, long partStartStepMs) throws IOException {
    RunHeader h = header(log);
    List<Path> files = new ArrayList<>();
    List<SimulationLogWriter> writers = new ArrayList<>();
    try {
      for (int p = 0; p < parts; p++) {
        Path f = dir.resolve("injector-" + (p + 1)).resolve("simulation.log");
        java.nio.file.Files.createDirectories(f.getParent());
        files.add(f);
        RunHeader ph =
            new RunHeader(
                h.gatlingVersion(), h.simulationClass(), h.startMs() - p * partStartStepMs,
                h.runDescription(), h.scenarios(), h.assertions());
        writers.add(SimulationLogWriter.create(f, ph));
      }
      int[] starts = new int[h.scenarios().size()];
      int[] ends = new int[h.scenarios().size()];
      int other = 0;
      for (LogRecord rec : records(log)) {
        int part;
        if (rec instanceof LogRecord.User u) {
          part = (u.start() ? starts[u.scenario()]++ : ends[u.scenario()]++) % parts;
        } else {
          part = other++ % parts;
        }
        int[] identity = new int[h.scenarios().size()];
        for (int i = 0; i < identity.length; i++) {
          identity[i] = i;
        }
        writers.get(part).write(rec.rebased((int) (part * partStartStepMs), identity));
      }
    } finally {
      for (SimulationLogWriter w : writers) {
        w.close();
      }
    }
    return files;
  }
}
