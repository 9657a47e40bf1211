package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.health.HealthSample;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.health.SyntheticSeries;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.RunHeader;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.merge.fixtures.FixtureRuns;
import dev.loadfleet.merge.fixtures.SplitLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merged logs through Gatling's own report generator, compared with the reports Gatling made of the
 * real runs themselves.
 */
class ReporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static Path runA;
  static Path runB;
  @TempDir Path tmp;

  @BeforeAll
  static void runGatling() {
    runA = FixtureRuns.run(FixtureRuns.A);
    runB = FixtureRuns.run(FixtureRuns.B);
  }

  @Test
  void oneLogMergedAloneGivesTheOriginalReportEveryColumn() throws Exception {
    ReportResult r = report(List.of(MergeInput.of(runA)), tmp.resolve("alone"));
    Path out = r.reportIndex().getParent();
    assertEquals(GatlingReportTables.index(runA), GatlingReportTables.index(out));
    assertEquals(GatlingReportTables.details(runA), GatlingReportTables.details(out));
    assertFalse(GatlingReportTables.index(out).isEmpty());
    assertEquals(
        6, GatlingReportTables.details(out).size(), "five request pages and one group page");
    assertTrue(r.assertionsPassed());
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());

    // Beyond the tables: every page byte for byte, charts included, once the "Injectors" tab
    // every page gains is taken out; index.html differs only by the hosts link and the run
    // description naming the input.
    String tab =
        "\n"
            + GatlingPages.TAB_MARKER
            + "<div class=\"item\"><a href=\""
            + Reporter.HOSTS_PAGE
            + "\">Injectors</a></div>";
    try (var pages = Files.list(runA)) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".html")).toList()) {
        List<String> want = Files.readAllLines(page);
        String linked = Files.readString(out.resolve(page.getFileName()));
        assertEquals(
            1,
            linked.split(java.util.regex.Pattern.quote(tab), -1).length - 1,
            page.getFileName() + " has the Injectors tab once");
        List<String> got = linked.replace(tab, "").lines().toList();
        assertEquals(want.size(), got.size(), page.getFileName().toString());
        for (int i = 0; i < want.size(); i++) {
          if (!want.get(i).equals(got.get(i))) {
            String line = got.get(i);
            assertTrue(
                page.endsWith("index.html")
                    && (line.contains("hosts.html")
                        || line.contains("merged by loadfleet from 1 log")),
                page.getFileName() + ":" + (i + 1) + " differs: " + want.get(i) + " | " + line);
          }
        }
      }
    }

    // summary.json's own figures agree with Gatling's exact columns.
    JsonNode global = JSON.readTree(r.summaryJson().toFile()).get("global");
    List<String> root = GatlingReportTables.index(out).get("ROOT");
    assertEquals(root.get(0), global.get("requests").asText());
    assertEquals(root.get(2), global.get("ko").asText());
    assertEquals(root.get(5), global.get("minMs").asText());
    assertEquals(root.get(10), global.get("maxMs").asText());
    assertEquals(Long.parseLong(root.get(11)), Math.round(global.get("meanMs").asDouble()));
  }

  @Test
  void logSplitAcrossThreeInjectorsMergesBackToTheSameStatistics() throws Exception {
    List<Path> parts =
        SplitLogs.split(runA.resolve("simulation.log"), tmp.resolve("split"), 3, 1000);
    List<MergeInput> inputs = parts.stream().map(MergeInput::of).toList();
    ReportResult r = report(inputs, tmp.resolve("split-report"));
    Path out = r.reportIndex().getParent();

    Map<String, List<String>> expected = GatlingReportTables.index(runA);
    Map<String, List<String>> actual = GatlingReportTables.index(out);
    assertEquals(expected.keySet(), actual.keySet());
    for (String row : expected.keySet()) {
      for (int c = 0; c < GatlingReportTables.INDEX_COLUMNS.size(); c++) {
        String column = GatlingReportTables.INDEX_COLUMNS.get(c);
        assertClose(row + " " + column, column, expected.get(row).get(c), actual.get(row).get(c));
      }
    }
    var expectedPages = GatlingReportTables.details(runA);
    var actualPages = GatlingReportTables.details(out);
    assertEquals(expectedPages.keySet(), actualPages.keySet());
    for (String page : expectedPages.keySet()) {
      for (var row : expectedPages.get(page).entrySet()) {
        for (int c = 0; c < 3; c++) {
          assertClose(
              page + " " + row.getKey() + " " + List.of("total", "ok", "ko").get(c),
              row.getKey(),
              row.getValue().get(c),
              actualPages.get(page).get(row.getKey()).get(c));
        }
      }
    }
    JsonNode summary = JSON.readTree(r.summaryJson().toFile());
    assertEquals(3, summary.get("inputs").size());
    long sum = 0;
    for (JsonNode in : summary.get("inputs")) {
      sum += in.get("requests").asLong();
    }
    assertEquals(summary.get("global").get("requests").asLong(), sum);
    assertEquals(Long.parseLong(expected.get("ROOT").get(0)), sum);
  }

  @Test
  void twoIndependentRunsAddUpAndOverlappingPeaksAdd() throws Exception {
    // Line B's first user up with A's, as if both injectors had been started at one instant.
    long align = FixtureRuns.firstUserStart(runA) - FixtureRuns.firstUserStart(runB);
    List<MergeInput> inputs =
        List.of(new MergeInput("host-a", runA, 0), new MergeInput("host-b", runB, align));
    Map<String, JsonNode> annotations =
        Map.of(
            "host-a",
            JSON.readTree("{\"state\":\"ok\",\"saturation\":\"cpu 12%\"}"),
            "host-b",
            JSON.readTree("{\"state\":\"lost\"}"));
    ReportResult r =
        Reporter.generate(
            new ReportRequest(inputs, tmp.resolve("two"), annotations), FixtureRuns.gatling());
    Path out = r.reportIndex().getParent();

    Map<String, List<String>> ia = GatlingReportTables.index(runA);
    Map<String, List<String>> ib = GatlingReportTables.index(runB);
    Map<String, List<String>> merged = GatlingReportTables.index(out);
    assertEquals(ia.keySet(), merged.keySet());
    for (String row : merged.keySet()) {
      for (int c = 0; c < 3; c++) { // count, OK, KO
        assertEquals(
            Long.parseLong(ia.get(row).get(c)) + Long.parseLong(ib.get(row).get(c)),
            Long.parseLong(merged.get(row).get(c)),
            row + " " + GatlingReportTables.INDEX_COLUMNS.get(c));
      }
    }

    JsonNode summary = JSON.readTree(r.summaryJson().toFile());
    int peakA = peak(runA);
    int peakB = peak(runB);
    assertEquals(8, peakA, "every fixture user is active at once");
    assertEquals(peakA + peakB, summary.get("global").get("peakConcurrentUsers").asInt());
    assertEquals(peakA, summary.get("inputs").get(0).get("peakConcurrentUsers").asInt());
    assertEquals("lost", summary.get("inputs").get(1).get("state").asText());
    assertEquals("cpu 12%", summary.get("inputs").get(0).get("saturation").asText());
    assertEquals(
        Long.parseLong(ia.get("ROOT").get(0)),
        summary.get("inputs").get(0).get("requests").asLong());
    assertEquals(
        Long.parseLong(merged.get("ROOT").get(2)), summary.get("global").get("ko").asLong());
    assertTrue(summary.get("assertionsPassed").asBoolean());
    assertEquals(2, summary.get("assertions").size());
    assertTrue(summary.get("assertions").get(0).get("passed").asBoolean());
    // summary.json's clockOffsetMs is the host's clock minus the reference: the correction negated.
    assertEquals(-align, summary.get("inputs").get(1).get("clockOffsetMs").asLong());

    String hosts = Files.readString(r.hostsPage());
    assertTrue(
        hosts.contains("host-a") && hosts.contains("host-b") && hosts.contains("lost"), hosts);
    assertTrue(
        Files.readString(r.reportIndex()).contains("href=\"hosts.html\""),
        "index.html links hosts.html");
    assertTrue(Files.isRegularFile(out.resolve("simulation.log")));
  }

  @Test
  void hostsPageChartsEachInjectorsHealthOnTheReportsClockWithItsSaturatedStretch()
      throws Exception {
    // A host whose CPU ran at 95 % for 30 s during the fixture run: the launcher's real annotation.
    long t0 = FixtureRuns.firstUserStart(runA);
    List<HealthSample> samples = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      samples.add(SyntheticSeries.sample(t0 + i * 5_000L, 5_000, 95, 1e6));
    }
    HostHealth health =
        HostHealth.assess(
            "host-a",
            samples,
            1_000_000_000L,
            t0 - 5_000,
            t0 + 40_000,
            Saturation.Settings.DEFAULTS);
    assertTrue(health.saturated());
    ObjectNode annotation = health.annotation();

    ReportResult r =
        Reporter.generate(
            new ReportRequest(
                    List.of(new MergeInput("host-a", runA, 0)),
                    tmp.resolve("health"),
                    Map.of("host-a", annotation))
                .withHealth(Map.of("host-a", health)),
            FixtureRuns.gatling());

    String page = Files.readString(r.hostsPage());
    assertTrue(page.contains("id=\"chart-cpu\""), "an all-host CPU chart");
    assertTrue(page.contains("id=\"host-0-health\""), "a health chart in host-a's section");
    String flag = annotation.get("saturation").get(0).get("text").asText();
    assertTrue(
        page.contains(GatlingLook.esc(flag)), "the saturation flag reads as its text: " + flag);
    String visible = page.replaceAll("(?s)<script.*?</script>", "").replaceAll("<[^>]*>", " ");
    assertFalse(visible.contains("cpuBusyPctPeak"), "no raw JSON field names on the page");
    assertTrue(page.contains(">95.0 %<"), "the CPU peak in human units");
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    JsonNode summary = JSON.readTree(r.summaryJson().toFile());
    JsonNode host = summary.get("inputs").get(0);
    assertEquals(95.0, host.path("health").path("cpuBusyPctPeak").asDouble(), 0.001);
    assertFalse(host.has("healthChart"), "no chart file in summary.json any more");
  }

  @Test
  void failedAssertionsAreReportedAsGatlingJudgedThem() throws Exception {
    Path failing = FixtureRuns.run(FixtureRuns.FAILING);
    ReportResult r = report(List.of(MergeInput.of(failing)), tmp.resolve("failing"));
    assertFalse(r.assertionsPassed());
    JsonNode summary = JSON.readTree(r.summaryJson().toFile());
    JsonNode ko = summary.get("assertions").get(0);
    assertTrue(
        ko.get("assertion").asText().contains("percentage of failed events is less than 1.0"),
        ko.toString());
    assertFalse(ko.get("passed").asBoolean());
    assertEquals(
        summary.get("global").get("koPercent").asDouble(),
        Double.parseDouble(ko.get("actual").asText()),
        0.01);
  }

  private static ReportResult report(List<MergeInput> inputs, Path outDir) throws Exception {
    return Reporter.generate(new ReportRequest(inputs, outDir), FixtureRuns.gatling());
  }

  /** Exact, or for Gatling's t-digest percentiles within 1 ms or 1 %. */
  private static void assertClose(String what, String column, String expected, String actual) {
    if (GatlingReportTables.isPercentile(column)
        && !expected.equals(actual)
        && !expected.equals("-")) {
      double e = Double.parseDouble(expected);
      double a = Double.parseDouble(actual);
      assertTrue(
          Math.abs(e - a) <= Math.max(1, 0.01 * e), what + ": " + expected + " vs " + actual);
    } else {
      assertEquals(expected, actual, what);
    }
  }

  private static RunHeader header(Path run) throws IOException {
    try (SimulationLogReader r = SimulationLogReader.open(run.resolve("simulation.log"))) {
      return r.header();
    }
  }

  private static int peak(Path run) throws IOException {
    TrafficStats stats = new TrafficStats();
    try (SimulationLogReader r = SimulationLogReader.open(run.resolve("simulation.log"))) {
      for (LogRecord rec = r.next(); rec != null; rec = r.next()) {
        stats.add(rec);
      }
    }
    return stats.peakUsers();
  }
}
