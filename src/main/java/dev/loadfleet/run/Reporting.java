package dev.loadfleet.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
   * What the launcher knows of one host besides its log, for its entry in summary.json and its row
   * on the hosts page.
   *
   * @param fields state, share, clock, exit code, message and health figures, as JSON fields
   * @param healthChart the host's health chart (an SVG file), drawn on the hosts page
   */
  record HostNotes(ObjectNode fields, Optional<Path> healthChart) {}

  /** Where the report is and its verdict. */
  record Outcome(Path index, Path summary, boolean assertionsPassed, List<String> warnings) {}

  /**
   * Merges the logs and builds the report in {@code outDir}.
   *
   * @param notes per host name, for every host of the run (also those without a log)
   */
  Outcome report(List<HostLog> logs, Path outDir, Map<String, HostNotes> notes) throws Exception;

  /**
   * Like {@link #report(List, Path, Map)}, for a run that was stopped early: the report says so,
   * when and by whom or what (summary.json's "stopped", a banner on its pages). A report step that
   * knows no such marking reports the run unmarked.
   */
  default Outcome report(
      List<HostLog> logs, Path outDir, Map<String, HostNotes> notes, Optional<StopReason> stopped)
      throws Exception {
    return report(logs, outDir, notes);
  }

  /** The longest {@link #report} may take before it gives up: what a Ctrl+C must wait for. */
  Duration timeout();
}
