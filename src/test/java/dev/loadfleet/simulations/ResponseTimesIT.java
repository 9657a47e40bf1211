package dev.loadfleet.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.live.ResponseTimes;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.report.GatlingProcess;
import dev.loadfleet.service.ProctoringService;
import dev.loadfleet.service.ServiceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response times the simulation publishes in its progress file are Gatling's own: real, short
 * Gatling runs whose final progress file is compared with their simulation.log, request by request.
 */
class ResponseTimesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Each request name's times in the log, OK and KO apart: name -> [ok times, ko times]. */
  private static Map<String, List<List<Long>>> logTimes(Path results) throws Exception {
    Path log;
    try (Stream<Path> s = Files.walk(results)) {
      log =
          s.filter(p -> p.getFileName().toString().equals("simulation.log"))
              .findFirst()
              .orElseThrow();
    }
    Map<String, List<List<Long>>> times = new TreeMap<>();
    try (SimulationLogReader reader = SimulationLogReader.open(log)) {
      for (LogRecord r = reader.next(); r != null; r = reader.next()) {
        if (r instanceof LogRecord.Request q) {
          times
              .computeIfAbsent(q.name(), n -> List.of(new ArrayList<>(), new ArrayList<>()))
              .get(q.ok() ? 0 : 1)
              .add((long) (q.end() - q.start()));
        }
      }
    }
    return times;
  }

  private GatlingProcess run(String baseUrl, String requestTimeout) {
    return GatlingProcess.onThisClasspath()
        .withConfigFolder(Path.of("conf"))
        .withJvmOption("-Xmx512m")
        .withJvmOption("--add-opens=java.base/java.lang=ALL-UNNAMED")
        .withSystemProperty("loadfleet.conf", Path.of("conf").toAbsolutePath().toString())
        .withSystemProperty("baseUrl", baseUrl)
        .withSystemProperty("users", "6")
        .withSystemProperty("rampRate", "6")
        .withSystemProperty("steadyDuration", "6s")
        .withSystemProperty("uploadInterval", "1s")
        .withSystemProperty("heartbeatInterval", "300ms")
        .withSystemProperty("recordingSize", "64KiB")
        .withSystemProperty("requestTimeout", requestTimeout)
        .withSystemProperty("progressFile", tmp.resolve("progress.json").toString());
  }

  private Map<String, ResponseTimes> published() throws Exception {
    JsonNode progress = JSON.readTree(tmp.resolve("progress.json").toFile());
    assertTrue(progress.path("finished").asBoolean(), "the last write: " + progress);
    Map<String, ResponseTimes> times = new TreeMap<>();
    progress
        .path("responseTimes")
        .properties()
        .iterator()
        .forEachRemaining(
            e ->
                times.put(
                    e.getKey(),
                    ResponseTimes.decode(
                        e.getValue().path("ok").asText(), e.getValue().path("ko").asText())));
    return times;
  }

  @Test
  void everyResponseTimeOkOrKoIsPublishedExactlyAsGatlingLoggedIt() throws Exception {
    // 30 % of requests answered 503 after 40 ms: KO with a response, timed by Gatling itself.
    try (ProctoringService service =
        ProctoringService.start(
            ServiceOptions.loopback(tmp.resolve("data")).withDiscard(true).withFaults(40, 0.3))) {
      Path console = tmp.resolve("console.log");
      run(service.baseUrl().toString(), "10s")
          .simulate(
              ProctoringSimulation.class.getName(),
              tmp.resolve("results"),
              console,
              Duration.ofMinutes(3));
      Map<String, List<List<Long>>> logged = logTimes(tmp.resolve("results"));
      Map<String, ResponseTimes> published = published();
      assertEquals(logged.keySet(), published.keySet(), Files.readString(console));
      for (String name : logged.keySet()) {
        List<Long> ok = logged.get(name).get(0);
        List<Long> ko = logged.get(name).get(1);
        ResponseTimes t = published.get(name);
        assertTrue(ko.size() > 0, name + ": the service's 503s make KO requests");
        assertEquals(ok.size(), t.okCount(), name + " OK");
        assertEquals(ko.size(), t.koCount(), name + " KO");
        List<Long> all = new ArrayList<>(ok);
        all.addAll(ko);
        all.sort(null);
        assertTrue(all.get(all.size() - 1) < 2048, "exact below 2,048 ms: " + all);
        // Exact: the same number of times at or below every time the log holds.
        for (int i = 0; i < all.size(); i++) {
          long v = all.get(i);
          long atOrBelow = all.stream().filter(x -> x <= v).count();
          assertEquals(atOrBelow, t.countAtOrBelow(v), name + " times at or below " + v + " ms");
        }
        for (double p : new double[] {50, 95, 99}) {
          int rank = (int) Math.max(1, Math.ceil(p / 100.0 * all.size()));
          assertEquals(all.get(rank - 1), t.percentile(p), name + " p" + p);
        }
      }
    }
  }

  @Test
  void aRequestThatGotNoResponseIsTimedFromWhenItWasSent() throws Exception {
    // Every answer comes after 1.5 s, every request gives up after 400 ms: KO, no response.
    try (ProctoringService service =
        ProctoringService.start(
            ServiceOptions.loopback(tmp.resolve("data")).withDiscard(true).withFaults(1500, 0))) {
      Path console = tmp.resolve("console.log");
      run(service.baseUrl().toString(), "400ms")
          .withSystemProperty("steadyDuration", "3s")
          .simulate(
              ProctoringSimulation.class.getName(),
              tmp.resolve("results"),
              console,
              Duration.ofMinutes(3));
      Map<String, List<List<Long>>> logged = logTimes(tmp.resolve("results"));
      Map<String, ResponseTimes> published = published();
      for (String name : List.of("upload", "heartbeat")) {
        List<Long> ko = logged.get(name).get(1);
        ResponseTimes t = published.get(name);
        assertEquals(0, logged.get(name).get(0).size(), name + ": nothing answers in time");
        assertEquals(ko.size(), t.koCount(), name + " KO");
        // Measured around the request rather than by Gatling: from just before Gatling stamps
        // its start to just after it hands the failure on, so never shorter than Gatling's own
        // time, each one (so every order statistic is at least Gatling's); longer by how late
        // the injector hands the failure on, a few ms on an idle host.
        List<Long> sorted = ko.stream().sorted().toList();
        StringBuilder seen = new StringBuilder(name);
        for (double p : new double[] {1, 50, 99}) {
          long gatling = sorted.get((int) Math.max(1, Math.ceil(p / 100.0 * sorted.size())) - 1);
          long ours = t.percentile(p);
          seen.append(String.format(" p%.0f %d/%d ms", p, ours, gatling));
          assertTrue(ours >= gatling, seen + ": shorter than Gatling's own time");
        }
        long gatlingMedian = sorted.get((sorted.size() + 1) / 2 - 1);
        assertTrue(
            t.percentile(50) <= gatlingMedian * 3 / 2 + 100,
            seen + ": published/Gatling's; the median is too far from Gatling's");
        System.out.println("no-response KO times, published/Gatling's: " + seen);
      }
    }
  }
}
