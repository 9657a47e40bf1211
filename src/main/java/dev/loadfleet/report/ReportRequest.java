package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.merge.MergeInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to report: the logs to merge, the folder the report goes to, and per input name any fields
 * the launcher knows about that host (state ok|lost|failed|stopped, health, saturation), copied
 * into that host's entry of summary.json and shown on hosts.html.
 *
 * @param force write into {@code outDir} even when it holds files that are not a loadfleet report
 *     (an earlier loadfleet report there is replaced without it)
 */
public record ReportRequest(
    List<MergeInput> inputs, Path outDir, Map<String, JsonNode> hostAnnotations, boolean force) {
  public ReportRequest {
    inputs = List.copyOf(inputs);
    hostAnnotations = Map.copyOf(hostAnnotations);
  }

  public ReportRequest(
      List<MergeInput> inputs, Path outDir, Map<String, JsonNode> hostAnnotations) {
    this(inputs, outDir, hostAnnotations, false);
  }

  public ReportRequest(List<MergeInput> inputs, Path outDir) {
    this(inputs, outDir, Map.of());
  }
}
