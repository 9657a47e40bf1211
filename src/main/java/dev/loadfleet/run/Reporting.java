package dev.loadfleet.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.collect.ServiceCounter;
import dev.loadfleet.health.HostHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The merge-and-report step at the end of a run, behind an interface so that the run stage depends
 * only on what it needs of it (the command line passes the report package's own).
 */
public interface Reporting {
  /**
   * One host's log.
   *
   * @param clockOffsetMs the host's clock minus the launcher's, as {@code check} measured it
   */
  record HostLog(String name, Path log, long clockOffsetMs) {}

  /**
   * What the launcher knows of one host besides its log, for its entry in summary.json and its part
   * of the hosts page.
   *
   * @param fields state, share, clock, exit code, message and health figures, as JSON fields
   * @param health the host's health samples and saturated stretches, charted on the hosts page
   */
  record HostNotes(ObjectNode fields, Optional<HostHealth> health) {}

  /**
   * What the launcher knows of the whole run.
   *
   * @param t0 the common start instant, epoch ms on the launcher's clock
   * @param serviceCount what the service's host said it stored, when the inventory asks
   * @param stopped why the run ended early, as summary.json's {@code stopped} entry: {@code at}
   *     (ISO instant), {@code by} ({@link StopReason.By#id}), {@code detail}, and a {@code
   *     criterion} object when a stop criterion fired; empty when the run ran to its end
   */
  record RunNotes(
      long t0, Optional<ServiceCounter.Count> serviceCount, Optional<ObjectNode> stopped) {
    public RunNotes(long t0, Optional<ServiceCounter.Count> serviceCount) {
      this(t0, serviceCount, Optional.empty());
    }
  }

  /**
   * Where the report is and its verdict.
   *
   * @param serviceCount the service's count beside the OK uploads, one line for the console
   */
  record Outcome(
      Path index,
      Path summary,
      boolean assertionsPassed,
      List<String> warnings,
      Optional<String> serviceCount) {}

  /**
   * Merges the logs and builds the report in {@code outDir}.
   *
   * @param notes per host name, for every host of the run (also those without a log)
   */
  Outcome report(List<HostLog> logs, Path outDir, Map<String, HostNotes> notes, RunNotes run)
      throws Exception;

  /** The longest {@link #report} may take before it gives up: what a Ctrl+C must wait for. */
  Duration timeout();
}
