package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.collect.ServiceCounter;
import dev.loadfleet.report.ReportRequest;
import dev.loadfleet.report.ServiceCount;
import dev.loadfleet.run.Reporting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReportsTest {
  @Test
  void aHostAheadOfTheLauncherHasItsTimesMovedBack() {
    // check measured host - launcher = +2000 ms: the host's 10:00:02 is the launcher's 10:00:00
    var inputs =
        Reports.mergeInputs(
            List.of(
                new Reporting.HostLog("ahead", Path.of("a.log"), 2000),
                new Reporting.HostLog("behind", Path.of("b.log"), -1500)));
    assertEquals(-2000, inputs.get(0).clockOffsetMs());
    assertEquals(1500, inputs.get(1).clockOffsetMs());
    assertEquals("ahead", inputs.get(0).name());
  }

  @Test
  void whatTheLauncherKnowsOfTheRunReachesTheReportRequest() {
    ObjectNode stop =
        JsonNodeFactory.instance
            .objectNode()
            .put("at", "2026-11-18T11:07:10Z")
            .put("by", "operator")
            .put("detail", "loadfleet stop from the operator's shell");
    ServiceCounter.Count count =
        new ServiceCounter.Count("svc", "find d -type f | wc -l", OptionalLong.of(179), "");

    ReportRequest request =
        Reports.request(
            List.of(new Reporting.HostLog("h1", Path.of("h1.log"), 0)),
            Path.of("out"),
            Map.of(),
            new Reporting.RunNotes(1_795_000_000_000L, Optional.of(count), Optional.of(stop)));

    assertEquals(Optional.of(stop), request.stopped());
    assertEquals(
        Optional.of(ServiceCount.of("svc", "find d -type f | wc -l", 179)), request.serviceCount());
    assertEquals(1_795_000_000_000L, request.t0().getAsLong());

    ReportRequest ranToItsEnd =
        Reports.request(
            List.of(), Path.of("out"), Map.of(), new Reporting.RunNotes(1L, Optional.empty()));
    assertEquals(Optional.empty(), ranToItsEnd.stopped());
    assertEquals(Optional.empty(), ranToItsEnd.serviceCount());
  }
}
