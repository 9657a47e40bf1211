package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.browser.HeadlessBrowser;
import dev.loadfleet.browser.Page;
import dev.loadfleet.browser.PageError;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One run of 40 students on two injectors at the guide's cadence (a heartbeat every 10 s, an upload
 * every 30 s), with the service's own host named in the inventory, watched from outside as an
 * operator would: a real Prometheus server (Debian's) scrapes the launcher's /metrics every second,
 * headless Chromium shows the live dashboard, and the test reads the launcher's /api/frames. The
 * service's host is sampled beside the injectors; Prometheus's request count, the dashboard's
 * numbers and the final live percentiles agree with the launcher's own figures and summary.json; a
 * stop criterion that never holds changes nothing.
 */
@ExtendWith(TestBed.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveWatchIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> HOSTS = List.of("lf-inj1", "lf-inj2");
  private static final String SERVICE = "svc";
  private static final Set<String> AFTER_THE_WATCH = Set.of("collecting", "reported", "ended");

  private final TestBed bed;
  private FleetRun run;
  private int exitCode;
  private String output;
  private URI dashboard;
  private Process prometheus;
  private URI prometheusApi;
  private Path prometheusLog;
  private final List<JsonNode> frames = new ArrayList<>();

  /** The launcher's /metrics as last read after the watch ended (its final figures). */
  private String finalMetrics;

  private final List<JsonNode> snapshots = new ArrayList<>();
  private List<PageError> pageErrors;
  private Path screenshot;
  private String browserProblem;

  LiveWatchIT(TestBed bed) {
    this.bed = bed;
  }

  @BeforeAll
  void runOnce() throws Exception {
    bed.restartTarget();
    run = FleetRun.atGuideCadence(bed, "live-watch", 40, "60s", HOSTS, Map.of());
    Files.writeString(
        run.inventory(),
        "service:\n  name: "
            + SERVICE
            + "\n  address: "
            + bed.address(TestBed.TARGET)
            + "\n  port: "
            + bed.port(TestBed.TARGET)
            + "\n  user: "
            + bed.user(TestBed.TARGET)
            + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    int dashboardPort = freePort();
    dashboard = URI.create("http://127.0.0.1:" + dashboardPort + "/");
    startPrometheus(dashboardPort);

    LauncherProcess launcher =
        run.startWatched(
            "--dashboard",
            String.valueOf(dashboardPort),
            "--stop-when",
            "{p95: '> 30s', request: upload, for: 10s}");
    assertTrue(
        launcher.awaitOutput("dashboard: " + dashboard, Duration.ofMinutes(2)),
        "no dashboard line:\n" + launcher.output());
    try (HeadlessBrowser browser = HeadlessBrowser.start()) {
      Page page = browser.open(dashboard.toString(), 1400, 1000);
      long since = 0;
      long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (launcher.alive() && System.nanoTime() < end) {
        try {
          JsonNode body = JSON.readTree(get(dashboard.resolve("api/frames?since=" + since)));
          for (JsonNode f : body.path("frames")) {
            frames.add(f);
            since = Math.max(since, f.path("seq").asLong());
          }
          String metrics = get(dashboard.resolve("metrics"));
          if (!frames.isEmpty()
              && AFTER_THE_WATCH.contains(frames.get(frames.size() - 1).path("status").asText())) {
            finalMetrics = metrics;
          }
        } catch (IOException e) {
          break; // the launcher closed its dashboard as it ended
        }
        if (snapshots.size() < 2 && browserProblem == null) {
          try {
            snapshot(page);
          } catch (RuntimeException | AssertionError e) {
            browserProblem = "the page could not be read: " + e; // its test fails with this
          }
        }
        Thread.sleep(1000);
      }
      if (browserProblem == null) {
        try {
          page.waitFor("window.dashboard.ended", Duration.ofSeconds(30));
        } catch (RuntimeException | AssertionError e) {
          browserProblem = "the page was not told that the launcher ended: " + e;
        }
      }
      pageErrors = page.consoleErrors();
    }
    exitCode = launcher.waitFor(Duration.ofMinutes(4));
    output = launcher.output();
  }

  /**
   * What the page shows once it has a frame with requests, then again three polls later: the frame
   * it draws, its table's numbers, its charts' points.
   */
  private void snapshot(Page page) {
    if (snapshots.isEmpty()) {
      JsonNode has =
          page.eval(
              "window.dashboard && window.dashboard.frames.length >= 2"
                  + " && window.dashboard.frames[window.dashboard.frames.length - 1]"
                  + ".fleet.total.requests > 0"
                  + " && document.querySelector('tr[data-host=\"svc\"] td[data-field=cpu]')"
                  + " .dataset.value !== undefined");
      if (!has.asBoolean()) {
        return;
      }
    } else {
      long seq = snapshots.get(0).path("seq").asLong();
      if (page.eval("Number(document.getElementById('status').dataset.seq)").asLong() < seq + 3) {
        return;
      }
    }
    snapshots.add(
        page.eval(
            "(() => {"
                + " const v = (host, field) => {"
                + "  const td = document.querySelector('tr[data-host=\"' + host + '\"] td[data-field=' + field + ']');"
                + "  return td && td.dataset.value !== undefined ? Number(td.dataset.value) : null; };"
                + " const rows = {};"
                + " document.querySelectorAll('#hosts tbody tr').forEach((tr) => {"
                + "  const h = tr.dataset.host; rows[h] = {"
                + "   state: tr.querySelector('td[data-field=state]').textContent,"
                + "   ok: v(h, 'ok'), ko: v(h, 'ko'), active: v(h, 'active'), cpu: v(h, 'cpu'),"
                + "   mem: v(h, 'mem') }; });"
                + " const charts = {};"
                + " Object.entries(window.dashboard.charts).forEach(([id, c]) => {"
                + "  charts[id] = { points: c.data[0].length, series: c.series.length - 1,"
                + "   last: c.data.slice(1).map((s) => s[s.length - 1]) }; });"
                + " return { seq: Number(document.getElementById('status').dataset.seq),"
                + "  canvases: document.querySelectorAll('.chart canvas').length,"
                + "  rows: rows, charts: charts }; })()"));
    if (snapshots.size() == 2) {
      screenshot = run.workDir().resolve("dashboard.png");
      page.screenshot(screenshot);
    }
  }

  private void startPrometheus(int dashboardPort) throws Exception {
    Path dir = run.workDir().resolve("prometheus");
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  scrape_timeout: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: loadfleet\n"
            + "    metrics_path: /metrics\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + dashboardPort
            + "']\n");
    int port = freePort();
    prometheusApi = URI.create("http://127.0.0.1:" + port + "/");
    prometheusLog = dir.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(prometheusLog.toFile())
            .start();
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      assertTrue(prometheus.isAlive(), "prometheus ended:\n" + Files.readString(prometheusLog));
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(prometheusApi.resolve("-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      assertTrue(
          System.nanoTime() < end,
          "prometheus not ready within 60 s:\n" + Files.readString(prometheusLog));
      Thread.sleep(250);
    }
  }

  @AfterAll
  void leaveNothingRunning() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor();
      }
    }
    bed.killLeftovers();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), uri + " answered " + r.body());
    return r.body();
  }

  private JsonNode lastFrame() {
    assertTrue(!frames.isEmpty(), "no frame read:\n" + output);
    return frames.get(frames.size() - 1);
  }

  private static JsonNode host(JsonNode frame, String name) {
    for (JsonNode h : frame.path("hosts")) {
      if (name.equals(h.path("name").asText())) {
        return h;
      }
    }
    throw new AssertionError("no host " + name + " in frame " + frame.path("seq"));
  }

  private JsonNode frame(long seq) {
    return frames.stream()
        .filter(f -> f.path("seq").asLong() == seq)
        .findFirst()
        .orElseThrow(() -> new AssertionError("the test read no frame " + seq));
  }

  @Test
  void theRunCompletesAndACriterionThatNeverHoldsChangesNothing() {
    assertTrue(
        output.contains("stop criteria: p95 of upload > 30s for 10s"),
        "the criterion was in force:\n" + output);
    assertTrue(!output.contains("stop criterion p95"), "it never held:\n" + output);
    run.assertCompleted(exitCode, output);
    for (String h : HOSTS) {
      assertEquals("finished", run.runHost(h).path("state").asText(), h + "\n" + output);
    }
    assertTrue(run.summary().path("stopped").isMissingNode(), run.summary().toString());
  }

  @Test
  void theServiceHostIsSampledBesideTheInjectors() throws IOException {
    JsonNode sampled = null;
    for (JsonNode f : frames) {
      JsonNode s = host(f, SERVICE);
      assertEquals("service", s.path("role").asText(), s.toString());
      assertTrue(s.path("figures").isNull(), "the service's host has no students: " + s);
      if (!s.path("health").isNull()) {
        sampled = s;
      }
    }
    assertTrue(sampled != null, "no frame with the service host's health:\n" + output);
    assertEquals("up", sampled.path("state").asText(), sampled.toString());
    JsonNode h = sampled.path("health");
    assertTrue(h.path("cpus").asInt() > 0, h.toString());
    assertTrue(h.path("cpuPct").asDouble() >= 0 && h.path("cpuPct").asDouble() <= 100, h + "");
    assertTrue(h.path("memUsedPct").asDouble() > 0, h.toString());
    // The stand-in answered uploads: its host received their bytes.
    assertTrue(
        frames.stream()
            .map(f -> host(f, SERVICE).path("health"))
            .anyMatch(x -> x.path("netRxMBps").asDouble() > 0),
        "the service host received the uploads");
    // The terminal view's lines (not a TTY here) have its row, with its health.
    assertTrue(
        output.lines().anyMatch(l -> l.trim().startsWith(SERVICE + " ") && l.contains("cpu ")),
        "the service host's row in the terminal view:\n" + output);
    Path samples = run.runDir().resolve("service").resolve(SERVICE).resolve("health.jsonl");
    assertTrue(Files.isRegularFile(samples), samples + " is missing");
    assertTrue(Files.readAllLines(samples).size() >= 3, "samples in " + samples);
  }

  @Test
  void prometheusScrapedTheRunsRequestCount() throws Exception {
    assertTrue(finalMetrics != null, "no /metrics read after the watch ended:\n" + output);
    long launcherCount = Math.round(sum(finalMetrics, "loadfleet_requests_total{"));
    long summaryCount = run.summary().path("global").path("requests").asLong();
    assertEquals(summaryCount, launcherCount, "the launcher's final /metrics vs summary.json");
    String query =
        URLEncoder.encode(
            "sum(max_over_time(loadfleet_requests_total[15m]))", StandardCharsets.UTF_8);
    JsonNode answer = JSON.readTree(get(prometheusApi.resolve("api/v1/query?query=" + query)));
    assertEquals("success", answer.path("status").asText(), answer.toString());
    JsonNode result = answer.path("data").path("result");
    assertEquals(1, result.size(), "one sum: " + answer);
    // The counter only grows, so its highest value is its last scrape's: after the last poll, as
    // the launcher serves its final figures while it collects and reports, scraped every second.
    long scraped = Math.round(Double.parseDouble(result.get(0).path("value").get(1).asText()));
    assertEquals(summaryCount, scraped, "Prometheus's count vs summary.json's: " + answer);
    JsonNode up =
        JSON.readTree(
            get(
                prometheusApi.resolve(
                    "api/v1/query?query="
                        + URLEncoder.encode(
                            "max_over_time(loadfleet_host_up{role=\"service\"}[15m])",
                            StandardCharsets.UTF_8))));
    assertEquals(
        SERVICE,
        up.path("data").path("result").path(0).path("metric").path("host").asText(),
        "the service host's health reached Prometheus: " + up);
  }

  /** The sum of every sample of one metric (the line's last field) in a text exposition. */
  private static double sum(String exposition, String prefix) {
    return exposition
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void theDashboardInChromiumShowsTheLaunchersNumbersAndItsChartsMove() {
    assertTrue(browserProblem == null, browserProblem);
    assertEquals(List.of(), pageErrors, "the page's console errors");
    assertEquals(2, snapshots.size(), "two snapshots of the page while the run went on");
    JsonNode a = snapshots.get(0);
    JsonNode b = snapshots.get(1);
    assertTrue(b.path("seq").asLong() > a.path("seq").asLong(), a + "\n" + b);
    assertTrue(b.path("canvases").asInt() >= 13, "the charts are drawn: " + b);
    for (String id : List.of("chart-rps", "chart-users", "chart-host-cpu", "chart-latency")) {
      assertTrue(
          b.path("charts").path(id).path("points").asInt()
              > a.path("charts").path(id).path("points").asInt(),
          id + " moved: " + a.path("charts").path(id) + " then " + b.path("charts").path(id));
    }
    assertEquals(
        HOSTS.size() + 1,
        b.path("charts").path("chart-host-cpu").path("series").asInt(),
        "the service host's CPU is charted beside the injectors'");
    for (JsonNode shot : snapshots) {
      JsonNode f = frame(shot.path("seq").asLong());
      JsonNode rows = shot.path("rows");
      JsonNode total = f.path("fleet").path("total");
      assertEquals(
          total.path("requests").asLong() - total.path("ko").asLong(),
          rows.path("fleet").path("ok").asLong(),
          "the fleet's OK on the page vs frame " + f.path("seq"));
      assertEquals(total.path("ko").asLong(), rows.path("fleet").path("ko").asLong());
      assertEquals(
          f.path("fleet").path("usersActive").asLong(), rows.path("fleet").path("active").asLong());
      for (String h : HOSTS) {
        JsonNode hf = host(f, h).path("figures").path("total");
        assertEquals(
            hf.path("requests").asLong() - hf.path("ko").asLong(),
            rows.path(h).path("ok").asLong(),
            h + "'s OK on the page vs frame " + f.path("seq"));
      }
      JsonNode svc = host(f, SERVICE);
      assertEquals(svc.path("state").asText(), rows.path(SERVICE).path("state").asText());
      assertEquals(
          svc.path("health").path("cpuPct").asDouble(),
          rows.path(SERVICE).path("cpu").asDouble(),
          1e-9,
          "the service host's CPU on the page vs frame " + f.path("seq"));
    }
    assertTrue(Files.isRegularFile(screenshot), "screenshot kept at " + screenshot);
  }

  @Test
  void theFinalLiveP95PerRequestAgreesWithSummaryJson() {
    JsonNode last = lastFrame();
    assertTrue(
        AFTER_THE_WATCH.contains(last.path("status").asText()),
        "a frame read after the last poll: " + last.path("status"));
    JsonNode total = last.path("fleet").path("total");
    JsonNode summary = run.summary();
    assertEquals(summary.path("global").path("requests").asLong(), total.path("requests").asLong());
    int compared = 0;
    for (JsonNode r : summary.path("perRequest")) {
      String name = r.path("name").asText();
      JsonNode live = total.path("byRequest").path(name);
      assertEquals(r.path("requests").asLong(), live.path("requests").asLong(), name);
      long exact = r.path("p95Ms").asLong();
      long p95 = live.path("p95").asLong();
      // HdrHistogram with 3 significant digits: exact below 2,048 ms; above, the live figure is
      // its bucket's top, at most 1/1,024 of the value above the exact one.
      assertTrue(
          p95 >= exact && p95 - exact <= exact / 1024,
          name + ": live p95 " + p95 + " ms vs summary.json's exact " + exact + " ms");
      System.out.printf("LiveWatchIT: %s p95 live %d ms, exact %d ms%n", name, p95, exact);
      compared++;
    }
    assertEquals(2, compared, "heartbeat and upload compared: " + summary.path("perRequest"));
  }
}
