package dev.loadfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.report.ReportRequest;
import dev.loadfleet.report.ReportResult;
import dev.loadfleet.report.Reporter;
import dev.loadfleet.run.Reporting;
import dev.loadfleet.run.StopReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The report step the run and collect commands use: the merger and Reporter of the report package.
 */
final class Reports {
  private Reports() {}

  static Reporting standard() {
    return new Reporting() {
      @Override
      public Outcome report(List<HostLog> logs, Path outDir, Map<String, HostNotes> notes)
          throws Exception {
        return report(logs, outDir, notes, Optional.empty());
      }

      @Override
      public Outcome report(
          List<HostLog> logs,
          Path outDir,
          Map<String, HostNotes> notes,
          Optional<StopReason> stopped)
          throws Exception {
        ReportResult r =
            Reporter.generate(
                new ReportRequest(
                    mergeInputs(logs),
                    outDir,
                    annotations(notes),
                    false,
                    stopped.map(
                        s -> new ReportRequest.Stopped(s.atEpochMs(), s.by().id(), s.detail()))));
        return new Outcome(r.reportIndex(), r.summaryJson(), r.assertionsPassed(), r.warnings());
      }

      @Override
      public Duration timeout() {
        return Reporter.REPORT_TIMEOUT;
      }
    };
  }

  /** The report's host annotations: the launcher's fields, and the chart under its key. */
  static Map<String, JsonNode> annotations(Map<String, Reporting.HostNotes> notes) {
    Map<String, JsonNode> annotations = new LinkedHashMap<>();
    notes.forEach(
        (host, n) -> {
          ObjectNode a = n.fields().deepCopy();
          n.healthChart().ifPresent(chart -> a.put(Reporter.HEALTH_CHART, chart.toString()));
          annotations.put(host, a);
        });
    return annotations;
  }

  /**
   * The merger adds its offset to a log's times; check measured host minus launcher, so the sign
   * flips: a host 2 s ahead has its times moved 2 s back onto the launcher's clock.
   */
  static List<MergeInput> mergeInputs(List<Reporting.HostLog> logs) {
    return logs.stream().map(l -> new MergeInput(l.name(), l.log(), -l.clockOffsetMs())).toList();
  }
}
