package dev.loadfleet.report;

import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.RunHeader;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.merge.SimulationLogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Injector logs written in code, so a test knows what each host did: students who start on a ramp,
 * send a heartbeat every second and upload every five, with a chosen KO rate, upload speed, start
 * lateness and clock. Each log is what that host's Gatling would have written: its own run start
 * and clock, records in the order Gatling's writer emits them (a request when it ends).
 */
final class SyntheticFleet {
  /** Heartbeats of 5-60 ms; uploads of {@code uploadMs} ± a third, one in 20 taking 3× as long. */
  record Host(
      String name,
      int users,
      double koRate,
      int uploadMs,
      long latenessMs,
      long clockOffsetMs,
      long seed) {}

  /** The run lasts this long after T0 for every host. */
  static final long DURATION_MS = 40_000;

  private SyntheticFleet() {}

  /**
   * Writes {@code host}'s log into {@code dir/<name>/simulation.log}.
   *
   * @param header the header to copy (simulation class, scenarios, assertions), its start replaced
   * @param t0 the common start instant on the launcher's clock
   */
  static Path write(Path dir, RunHeader header, long t0, Host host) throws IOException {
    // The JVM started 3 s before T0, on the host's own clock.
    long runStart = t0 - 3_000 + host.clockOffsetMs();
    RunHeader own =
        new RunHeader(
            header.gatlingVersion(),
            header.simulationClass(),
            runStart,
            header.runDescription(),
            header.scenarios(),
            header.assertions());
    Random rnd = new Random(host.seed());
    List<LogRecord> records = new ArrayList<>();
    long first = t0 + host.latenessMs() + host.clockOffsetMs() - runStart; // host-relative
    long end = first + DURATION_MS - host.latenessMs();
    for (int u = 0; u < host.users(); u++) {
      int start = (int) (first + 200L * u);
      records.add(new LogRecord.User(0, true, start));
      int last = start;
      int uploads = 0;
      for (int t = start; t < end - 6_000; t += 1_000) {
        boolean upload = (t - start) % 5_000 == 0 && t > start;
        int rt;
        if (upload) {
          rt = (int) (host.uploadMs() * (0.66 + rnd.nextDouble() * 0.67));
          if ((u + uploads++) % 20 == 7) {
            rt *= 3; // the long tail: one upload in 20
          }
        } else {
          rt = 5 + rnd.nextInt(56);
        }
        boolean ok = rnd.nextDouble() >= host.koRate();
        records.add(
            new LogRecord.Request(
                List.of(),
                upload ? "upload" : "heartbeat",
                t,
                t + rt,
                ok,
                ok ? "" : "status.find.in(200,201,204), found 503"));
        last = Math.max(last, t + rt);
      }
      records.add(new LogRecord.User(0, false, last + 1));
    }
    records.sort(Comparator.comparingInt(LogRecord::emittedAt));
    Path log = Files.createDirectories(dir.resolve(host.name())).resolve("simulation.log");
    try (SimulationLogWriter w = SimulationLogWriter.create(log, own)) {
      for (LogRecord r : records) {
        w.write(r);
      }
    }
    return log;
  }

  /** A log's requests as an independent reader sees them: every response time, and the KOs. */
  record Facts(List<Integer> times, long ko, long okUploads, long firstUserEpochMs) {
    long requests() {
      return times.size();
    }

    /** Nearest rank over the sorted times. */
    int percentile(double p) {
      List<Integer> sorted = new ArrayList<>(times);
      sorted.sort(null);
      int rank = (int) Math.max(1, Math.ceil(p / 100.0 * sorted.size()));
      return sorted.get(rank - 1);
    }

    int max() {
      return times.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    double koPercent() {
      return Math.round(ko * 10_000.0 / times.size()) / 100.0;
    }
  }

  /** Reads a host's log back, record by record, without the report package's code. */
  static Facts facts(Path log, long clockOffsetMs) throws IOException {
    List<Integer> times = new ArrayList<>();
    long ko = 0;
    long okUploads = 0;
    long firstUser = Long.MAX_VALUE;
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      for (LogRecord rec = r.next(); rec != null; rec = r.next()) {
        if (rec instanceof LogRecord.Request q) {
          times.add(q.end() - q.start());
          ko += q.ok() ? 0 : 1;
          okUploads += q.ok() && q.name().equals("upload") ? 1 : 0;
        } else if (rec instanceof LogRecord.User u && u.start()) {
          firstUser = Math.min(firstUser, r.header().startMs() + u.time() - clockOffsetMs);
        }
      }
    }
    return new Facts(times, ko, okUploads, firstUser);
  }
}
