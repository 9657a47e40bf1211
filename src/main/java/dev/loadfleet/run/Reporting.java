package dev.loadfleet.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The merge-and-report step at the end of a run (the merger and Reporter of the report package),
 * behind an interface so the run stage depends only on what it needs from it.
 */
public interface Reporting {
  /**
   * @param clockOffsetMs the host's clock minus the launcher's, as {@code check} measured it
   */
  record HostLog(String name, Path log, long clockOffsetMs) {}

  record Outcome(Path index, Path summary, boolean assertionsPassed, List<String> warnings) {}

  Outcome report(List<HostLog> logs, Path outDir, Map<String, JsonNode> hostAnnotations)
      throws Exception;
}
