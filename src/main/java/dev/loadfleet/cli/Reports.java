package dev.loadfleet.cli;

import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.report.ReportRequest;
import dev.loadfleet.report.ReportResult;
import dev.loadfleet.report.Reporter;
import dev.loadfleet.run.Reporting;
import java.util.List;

/**
 * The report step the run and collect commands use: the merger and Reporter of the report package.
 */
final class Reports {
  private Reports() {}

  static Reporting standard() {
    return (logs, outDir, annotations) -> {
      ReportResult r = Reporter.generate(new ReportRequest(mergeInputs(logs), outDir, annotations));
      return new Reporting.Outcome(
          r.reportIndex(), r.summaryJson(), r.assertionsPassed(), r.warnings());
    };
  }

  /**
   * The merger adds its offset to a log's times; check measured host minus launcher, so the sign
   * flips: a host 2 s ahead has its times moved 2 s back onto the launcher's clock.
   */
  static List<MergeInput> mergeInputs(List<Reporting.HostLog> logs) {
    return logs.stream().map(l -> new MergeInput(l.name(), l.log(), -l.clockOffsetMs())).toList();
  }
}
