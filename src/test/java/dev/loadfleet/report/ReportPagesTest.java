package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.browser.HeadlessBrowser;
import dev.loadfleet.browser.Page;
import dev.loadfleet.cli.ExitCode;
import dev.loadfleet.cli.Main;
import dev.loadfleet.health.HealthSample;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.health.SyntheticSeries;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.RunHeader;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.merge.fixtures.FixtureRuns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The report's pages as a person sees them, in a real headless Chromium: two runs of four injectors
 * written in code (so the test knows what each host did), each reported through Gatling's own
 * generator. The current run has a host with many KOs, a slow host, a saturated host that started
 * late on a clock 2 s ahead, a host whose log never came home, a service count that disagrees and
 * an operator's stop; the baseline run has none of it. Figures on every page must equal
 * summary.json's, which must equal a plain reading of each host's log; every chart must draw with
 * data and no script error; screenshots land in target/screenshots/report-pages/.
 */
class ReportPagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path OUT = Path.of("target", "report-pages").toAbsolutePath();
  private static final Path SHOTS =
      Path.of("target", "screenshots", "report-pages").toAbsolutePath();
  private static final long T0 = 1_795_000_000_000L;

  private static final List<SyntheticFleet.Host> CURRENT =
      List.of(
          new SyntheticFleet.Host("lf-a", 8, 0.005, 700, 40, 0, 1),
          new SyntheticFleet.Host("lf-b", 8, 0.20, 700, 90, 0, 2),
          new SyntheticFleet.Host("lf-c", 8, 0.005, 3_000, 10, 0, 3),
          new SyntheticFleet.Host("lf-d", 8, 0.005, 800, 1_200, 2_000, 4));
  private static final List<SyntheticFleet.Host> BASELINE =
      List.of(
          new SyntheticFleet.Host("lf-a", 8, 0.005, 600, 20, 0, 11),
          new SyntheticFleet.Host("lf-b", 8, 0.005, 600, 30, 0, 12),
          new SyntheticFleet.Host("lf-c", 8, 0.005, 600, 10, 0, 13),
          new SyntheticFleet.Host("lf-d", 8, 0.005, 600, 50, 2_000, 14));

  private static HeadlessBrowser browser;
  private static Path current;
  private static Path baseline;
  private static JsonNode summary;
  private static final Map<String, SyntheticFleet.Facts> facts = new LinkedHashMap<>();

  @BeforeAll
  static void reportBothRuns() throws Exception {
    RunHeader header;
    try (SimulationLogReader r = SimulationLogReader.open(FixtureRuns.log(FixtureRuns.A))) {
      header = r.header(); // its simulation and assertions: KO < 60 %, max < 120 s: both hold
    }
    deleteTree(OUT);
    current = OUT.resolve("current");
    baseline = OUT.resolve("baseline");

    List<MergeInput> inputs = new ArrayList<>();
    Map<String, JsonNode> annotations = new LinkedHashMap<>();
    for (SyntheticFleet.Host h : CURRENT) {
      Path log = SyntheticFleet.write(OUT.resolve("logs-current"), header, T0, h);
      inputs.add(new MergeInput(h.name(), log, -h.clockOffsetMs()));
      facts.put(h.name(), SyntheticFleet.facts(log, h.clockOffsetMs()));
      annotations.put(h.name(), launcherNotes(h, "ok", ""));
    }
    annotations.put(
        "lf-e",
        launcherNotes(
            new SyntheticFleet.Host("lf-e", 8, 0, 0, 0, 0, 0), "lost", "unreachable at collect"));
    Map<String, HostHealth> health = new HashMap<>();
    for (SyntheticFleet.Host h : CURRENT) {
      HostHealth hh = health(h.name(), h.name().equals("lf-d") ? 95 : 35);
      health.put(h.name(), hh);
      ((ObjectNode) annotations.get(h.name())).setAll(hh.annotation());
    }
    long okUploads = facts.values().stream().mapToLong(SyntheticFleet.Facts::okUploads).sum();
    ObjectNode stop = JSON.createObjectNode();
    stop.put("at", Instant.ofEpochMilli(T0 + 30_000).toString());
    stop.put("by", "operator");
    stop.put("detail", "loadfleet stop from the operator's shell");
    Reporter.generate(
        new ReportRequest(inputs, current, annotations)
            .withHealth(health)
            .withT0(T0)
            .withServiceCount(
                ServiceCount.of("svc", "find /srv/data -type f | wc -l", okUploads - 3))
            .withStopped(stop),
        FixtureRuns.gatling());
    summary = JSON.readTree(current.resolve("summary.json").toFile());

    List<MergeInput> baseInputs = new ArrayList<>();
    Map<String, JsonNode> baseNotes = new LinkedHashMap<>();
    for (SyntheticFleet.Host h : BASELINE) {
      Path log = SyntheticFleet.write(OUT.resolve("logs-baseline"), header, T0, h);
      baseInputs.add(new MergeInput(h.name(), log, -h.clockOffsetMs()));
      baseNotes.put(h.name(), launcherNotes(h, "ok", ""));
    }
    Reporter.generate(
        new ReportRequest(baseInputs, baseline, baseNotes).withT0(T0), FixtureRuns.gatling());
    browser = HeadlessBrowser.start();
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void summaryFiguresOfEveryHostEqualAPlainReadingOfItsLog() {
    for (SyntheticFleet.Host h : CURRENT) {
      JsonNode in = input(h.name());
      SyntheticFleet.Facts f = facts.get(h.name());
      String w = h.name() + " in summary.json: ";
      assertEquals(f.requests(), in.get("requests").asLong(), w + "requests");
      assertEquals(f.ko(), in.get("ko").asLong(), w + "ko");
      assertEquals(f.koPercent(), in.get("koPercent").asDouble(), 1e-9, w + "koPercent");
      assertEquals(f.percentile(50), in.get("p50Ms").asInt(), w + "p50");
      assertEquals(f.percentile(95), in.get("p95Ms").asInt(), w + "p95");
      assertEquals(f.percentile(99), in.get("p99Ms").asInt(), w + "p99");
      assertEquals(f.max(), in.get("maxMs").asInt(), w + "max");
      assertEquals(h.clockOffsetMs(), in.get("clockOffsetMs").asLong(), w + "host minus launcher");
      assertEquals(f.firstUserEpochMs() - T0, in.get("startLatenessMs").asLong(), w + "lateness");
      assertEquals(h.latenessMs(), in.get("startLatenessMs").asLong(), w + "lateness as written");
    }
    assertEquals(Summary.SCHEMA_VERSION, summary.get("schemaVersion").asInt());
    long okUploads = facts.values().stream().mapToLong(SyntheticFleet.Facts::okUploads).sum();
    assertEquals(okUploads, summary.path("service").path("okUploads").asLong());
    assertEquals(okUploads - 3, summary.path("service").path("stored").asLong());
    assertFalse(summary.path("service").path("equal").asBoolean());
    assertEquals("lf-e", summary.path("hostsWithoutLog").get(0).path("name").asText());
    assertEquals("operator", summary.path("stopped").path("by").asText());
  }

  @Test
  void theVerdictNamesEachOddHostOnceInWords() {
    Map<String, List<String>> byTopic = new LinkedHashMap<>();
    for (JsonNode f : summary.get("verdict")) {
      byTopic
          .computeIfAbsent(f.get("topic").asText(), k -> new ArrayList<>())
          .add(f.get("about").asText());
    }
    assertEquals(List.of(""), byTopic.get("stopped"), byTopic.toString());
    assertEquals(List.of("lf-b"), byTopic.get("ko"), "KO % apart: " + byTopic);
    assertEquals(List.of("lf-c"), byTopic.get("p95"), "p95 apart: " + byTopic);
    assertEquals(List.of("lf-d"), byTopic.get("saturation"), byTopic.toString());
    assertEquals(List.of("lf-d"), byTopic.get("lateness"), "late starters: " + byTopic);
    assertEquals(List.of("lf-e"), byTopic.get("log"), "the host without a log: " + byTopic);
    assertEquals(List.of("svc"), byTopic.get("service"), byTopic.toString());
    assertTrue(byTopic.get("assertions").size() == 1, byTopic.toString());
    String clock = text(summary, "clock");
    assertTrue(clock.contains("lf-d +2,000 ms \u00b1 15 ms"), clock);
    assertEquals("All 2 Gatling assertions held.", text(summary, "assertions"));
  }

  @Test
  void theHostsPageShowsSummaryFiguresAndDrawsEveryChartWithoutAnError() throws IOException {
    try (Page page = browser.open(current.resolve("hosts.html").toUri().toString(), 1400, 900)) {
      awaitCharts(page);
      assertEquals(List.of(), page.consoleErrors());
      assertEveryChartHasData(page);
      for (SyntheticFleet.Host h : CURRENT) {
        JsonNode in = input(h.name());
        SyntheticFleet.Facts f = facts.get(h.name());
        for (String field :
            List.of(
                "requests",
                "ko",
                "koPercent",
                "p50Ms",
                "p95Ms",
                "p99Ms",
                "maxMs",
                "startLatenessMs",
                "clockOffsetMs")) {
          assertEquals(
              in.get(field).asText(),
              cell(page, h.name(), field, "dataset.value"),
              h.name() + " " + field + " on the page vs summary.json");
        }
        assertEquals(Human.ms(f.percentile(95)), cell(page, h.name(), "p95Ms", "textContent"));
        assertEquals(
            Human.percent(f.koPercent()), cell(page, h.name(), "koPercent", "textContent"));
        assertEquals(Human.count(f.requests()), cell(page, h.name(), "requests", "textContent"));
      }
      assertEquals("true", cellClass(page, "lf-b", "koPercent"), "lf-b's KO % is marked");
      assertEquals("true", cellClass(page, "lf-c", "p95Ms"), "lf-c's p95 is marked");
      assertEquals("false", cellClass(page, "lf-a", "p95Ms"), "lf-a's p95 is not");
      List<String> rootRow = GatlingReportTables.index(current).get("ROOT");
      assertEquals(
          summary.at("/global/p95Ms").asText(),
          page.eval(
                  "document.querySelector('#exact tr[data-figure=p95Ms] td:nth-child(2)').dataset.value")
              .asText(),
          "exact p95");
      assertEquals(
          rootRow.get(8),
          page.eval(
                  "document.querySelector('#exact tr[data-figure=p95Ms] td:nth-child(3)').dataset.value")
              .asText(),
          "Gatling's own p95 from its index.html");
      String text = page.text();
      for (JsonNode f : summary.get("verdict")) {
        assertTrue(text.contains(f.get("text").asText()), "the verdict sentence on the page: " + f);
      }
      assertTrue(text.contains("The run was stopped early by the operator (loadfleet stop)"), text);
      assertFalse(text.contains("cpuBusyPct") || text.contains("clockOffsetMs"), "no JSON names");
      screenshot(page, "hosts.png");
    }
  }

  @Test
  void gatlingsPagesAndTheHostsPageLinkEachOtherAndGatlingsStillRun() throws IOException {
    try (Page page = browser.open(current.resolve("index.html").toUri().toString(), 1400, 900)) {
      page.waitFor(
          "document.querySelectorAll('#container_number_of_requests svg').length > 0", WAIT);
      assertEquals(List.of(), page.consoleErrors());
      assertEquals(
          "hosts.html",
          page.eval(
                  "document.querySelector('#sousMenu a[href=\"hosts.html\"]').getAttribute('href')")
              .asText());
      String text = page.text();
      assertTrue(text.contains("Merged by loadfleet from 4 injectors"), text);
      assertTrue(text.contains("The run was stopped early"), "the stop on Gatling's page: " + text);
      screenshot(page, "index.png");
    }
    Path details =
        current.resolve(GatlingPages.detailsLink(current.resolve("index.html")).orElseThrow());
    String detailsHtml = Files.readString(details);
    assertTrue(
        detailsHtml.contains("<a href=\"hosts.html\">Injectors</a>"), "the tab on " + details);
    String hosts = Files.readString(current.resolve("hosts.html"));
    assertTrue(hosts.contains("<a href=\"index.html\">Global</a>"), "back to Gatling's report");
    assertTrue(
        hosts.contains("<a href=\"" + details.getFileName() + "\">Details</a>"), "and its details");
  }

  @Test
  void junitXmlIsTheCommonShapeWithACasePerAssertionAndTwoPerInjector() throws Exception {
    Path junit = current.resolve("junit.xml");
    SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
        .newSchema(new StreamSource(getClass().getResourceAsStream("/junit/junit.xsd")))
        .newValidator()
        .validate(new StreamSource(junit.toFile()));
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
    Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
    NodeList cases = doc.getElementsByTagName("testcase");
    Map<String, String> failures = new LinkedHashMap<>();
    List<String> passed = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      NodeList f = c.getElementsByTagName("failure");
      if (f.getLength() > 0) {
        failures.put(c.getAttribute("name"), ((Element) f.item(0)).getAttribute("message"));
      } else {
        passed.add(c.getAttribute("name"));
      }
    }
    assertEquals(String.valueOf(cases.getLength()), suite.getAttribute("tests"));
    assertEquals(String.valueOf(failures.size()), suite.getAttribute("failures"));
    // 2 assertions + 2 per injector with a log + 1 for the host without + service + stop
    assertEquals(2 + 2 * 4 + 1 + 1 + 1, cases.getLength(), failures + " " + passed);
    for (JsonNode a : summary.get("assertions")) {
      assertTrue(passed.contains(a.get("assertion").asText()), a + " " + passed);
    }
    assertTrue(
        failures.get("lf-e finished").contains("lost: unreachable at collect"),
        failures.toString());
    assertTrue(failures.get("lf-d not saturated").contains("CPU above 80 %"), failures.toString());
    assertTrue(
        passed.containsAll(List.of("lf-a finished", "lf-a not saturated", "lf-b finished")),
        passed.toString());
    assertTrue(
        failures
            .get("stored recordings on svc equal OK uploads")
            .contains("stored " + summary.at("/service/stored").asLong()),
        failures.toString());
    assertTrue(failures.get("run not stopped early").contains("operator"), failures.toString());
  }

  @Test
  void compareShowsBothRunsSideBySideAndGatesARegression() throws Exception {
    Path out = OUT.resolve("compare");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code =
        Main.standard()
            .run(
                new PrintWriter(o),
                new PrintWriter(e),
                "compare",
                baseline.toString(),
                current.resolve("summary.json").toString(),
                "--max-regression",
                "upload:p95=10%,ko=1",
                "--out",
                out.toString());
    assertEquals(ExitCode.REGRESSION.code(), code, o + "\n" + e);
    assertTrue(
        o.toString().contains("regression: upload: 95th percentile went from"), o.toString());
    JsonNode compare = JSON.readTree(out.resolve("compare.json").toFile());
    JsonNode base = JSON.readTree(baseline.resolve("summary.json").toFile());
    JsonNode all = compare.at("/rows/0");
    assertEquals("all requests", all.get("name").asText());
    assertEquals(base.at("/global/p95Ms").asDouble(), all.at("/metrics/p95/baseline").asDouble());
    assertEquals(summary.at("/global/p95Ms").asDouble(), all.at("/metrics/p95/current").asDouble());
    assertEquals(
        summary.at("/global/koPercent").asDouble() - base.at("/global/koPercent").asDouble(),
        all.at("/metrics/ko/change").asDouble(),
        0.011);

    try (Page page = browser.open(out.resolve("compare.html").toUri().toString(), 1400, 900)) {
      awaitCharts(page);
      assertEquals(List.of(), page.consoleErrors());
      assertEveryChartHasData(page);
      for (int i = 0; i < compare.get("rows").size(); i++) {
        JsonNode row = compare.get("rows").get(i);
        for (String m : List.of("p95", "ko", "throughput")) {
          assertEquals(
              row.at("/metrics/" + m + "/current").asText(),
              page.eval(
                      "document.querySelector('#row-"
                          + i
                          + " tr[data-metric="
                          + m
                          + "] td:nth-child(3)').dataset.value")
                  .asText(),
              row.get("name").asText() + " " + m);
        }
      }
      assertTrue(
          page.text().contains("Regression: upload: 95th percentile went from"), page.text());
      screenshot(page, "compare.png");
    }
    StringWriter quiet = new StringWriter();
    assertEquals(
        ExitCode.OK.code(),
        Main.standard()
            .run(
                new PrintWriter(quiet),
                new PrintWriter(quiet),
                "compare",
                baseline.toString(),
                baseline.toString(),
                "--max-regression",
                "p95=10%",
                "--out",
                OUT.resolve("compare-same").toString()),
        quiet.toString());
  }

  // --- helpers ---

  private static ObjectNode launcherNotes(SyntheticFleet.Host h, String state, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("state", state);
    n.put("users", h.users());
    n.put("idOffset", 0);
    n.put("clockOffsetMs", h.clockOffsetMs());
    n.put("clockUncertaintyMs", 15);
    if (!message.isEmpty()) {
      n.put("message", message);
    }
    return n;
  }

  /** Samples every 2 s over the run at {@code cpu} %, 70-100 % in the middle for lf-d. */
  private static HostHealth health(String host, double cpu) {
    List<HealthSample> samples = new ArrayList<>();
    for (long t = T0 - 4_000; t <= T0 + SyntheticFleet.DURATION_MS; t += 2_000) {
      boolean middle = t > T0 + 10_000 && t < T0 + 30_000;
      samples.add(SyntheticSeries.sample(t, 2_000, middle ? cpu : 30, 4e6 + (t - T0) * 10));
    }
    return HostHealth.assess(
        host,
        samples,
        1_000_000_000L,
        T0,
        T0 + SyntheticFleet.DURATION_MS,
        Saturation.Settings.DEFAULTS);
  }

  private static JsonNode input(String host) {
    for (JsonNode in : summary.get("inputs")) {
      if (in.get("name").asText().equals(host)) {
        return in;
      }
    }
    throw new AssertionError("no input " + host);
  }

  private static String text(JsonNode summary, String topic) {
    StringBuilder b = new StringBuilder();
    for (JsonNode f : summary.get("verdict")) {
      if (f.get("topic").asText().equals(topic)) {
        b.append(f.get("text").asText());
      }
    }
    return b.toString();
  }

  private static String cell(Page page, String host, String field, String property) {
    return page.eval(
            "document.querySelector('#injectors tr[data-host=\""
                + host
                + "\"] td[data-field="
                + field
                + "]')."
                + property)
        .asText();
  }

  private static String cellClass(Page page, String host, String field) {
    return page.eval(
            "document.querySelector('#injectors tr[data-host=\""
                + host
                + "\"] td[data-field="
                + field
                + "]').classList.contains('lf-flag')")
        .asText();
  }

  private static void awaitCharts(Page page) {
    page.waitFor(
        "window.lfCharts && window.lfCharts.done && window.lfCharts.drawn === window.lfCharts.expected",
        WAIT);
  }

  /**
   * Every chart place holds a drawn Highcharts chart, and every series in it (the navigator's
   * aside) has at least one value.
   */
  private static void assertEveryChartHasData(Page page) {
    JsonNode charts =
        page.eval(
            "Array.from(document.querySelectorAll('.lf-chart')).map(function (div) {"
                + "  var c = Highcharts.charts.filter(function (x) { return x && x.renderTo === div; })[0];"
                + "  return { id: div.id, svg: div.querySelectorAll('svg').length,"
                + "    series: c ? c.series.filter(function (s) { return !s.options.isInternal; }).map(function (s) {"
                + "      return { name: s.name, values: s.yData.filter(function (v) { return v !== null; }).length }; }) : null };"
                + "})");
    assertTrue(charts.size() > 0, "no chart on the page");
    for (JsonNode c : charts) {
      assertTrue(c.get("svg").asInt() > 0, "chart " + c.get("id") + " drew nothing");
      assertTrue(
          c.get("series").isArray() && c.get("series").size() > 0, "chart " + c + " has no series");
      for (JsonNode s : c.get("series")) {
        assertTrue(
            s.get("values").asInt() > 0,
            "chart " + c.get("id") + " series " + s.get("name") + " has no data");
      }
    }
  }

  /**
   * The whole page: Gatling's layout scrolls inside its content pane, so the viewport is made as
   * tall as that pane's content first.
   */
  private static void screenshot(Page page, String name) {
    int height =
        page.eval(
                "Math.max.apply(null, Array.from(document.querySelectorAll('*')).map(function (e) {"
                    + " return e.scrollHeight; }))")
            .asInt();
    page.setViewport(1400, Math.min(20_000, height + 200));
    page.screenshot(SHOTS.resolve(name));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
