package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.merge.MergeInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to report: the logs to merge, the folder the report goes to, and per input name any fields
 * the launcher knows about that host (state ok|lost|failed|stopped, health, saturation), copied
 * into that host's entry of summary.json and shown on hosts.html. Hosts annotated without a log are
 * listed apart in summary.json ("hostsWithoutLog"), with their fields.
 *
 * @param force write into {@code outDir} even when it holds files that are not a loadfleet report
 *     (an earlier loadfleet report there is replaced without it)
 * @param stopped when the run was stopped early: summary.json's "stopped", and a banner on the
 *     report's index.html
 */
public record ReportRequest(
    List<MergeInput> inputs,
    Path outDir,
    Map<String, JsonNode> hostAnnotations,
    boolean force,
    Optional<Stopped> stopped) {

  /**
   * A run stopped before its plan.
   *
   * @param atEpochMs when the stop was asked for (the launcher's clock)
   * @param by who or what asked: ctrl-c, operator, criterion or launcher
   * @param detail one sentence for people
   */
  public record Stopped(long atEpochMs, String by, String detail) {}

  public ReportRequest {
    inputs = List.copyOf(inputs);
    hostAnnotations = Map.copyOf(hostAnnotations);
  }

  public ReportRequest(
      List<MergeInput> inputs, Path outDir, Map<String, JsonNode> hostAnnotations, boolean force) {
    this(inputs, outDir, hostAnnotations, force, Optional.empty());
  }

  public ReportRequest(
      List<MergeInput> inputs, Path outDir, Map<String, JsonNode> hostAnnotations) {
    this(inputs, outDir, hostAnnotations, false);
  }

  public ReportRequest(List<MergeInput> inputs, Path outDir) {
    this(inputs, outDir, Map.of());
  }
}
