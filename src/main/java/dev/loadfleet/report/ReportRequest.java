package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.merge.MergeInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to report: the logs to merge, the folder the report goes to, and what the launcher knows
 * beside the logs. Immutable, so all {@code with} methods return a new occurrence.
 *
 * @param hostAnnotations per input name, fields the launcher knows about that host (state
 *     ok|lost|failed|stopped, share, clock uncertainty, health figures, saturation), copied into
 *     that host's entry of summary.json; a host of the run without a log gets an entry of its own
 * @param force write into {@code outDir} even when it holds files that are not a loadfleet report
 *     (an earlier loadfleet report there is replaced without it)
 * @param health per input name, the host's health samples and saturated stretches, charted on the
 *     hosts page
 * @param t0 the run's common start instant (epoch ms, launcher clock): each host's start lateness
 *     is measured from it; without it, from the earliest host's first user
 * @param serviceCount what the service's host said it stored
 * @param stopped why the run ended early, as summary.json's {@code stopped} entry ({@code at},
 *     {@code by}, {@code detail}, and a {@code criterion} object when a stop criterion fired)
 */
public record ReportRequest(
    List<MergeInput> inputs,
    Path outDir,
    Map<String, JsonNode> hostAnnotations,
    boolean force,
    Map<String, HostHealth> health,
    OptionalLong t0,
    Optional<ServiceCount> serviceCount,
    Optional<JsonNode> stopped) {
  public ReportRequest {
    inputs = List.copyOf(inputs);
    hostAnnotations = Map.copyOf(hostAnnotations);
    health = Map.copyOf(health);
  }

  public ReportRequest(
      List<MergeInput> inputs, Path outDir, Map<String, JsonNode> hostAnnotations, boolean force) {
    this(
        inputs,
        outDir,
        hostAnnotations,
        force,
        Map.of(),
        OptionalLong.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public ReportRequest(
      List<MergeInput> inputs, Path outDir, Map<String, JsonNode> hostAnnotations) {
    this(inputs, outDir, hostAnnotations, false);
  }

  public ReportRequest(List<MergeInput> inputs, Path outDir) {
    this(inputs, outDir, Map.of());
  }

  public ReportRequest withHealth(Map<String, HostHealth> newHealth) {
    return new ReportRequest(
        inputs, outDir, hostAnnotations, force, newHealth, t0, serviceCount, stopped);
  }

  public ReportRequest withT0(long epochMs) {
    return new ReportRequest(
        inputs,
        outDir,
        hostAnnotations,
        force,
        health,
        OptionalLong.of(epochMs),
        serviceCount,
        stopped);
  }

  public ReportRequest withServiceCount(ServiceCount count) {
    return new ReportRequest(
        inputs, outDir, hostAnnotations, force, health, t0, Optional.of(count), stopped);
  }

  public ReportRequest withStopped(JsonNode stop) {
    return new ReportRequest(
        inputs, outDir, hostAnnotations, force, health, t0, serviceCount, Optional.of(stop));
  }
}
