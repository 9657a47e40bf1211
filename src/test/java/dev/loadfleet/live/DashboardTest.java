package dev.loadfleet.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.browser.HeadlessBrowser;
import dev.loadfleet.browser.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's server: its page, assets, figures, report and Prometheus endpoint. */
class DashboardTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path tmp;

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void itListensOnLoopbackAndServesThePageItsChartsLibraryAndNewFramesOnly() throws Exception {
    Boards run = new Boards(T0, "a", "b");
    run.poll(2000);
    try (Dashboard d =
        Dashboard.start(
            Dashboard.Options.LOOPBACK_ANY_PORT, run.board, tmp.resolve("report"), 1000)) {
      URI base = d.address();
      assertEquals("127.0.0.1", base.getHost());
      assertTrue(get(base, "/").body().contains("/assets/uPlot.iife.min.js"));
      HttpResponse<String> uplot = get(base, "/assets/uPlot.iife.min.js");
      assertEquals(200, uplot.statusCode());
      assertTrue(uplot.body().contains("uPlot"), "the webjar's uPlot, from the classpath");
      assertEquals(200, get(base, "/assets/uPlot.min.css").statusCode());
      assertEquals(404, get(base, "/assets/../../etc/passwd").statusCode());

      JsonNode first = JSON.readTree(get(base, "/api/frames?since=0").body());
      assertEquals("test-run", first.path("runId").asText());
      assertEquals(1, first.path("frames").size());
      run.poll(2000);
      JsonNode next = JSON.readTree(get(base, "/api/frames?since=1").body());
      assertEquals(1, next.path("frames").size(), "only what the page has not seen");
      assertEquals(2, next.path("frames").get(0).path("seq").asLong());
      assertEquals(400, get(base, "/api/frames?since=x").statusCode());
    }
  }

  /** A dashboard on loopback whose page asks every 500 ms, over a board with one frame. */
  private Dashboard polledEvery500ms(Boards run) throws Exception {
    run.poll(2000);
    return Dashboard.start(Dashboard.Options.LOOPBACK_ANY_PORT, run.board, tmp.resolve("r"), 500);
  }

  @Test
  void closingWaitsForAnOpenPageToHearTheEndAndNotForOneThatLeft() throws Exception {
    Dashboard d = polledEvery500ms(new Boards(T0, "a"));
    URI base = d.address();
    assertTrue(
        !JSON.readTree(get(base, "/api/frames?since=0&page=open").body())
            .path("ended")
            .asBoolean());
    get(base, "/api/frames?since=0&page=left");
    Thread closing = new Thread(d::close);
    closing.start();
    Thread.sleep(200);
    assertTrue(closing.isAlive(), "the server waits for the open pages");
    JsonNode last = JSON.readTree(get(base, "/api/frames?since=1&page=open").body());
    assertTrue(last.path("ended").asBoolean(), last.toString());
    assertEquals("test-run", last.path("runId").asText());
    // "left" never asks again: the wait ends after one page poll and a second, not later.
    closing.join(10_000);
    assertTrue(!closing.isAlive(), "close() returned");
    assertThrows(java.io.IOException.class, () -> get(base, "/api/frames?since=0"));
  }

  @Test
  void closingWaitsUntilAPagesEndIsSentNotOnlyDecided() throws Exception {
    Boards run = new Boards(T0, "a");
    Dashboard d = polledEvery500ms(run);
    URI base = d.address();
    get(base, "/api/frames?since=0&page=open");
    Thread closing = new Thread(d::close);
    CompletableFuture<HttpResponse<String>> last;
    // Holding the board keeps the page's last answer from being written once it is decided, as a
    // busy machine does: the server must not stop under it.
    synchronized (run.board) {
      closing.start();
      Thread.sleep(100);
      last =
          HTTP.sendAsync(
              HttpRequest.newBuilder(base.resolve("/api/frames?since=1&page=open"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Thread.sleep(400);
    }
    JsonNode answer = JSON.readTree(last.get(10, TimeUnit.SECONDS).body());
    assertTrue(answer.path("ended").asBoolean(), answer.toString());
    closing.join(10_000);
    assertTrue(!closing.isAlive(), "close() returned");
  }

  @Test
  void closingWithNoPageOpenStopsAtOnce() throws Exception {
    Boards run = new Boards(T0, "a");
    Dashboard d =
        Dashboard.start(Dashboard.Options.LOOPBACK_ANY_PORT, run.board, tmp.resolve("r"), 5000);
    URI base = d.address();
    get(base, "/api/frames?since=0"); // a script, not a page: nothing to wait for
    Thread closing = new Thread(d::close);
    closing.start();
    closing.join(2_000);
    assertTrue(!closing.isAlive(), "close() waits for no one when no page is open");
  }

  @Test
  void theReportIsServedOnceItExistsAndNothingBesideIt() throws Exception {
    Boards run = new Boards(T0, "a");
    Path report = Files.createDirectories(tmp.resolve("run/report"));
    Files.writeString(tmp.resolve("run/secret.txt"), "not for the page");
    try (Dashboard d =
        Dashboard.start(Dashboard.Options.LOOPBACK_ANY_PORT, run.board, report, 1000)) {
      assertEquals(404, get(d.address(), "/report/index.html").statusCode(), "not built yet");
      Files.writeString(report.resolve("index.html"), "<html>the report</html>");
      HttpResponse<String> index = get(d.address(), "/report/");
      assertEquals(200, index.statusCode());
      assertEquals("<html>the report</html>", index.body());
      assertEquals(404, get(d.address(), "/report/%2e%2e/secret.txt").statusCode());
    }
  }

  @Test
  void metricsAreInPrometheusFormatWithHistogramsCountedFromTheHosts() throws Exception {
    Boards run = new Boards(T0, "a", "b");
    run.poll(2000);
    run.lost = "b";
    Frame f = run.poll(2000);
    try (Dashboard d = Dashboard.start(Dashboard.Options.LOOPBACK_ANY_PORT, run.board, tmp, 1000)) {
      String text = get(d.address(), "/metrics").body();
      long total = f.fleet().total().requests();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("loadfleet_requests_total{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertEquals(total, (long) sum, "the fleet's requests:\n" + text);
      String uploads = f.fleet().total().byRequest().get("upload").requests() + "";
      assertTrue(
          text.contains(
              "loadfleet_response_time_seconds_count{request=\"upload\",run=\"test-run\"} "
                  + uploads),
          text);
      assertTrue(
          text.contains(
              "loadfleet_response_time_seconds_bucket{request=\"upload\",run=\"test-run\",le=\"+Inf\"} "
                  + uploads),
          text);
      // Every upload takes 300-1200 ms: none at or below 250 ms, all at or below 2.5 s.
      assertTrue(
          text.contains(
              "loadfleet_response_time_seconds_bucket{request=\"upload\",run=\"test-run\",le=\"0.25\"} 0"),
          text);
      assertTrue(
          text.contains(
              "loadfleet_response_time_seconds_bucket{request=\"upload\",run=\"test-run\",le=\"2.5\"} "
                  + uploads),
          text);
      assertTrue(
          text.contains("loadfleet_host_up{host=\"b\",role=\"injector\",run=\"test-run\"} 0.0"),
          text);
      assertTrue(
          text.contains("loadfleet_host_up{host=\"a\",role=\"injector\",run=\"test-run\"} 1.0"),
          text);
      assertTrue(text.contains("loadfleet_host_cpu_busy_ratio{host=\"a\""), text);
      assertTrue(
          !text.contains("loadfleet_host_cpu_busy_ratio{host=\"b\""), "no stale health of lost b");
      assertTrue(text.contains("loadfleet_host_cpu_busy_ratio{host=\"service\",role=\"service\""));
      assertTrue(
          text.contains("loadfleet_host_requests_total{host=\"b\""), "b's requests happened");
    }
  }

  @Test
  void thePageDrawsEveryChartMovesWithEachPollAndShowsTheLaunchersNumbers() throws Exception {
    Boards run = new Boards(System.currentTimeMillis(), "lf-a", "lf-b");
    run.poll(1000);
    run.poll(1000);
    // Not a resource of the try: the test closes it while the page is open, as the launcher does.
    Dashboard d = Dashboard.start(Dashboard.Options.LOOPBACK_ANY_PORT, run.board, tmp, 500);
    try (HeadlessBrowser browser = HeadlessBrowser.start();
        Page page = browser.open(d.address().toString())) {
      page.waitFor("window.dashboard && window.dashboard.seq >= 2", Duration.ofSeconds(15));
      List<String> charts =
          List.of(
              "chart-users",
              "chart-rps",
              "chart-ko",
              "chart-latency",
              "chart-mbps",
              "chart-host-users",
              "chart-host-rps",
              "chart-host-ko",
              "chart-host-p95",
              "chart-host-mbps",
              "chart-host-cpu",
              "chart-host-nic",
              "chart-host-mem");
      for (String id : charts) {
        assertTrue(
            page.eval("document.querySelector('#" + id + " canvas') !== null").asBoolean(),
            id + " has no canvas");
      }
      String pixels =
          page.eval("document.querySelector('#chart-host-p95 canvas').toDataURL()").asText();
      run.poll(1000);
      run.lost = "lf-b";
      Frame last = run.poll(1000);
      page.waitFor("window.dashboard.seq >= " + last.seq(), Duration.ofSeconds(15));
      assertEquals(
          last.seq(),
          page.eval("window.dashboard.charts['chart-users'].data[0].length").asLong(),
          "one point per frame");
      assertTrue(
          !pixels.equals(
              page.eval("document.querySelector('#chart-host-p95 canvas').toDataURL()").asText()),
          "the chart moved");

      // The table shows the launcher's figures of the frame it drew.
      Frame.Window fleet = last.fleet().interval();
      assertEquals(
          String.format(java.util.Locale.ROOT, "%.1f", fleet.requestsPerSec()),
          page.eval("document.querySelector('tr[data-host=fleet] td[data-field=rps]').textContent")
              .asText());
      Frame.RequestFigures up = fleet.byRequest().get("upload");
      assertEquals(
          up.p50() + " / " + up.p95() + " / " + up.p99(),
          page.eval(
                  "document.querySelector('tr[data-host=fleet] td[data-field=p-upload]').textContent")
              .asText());
      assertEquals(
          "lost",
          page.eval("document.querySelector('tr[data-host=lf-b] td[data-field=state]').textContent")
              .asText());
      assertEquals(
          "-",
          page.eval("document.querySelector('tr[data-host=lf-b] td[data-field=rps]').textContent")
              .asText(),
          "a lost host's last numbers are not shown as current");
      assertTrue(
          page.eval("document.querySelector('tr[data-host=lf-b]').className")
              .asText()
              .contains("lost"));
      run.board.status("reported", null, "/report/index.html");
      page.waitFor("document.getElementById('report-link') !== null", Duration.ofSeconds(15));
      assertEquals(List.of(), page.consoleErrors());
      page.screenshot(Path.of("target/dashboard-unit.png"));

      // The launcher ends: the open page hears it before the server goes, says so, stops asking.
      d.close();
      page.waitFor("!document.getElementById('gone').hidden", Duration.ofSeconds(5));
      assertTrue(page.eval("window.dashboard.ended").asBoolean(), "told, not guessed from errors");
      Thread.sleep(1500); // three of the page's polls, had it gone on
      assertEquals(List.of(), page.consoleErrors(), "no request to a server that is gone");
    } finally {
      d.close();
    }
  }
}
