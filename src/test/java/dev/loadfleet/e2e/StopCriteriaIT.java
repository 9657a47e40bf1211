package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One short run at the guide's cadence (a heartbeat every 10 s, an upload every 30 s) of 40
 * students against a stand-in that answers nine requests in ten with 503: the inventory's KO
 * criterion must end it within its window plus one poll, on every host, with exit code 8 and the
 * criterion named on the console and in summary.json; a --stop-when criterion that never holds must
 * change nothing. The live dashboard and /metrics are read while it runs.
 */
@ExtendWith(TestBed.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StopCriteriaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final long WINDOW_MS = 20_000;
  private static final long POLL_MS = 2_000;
  private static final List<String> HOSTS = List.of("lf-inj1", "lf-inj2");

  private final TestBed bed;
  private FleetRun run;
  private int exitCode;
  private String output;
  private URI dashboard;
  private String page;
  private String metrics;
  private final List<JsonNode> frames = new ArrayList<>();

  StopCriteriaIT(TestBed bed) {
    this.bed = bed;
  }

  @BeforeAll
  void runOnce() throws Exception {
    bed.restartTarget("--error-rate", "0.9");
    run = FleetRun.atGuideCadence(bed, "stop-criteria", 40, "90s", HOSTS, Map.of());
    String inventory = java.nio.file.Files.readString(run.inventory());
    java.nio.file.Files.writeString(
        run.inventory(), inventory + "stopWhen:\n  - {ko: \"> 20%\", for: 20s}\n");
    LauncherProcess launcher =
        run.startWatched("--stop-when", "{p95: '> 30s', request: upload, for: 4s}");
    assertTrue(
        launcher.awaitOutput("dashboard: http://127.0.0.1:", Duration.ofMinutes(2)),
        "no dashboard line:\n" + launcher.output());
    Matcher m =
        Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+/)").matcher(launcher.output());
    assertTrue(m.find(), launcher.output());
    dashboard = URI.create(m.group(1));
    page = get("");
    // Read the figures while the run goes on: until the launcher ends or a minute has passed.
    long since = 0;
    long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (launcher.alive() && System.nanoTime() < end) {
      try {
        JsonNode body = JSON.readTree(get("api/frames?since=" + since));
        for (JsonNode f : body.path("frames")) {
          frames.add(f);
          since = Math.max(since, f.path("seq").asLong());
        }
        String m2 = get("metrics");
        if (m2.contains("loadfleet_requests_total")) {
          metrics = m2;
        }
      } catch (IOException e) {
        break; // the launcher closed its dashboard as it ended
      }
      Thread.sleep(1000);
    }
    exitCode = launcher.waitFor(Duration.ofMinutes(4));
    output = launcher.output();
  }

  @AfterAll
  void leaveNothingRunning() {
    bed.killLeftoversAndRestartTarget();
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(dashboard.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), dashboard.resolve(path) + " answered " + r.body());
    return r.body();
  }

  @Test
  void theKoCriterionEndsTheRunWithExitCode8AndIsNamed() {
    assertEquals(8, exitCode, "exit code\n" + output);
    assertTrue(
        output.contains("stop criterion ko > 20% for 20s held from "),
        "the console names the criterion:\n" + output);
    JsonNode stopped = run.summary().path("stopped");
    assertEquals("criterion", stopped.path("by").asText(), "summary.json stopped: " + stopped);
    JsonNode c = stopped.path("criterion");
    assertEquals("ko > 20% for 20s", c.path("name").asText(), c.toString());
    assertEquals("> 20%", c.path("threshold").asText(), c.toString());
    assertEquals(WINDOW_MS, c.path("windowMs").asLong(), c.toString());
    assertTrue(c.path("values").size() > 0, c.toString());
    for (JsonNode v : c.path("values")) {
      assertTrue(v.path("value").asDouble() > 20, "a value that fired it: " + v);
    }
    assertTrue(stopped.path("detail").asText().contains("ko > 20% for 20s"), stopped.toString());
  }

  @Test
  void itFiresWithinItsWindowPlusOnePoll() {
    JsonNode c = run.summary().path("stopped").path("criterion");
    long held = c.path("firedAtEpochMs").asLong() - c.path("heldSinceEpochMs").asLong();
    assertTrue(held >= WINDOW_MS, "held " + held + " ms before firing: " + c);
    // The first poll that brings requests measured past the window's end (a poll without any is
    // no evidence either way; an injector's figures are a few seconds old when read) fires.
    long due = c.path("heldSinceEpochMs").asLong() + WINDOW_MS;
    Long evidence = null;
    for (JsonNode f : frames) {
      JsonNode w = f.path("fleet").path("interval");
      if (w.path("requests").asLong() > 0 && w.path("toMs").asLong() >= due) {
        long polled = f.path("time").asLong();
        evidence = evidence == null ? polled : Math.min(evidence, polled);
      }
    }
    assertTrue(evidence != null, "no poll with requests after the window: " + c);
    assertTrue(
        firedAt(c) <= evidence,
        "fired at "
            + firedAt(c)
            + ", the first poll with requests measured past the window was at "
            + evidence
            + ": "
            + c);
    JsonNode last = c.path("values").get(c.path("values").size() - 1);
    assertTrue(
        last.path("atEpochMs").asLong() >= due,
        "the figures that fired it reach the window's end " + due + ": " + c);
    // KO nine times in ten from the first answer on: it holds from the first interval with requests
    // above 20 % KO that no later one below broke (under load the injectors' JVMs may begin well
    // after T0, so that is not T0).
    Long since = null;
    for (JsonNode f : frames) {
      JsonNode w = f.path("fleet").path("interval");
      if (w.path("requests").asLong() == 0 || w.path("toMs").asLong() > firedAt(c)) {
        continue;
      }
      if (100.0 * w.path("ko").asLong() / w.path("requests").asLong() > 20) {
        since = since == null ? w.path("fromMs").asLong() : since;
      } else {
        since = null;
      }
    }
    assertEquals(since, c.path("heldSinceEpochMs").asLong(), "held since, as the frames say: " + c);
  }

  private static long firedAt(JsonNode criterion) {
    return criterion.path("firedAtEpochMs").asLong();
  }

  @Test
  void everyHostIsStoppedAndTheReportHoldsWhatRanUntilThen() throws IOException {
    for (String host : HOSTS) {
      assertEquals(
          "stopped", run.runHost(host).path("state").asText(), host + " in run.json\n" + output);
    }
    long sum = 0;
    for (String host : HOSTS) {
      LogFacts log = run.hostLog(host);
      assertTrue(log.requests() > 0, host + " made no request");
      sum += log.requests();
    }
    assertEquals(sum, run.mergedLog().requests(), "merged requests vs the sum of the hosts'");
    long ran = run.ranMs();
    assertTrue(ran > 0 && ran < 60_000, "the 90 s run was cut short: it ran " + ran + " ms");
  }

  @Test
  void aCriterionThatNeverHoldsChangesNothing() {
    assertTrue(
        output.contains("stop criteria: ko > 20% for 20s; p95 of upload > 30s for 4s"), output);
    assertTrue(!output.contains("stop criterion p95"), "the p95 criterion never held:\n" + output);
  }

  @Test
  void theDashboardAndMetricsShowTheRunAsItGoes() {
    assertTrue(page.contains("uPlot"), "the dashboard page loads uPlot from the bundle: " + page);
    assertTrue(!page.contains("://cdn") && !page.contains("https://"), "no CDN: " + page);
    assertTrue(frames.size() >= 3, "frames read while the run went on: " + frames.size());
    JsonNode last = frames.get(frames.size() - 1);
    assertTrue(last.path("fleet").path("total").path("requests").asLong() > 0, last.toString());
    assertTrue(last.path("fleet").path("total").path("ko").asLong() > 0, last.toString());
    assertEquals(
        HOSTS.size(),
        last.path("hosts").size(),
        "every injector on the dashboard: " + last.path("hosts"));
    assertTrue(
        frames.stream().anyMatch(f -> f.path("criteria").size() == 2),
        "the criteria's state on the dashboard");
    assertTrue(metrics != null, "/metrics never gave loadfleet_requests_total");
    assertTrue(metrics.contains("loadfleet_response_time_seconds_bucket"), metrics);
    assertTrue(metrics.contains("loadfleet_host_requests_total"), metrics);
  }
}
