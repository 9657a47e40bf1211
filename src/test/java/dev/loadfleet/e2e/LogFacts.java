package dev.loadfleet.e2e;

import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.SimulationLogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one Gatling simulation.log says, counted record by record with the project's reader (times
 * are ms since that log's own run start, in the clock of the host that wrote it).
 *
 * @param startMs the run start, epoch ms, in the writer's clock
 * @param userStarts the start time of every user, in file order
 * @param usersByScenario how many users each scenario started, by scenario name
 * @param requests every request record
 * @param okUploads requests named "upload" that succeeded
 * @param okHeartbeats requests named "heartbeat" that succeeded
 * @param lastRecordMs the latest time any record carries
 */
public record LogFacts(
    Path file,
    long startMs,
    List<Integer> userStarts,
    Map<String, Integer> usersByScenario,
    long requests,
    long okUploads,
    long okHeartbeats,
    int lastRecordMs,
    boolean truncated) {

  public static LogFacts of(Path file) throws IOException {
    try (SimulationLogReader reader = SimulationLogReader.open(file)) {
      List<Integer> userStarts = new ArrayList<>();
      List<String> scenarios = reader.header().scenarios();
      Map<String, Integer> byScenario = new TreeMap<>();
      long requests = 0;
      long okUploads = 0;
      long okHeartbeats = 0;
      int last = 0;
      for (LogRecord r = reader.next(); r != null; r = reader.next()) {
        last = Math.max(last, r.emittedAt());
        if (r instanceof LogRecord.User u && u.start()) {
          userStarts.add(u.time());
          byScenario.merge(scenarios.get(u.scenario()), 1, Integer::sum);
        } else if (r instanceof LogRecord.Request q) {
          requests++;
          if (q.ok() && q.name().equals("upload")) {
            okUploads++;
          } else if (q.ok() && q.name().equals("heartbeat")) {
            okHeartbeats++;
          }
        }
      }
      return new LogFacts(
          file,
          reader.header().startMs(),
          List.copyOf(userStarts),
          Map.copyOf(byScenario),
          requests,
          okUploads,
          okHeartbeats,
          last,
          reader.truncated());
    }
  }

  /** The instant, epoch ms in the writer's clock, at which its first user started. */
  public long firstUserEpochMs() {
    return startMs
        + userStarts.stream()
            .mapToInt(Integer::intValue)
            .min()
            .orElseThrow(() -> new AssertionError(file + " holds no user start"));
  }

  /** The time between the first and the last user start. */
  public int userStartSpanMs() {
    return userStarts.stream().mapToInt(Integer::intValue).max().orElse(0)
        - userStarts.stream().mapToInt(Integer::intValue).min().orElse(0);
  }
}
