package dev.loadfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.collect.ServiceCounter;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.report.ReportRequest;
import dev.loadfleet.report.ReportResult;
import dev.loadfleet.report.Reporter;
import dev.loadfleet.report.ServiceCount;
import dev.loadfleet.run.Reporting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report step the run and collect commands use: the merger and Reporter of the report package.
 */
final class Reports {
  private Reports() {}

  static Reporting standard() {
    return new Reporting() {
      @Override
      public Outcome report(
          List<HostLog> logs, Path outDir, Map<String, HostNotes> notes, RunNotes run)
          throws Exception {
        ReportResult r = Reporter.generate(request(logs, outDir, notes, run));
        return new Outcome(
            r.reportIndex(), r.summaryJson(), r.assertionsPassed(), r.warnings(), r.serviceCount());
      }

      @Override
      public Duration timeout() {
        return Reporter.REPORT_TIMEOUT;
      }
    };
  }

  /** The report of a run: its logs, what the launcher knows of each host and of the run. */
  static ReportRequest request(
      List<Reporting.HostLog> logs,
      Path outDir,
      Map<String, Reporting.HostNotes> notes,
      Reporting.RunNotes run) {
    Map<String, JsonNode> annotations = new LinkedHashMap<>();
    Map<String, HostHealth> health = new LinkedHashMap<>();
    notes.forEach(
        (host, n) -> {
          annotations.put(host, n.fields().deepCopy());
          n.health().ifPresent(h -> health.put(host, h));
        });
    ReportRequest request =
        new ReportRequest(mergeInputs(logs), outDir, annotations)
            .withHealth(health)
            .withT0(run.t0());
    if (run.serviceCount().isPresent()) {
      request = request.withServiceCount(serviceCount(run.serviceCount().get()));
    }
    if (run.stopped().isPresent()) {
      request = request.withStopped(run.stopped().get());
    }
    return request;
  }

  static ServiceCount serviceCount(ServiceCounter.Count c) {
    return c.stored().isPresent()
        ? ServiceCount.of(c.host(), c.command(), c.stored().getAsLong())
        : ServiceCount.failed(c.host(), c.command(), c.problem());
  }

  /**
   * The merger adds its offset to a log's times; check measured host minus launcher, so the sign
   * flips: a host 2 s ahead has its times moved 2 s back onto the launcher's clock.
   */
  static List<MergeInput> mergeInputs(List<Reporting.HostLog> logs) {
    return logs.stream().map(l -> new MergeInput(l.name(), l.log(), -l.clockOffsetMs())).toList();
  }
}
