package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.run.HostRun;
import dev.loadfleet.run.HostState;
import dev.loadfleet.run.RunRecord;
import dev.loadfleet.service.ProctoringService;
import dev.loadfleet.service.ServiceOptions;
import dev.loadfleet.service.ServiceStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run: three SSH hosts (in-process sshd, real shells), the real injector bundle built by
 * {@code package}, real Gatling on each, the stand-in service as the target, then the merged
 * report. Runs as an integration test because it needs target/loadfleet-bundle.tar.gz.
 */
class LauncherRunIT {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(3);

  @TempDir Path tmp;

  @Test
  void threeHostsRunTheirSharesAndTheMergedReportCountsEveryRequestOnce() throws Exception {
    Path bundle = Path.of("target/loadfleet-bundle.tar.gz");
    assertTrue(
        Files.isRegularFile(bundle), "run `./mvnw package` first: " + bundle.toAbsolutePath());
    try (ProctoringService service =
        ProctoringService.start(ServiceOptions.loopback(tmp.resolve("data")).withDiscard(true))) {
      String workload =
          "duration: 4s\ntarget: "
              + service.baseUrl()
              + "\nworkload:\n"
              + "  uploadInterval: 2s\n  recordingSize: 20kB\n  heartbeatInterval: 1s\n";
      Path inventory =
          Files.writeString(
              tmp.resolve("cluster.yaml"),
              LauncherCliTest.inventory(HOSTS, 7, workload)
                  .replace("  - name: host0\n", "  - name: host0\n    weight: 2\n"));
      Path results = tmp.resolve("results");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Main.standard()
              .run(
                  new PrintWriter(out),
                  new PrintWriter(err),
                  "run",
                  "-i",
                  inventory.toString(),
                  "--bundle",
                  bundle.toString(),
                  "--results",
                  results.toString(),
                  "--start-delay",
                  "20",
                  "--poll",
                  "1");
      String transcript = out + "\n--- stderr ---\n" + err;
      // The three "hosts" share this machine's CPU, so its health may well be flagged saturated
      // (exit 5); then summary.json must say so. Every other outcome is a failure.
      JsonNode summaryNow =
          new ObjectMapper()
              .readTree(
                  results
                      .resolve(RunRecord.latest(results).orElseThrow())
                      .resolve("report/summary.json")
                      .toFile());
      boolean flagged = false;
      for (JsonNode input : summaryNow.path("inputs")) {
        flagged |= !input.path("saturation").isEmpty();
        assertTrue(input.path("health").path("samples").asInt() > 0, "health sampled: " + input);
      }
      if (code == ExitCode.INJECTORS_SATURATED.code()) {
        assertTrue(flagged, "exit 5 needs a flagged host: " + transcript);
      } else {
        assertEquals(ExitCode.OK.code(), code, transcript);
        assertTrue(!flagged, "a flagged host must give exit 5: " + transcript);
      }

      String runId = RunRecord.latest(results).orElseThrow();
      RunRecord run = RunRecord.read(results, runId);
      assertEquals(code == 0 ? "ok" : "injectors_saturated", run.state().text(), transcript);
      int users = 0;
      for (HostRun h : run.hosts()) {
        assertEquals(HostState.FINISHED, h.state(), h.toString());
        assertTrue(
            Files.size(
                    results
                        .resolve(runId)
                        .resolve("hosts")
                        .resolve(h.name())
                        .resolve("simulation.log"))
                > 0);
        users += h.users();
      }
      assertEquals(7, users);
      assertEquals(
          3,
          run.host("host0").users(),
          "quotas 3.5, 1.75, 1.75: the two largest remainders (0.75) get the 2 left");

      JsonNode summary =
          new ObjectMapper()
              .readTree(results.resolve(runId).resolve("report/summary.json").toFile());
      long total = summary.path("global").path("requests").asLong();
      long sumOfHosts = 0;
      long firstStart = Long.MAX_VALUE;
      long lastStart = Long.MIN_VALUE;
      for (JsonNode input : summary.path("inputs")) {
        long start = java.time.Instant.parse(input.path("start").asText()).toEpochMilli();
        firstStart = Math.min(firstStart, start);
        lastStart = Math.max(lastStart, start);
        sumOfHosts += input.path("requests").asLong();
        assertEquals("ok", input.path("state").asText(), input.toString());
      }
      assertTrue(total > 0, summary.toString());
      assertEquals(sumOfHosts, total, "merged count = sum of the hosts' counts");
      ServiceStats stats = service.stats();
      assertEquals(
          stats.uploadsStored() + stats.heartbeats(),
          total,
          "merged count = what the service saw: " + stats);
      assertEquals(
          summary.path("global").path("ok").asLong(),
          total,
          "no failed request: " + summary.path("global"));
      assertTrue(transcript.contains("total"), "the live view printed: " + transcript);
      // Synchronized start: every injector was up before T0 and waited for its startAt, and no
      // host began before T0 (an ignored startAt would show seconds early). How soon after T0 is
      // Gatling's engine start after the simulation's wait: printed, bounded loosely for a loaded
      // 2-core machine (the target spread is 200 ms; measured 0.4-1.1 s here under load 10).
      for (HostRun h : run.hosts()) {
        String console =
            Files.readString(
                results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("console.log"));
        assertTrue(
            console.contains("waiting") && console.contains("for startAt " + h.startAt()),
            h.name() + ": " + console);
      }
      assertTrue(
          firstStart >= run.t0() - 100,
          "a host started " + (run.t0() - firstStart) + " ms before T0");
      assertTrue(
          lastStart - run.t0() <= 5000,
          "a host started " + (lastStart - run.t0()) + " ms after T0");
      System.out.println(
          "LauncherRunIT: first requests "
              + (firstStart - run.t0())
              + ".."
              + (lastStart - run.t0())
              + " ms after T0, spread "
              + (lastStart - firstStart)
              + " ms; "
              + total
              + " requests = service "
              + stats.uploadsStored()
              + " uploads + "
              + stats.heartbeats()
              + " heartbeats");
    }
  }
}
