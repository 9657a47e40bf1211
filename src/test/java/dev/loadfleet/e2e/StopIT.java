package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.cli.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Early ends at the guide's slow cadence (a heartbeat every 10 s, an upload every 30 s), where
 * Gatling's 8 KiB log buffer is never filled: a signalled Gatling would leave an empty log. The
 * graceful stop has each simulation end its run, so the merged log holds every request the service
 * answered, save at most one in flight per student and request kind at the instant of the stop.
 *
 * <p>Two runs: {@code loadfleet stop} from another process 10 s after T0 (then {@code collect}
 * again, which gives the same report); Ctrl+C on the launcher 60 s after T0, with one host whose
 * simulation ignores the stop file (it is given an empty {@code -DstopFile} through
 * INJECTOR_JAVA_OPTS), which is signalled after the grace while the others end by themselves.
 */
@ExtendWith(TestBed.Extension.class)
class StopIT {
  private static final int USERS = 8;
  private static final Map<String, String> SLOW =
      Map.of(
          "uploadInterval", "30s",
          "heartbeatInterval", "10s",
          "recordingSize", "100KB",
          "requestTimeout", "10s");
  private static final String IGNORING = "lf-inj4";
  private static final String BASHRC_BACKUP = ".bashrc.loadfleet-stopit";

  private final TestBed bed;

  StopIT(TestBed bed) {
    this.bed = bed;
  }

  @AfterEach
  void leaveNothingRunning() {
    bed.ssh(
        IGNORING,
        "if [ -e ~/" + BASHRC_BACKUP + " ]; then mv -f ~/" + BASHRC_BACKUP + " ~/.bashrc; fi");
    bed.killLeftovers();
  }

  @Test
  void stopFromAnotherProcess10SecondsInKeepsEveryAnsweredRequest() throws Exception {
    bed.restartTarget();
    FleetRun run = FleetRun.plan(bed, "stop-10s", USERS, USERS, "10m", equal(), SLOW);
    // The service's own host, asked over SSH for the recordings it stored once the logs are home.
    Files.writeString(
        run.inventory(),
        "service:\n  name: svc\n  address: "
            + bed.address(TestBed.TARGET)
            + "\n  port: "
            + bed.port(TestBed.TARGET)
            + "\n  user: "
            + bed.user(TestBed.TARGET)
            + "\n  countCommand: 'find "
            + bed.targetData()
            + "/30/recordings -type f | wc -l'\n",
        java.nio.file.StandardOpenOption.APPEND);
    LauncherProcess launcher = run.start("run");
    String runId = run.awaitRunId(launcher, Duration.ofMinutes(2));
    awaitStudents(run, launcher, Duration.ofSeconds(10));

    String results = run.results().toString();
    LauncherProcess stop =
        run.launcher(Duration.ofMinutes(2), "stop", "--run-id", runId, "--results", results);
    assertEquals(0, stop.exitCode(), stop.output());
    long stopped = System.nanoTime();
    int code = launcher.waitFor(Duration.ofMinutes(3));
    long tookS = (System.nanoTime() - stopped) / 1_000_000_000L;
    String out = launcher.output();
    System.out.println("StopIT: `run` ended " + tookS + " s after `stop` returned");
    assertEquals(ExitCode.STOPPED.code(), code, out + "\n---- stop:\n" + stop.output());
    assertTrue(out.contains("stopped early at "), out);
    for (String host : TestBed.INJECTORS) {
      assertTrue(
          stop.output().matches("(?s).*" + host + " +ended its run by itself.*")
              || out.matches("(?s).*" + host + " +ended its run by itself.*"),
          host + " did not end by itself:\n" + stop.output() + "\n----\n" + out);
      assertEquals("stopped", run.runHost(host).path("state").asText(), host + " in run.json");
      assertEquals("ended", run.runHost(host).path("stop").asText(), host + " in run.json");
      // Far less than Gatling's buffer: only a normal end wrote these records out.
      assertTrue(run.hostLog(host).requests() > 0, host + "'s log is empty:\n" + out);
    }
    assertEquals("operator", run.runJson().path("stopped").path("by").asText(), "run.json");

    JsonNode stats = bed.targetStats();
    LogFacts merged = run.mergedLog();
    assertAnswered(stats, merged.okUploads(), merged.okHeartbeats(), out);
    assertStoppedReport(run, "operator");
    JsonNode service = run.summary().path("service");
    assertEquals(
        stats.path("uploadsStored").asLong(),
        service.path("stored").asLong(-1),
        "the service host's count is what the service stored: " + service + "\n" + out);
    assertEquals(merged.okUploads(), service.path("okUploads").asLong(), service.toString());
    assertTrue(
        out.contains("uploads stored by the service (svc) " + stats.path("uploadsStored").asLong()),
        "the console shows the service's count:\n" + out);

    // collect on the stopped run gives the same report, marked the same way.
    LauncherProcess collect =
        run.launcher(Duration.ofMinutes(3), "collect", "--run-id", runId, "--results", results);
    assertEquals(ExitCode.STOPPED.code(), collect.exitCode(), collect.output());
    assertStoppedReport(run, "operator");
    assertEquals(merged.requests(), run.mergedLog().requests(), "collect's merged requests");
  }

  @Test
  void ctrlC60SecondsInEndsEveryHostAndSignalsOnlyTheOneThatIgnoresTheStop() throws Exception {
    // The ignoring host's sessions get INJECTOR_JAVA_OPTS=-DstopFile= (its bash reads ~/.bashrc
    // for an sshd command); the injector puts it after its own -DstopFile, so it wins.
    bed.ssh(
        IGNORING,
        "cp -p ~/.bashrc ~/"
            + BASHRC_BACKUP
            + " && { echo 'export INJECTOR_JAVA_OPTS=-DstopFile='; cat ~/"
            + BASHRC_BACKUP
            + "; } > ~/.bashrc");
    String env = bed.ssh(IGNORING, "echo \"[$INJECTOR_JAVA_OPTS]\"").output();
    assertTrue(env.contains("[-DstopFile=]"), "the session did not get the knob: " + env);

    bed.restartTarget();
    FleetRun run = FleetRun.plan(bed, "ctrl-c-60s", USERS, USERS, "10m", equal(), SLOW);
    LauncherProcess launcher = run.start("run");
    run.awaitRunId(launcher, Duration.ofMinutes(2));
    awaitStudents(run, launcher, Duration.ofSeconds(60));
    launcher.signal("INT");
    int code = launcher.waitFor(Duration.ofMinutes(4));
    String out = launcher.output();
    assertEquals(ExitCode.INTERRUPTED.code(), code, out);
    assertTrue(out.contains("Ctrl+C: asking every injector to end its run"), out);

    long others = 0;
    long othersUploads = 0;
    long othersHeartbeats = 0;
    for (String host : TestBed.INJECTORS) {
      JsonNode h = run.runHost(host);
      assertEquals("stopped", h.path("state").asText(), host + " in run.json");
      if (host.equals(IGNORING)) {
        assertEquals("terminated", h.path("stop").asText(), host + " in run.json:\n" + out);
        assertTrue(
            out.matches("(?s).*" + host + " +still running after the 25 s grace: sent TERM.*"),
            out);
      } else {
        assertEquals("ended", h.path("stop").asText(), host + " in run.json:\n" + out);
        LogFacts log = run.hostLog(host);
        others += log.requests();
        othersUploads += log.okUploads();
        othersHeartbeats += log.okHeartbeats();
      }
    }
    assertEquals("ctrl-c", run.runJson().path("stopped").path("by").asText(), "run.json");

    // The signalled host's log never got past Gatling's buffer: left out, named, with what its
    // progress file counted; the report holds the others' requests.
    JsonNode progress =
        FleetRun.readJson(run.runDir().resolve("hosts").resolve(IGNORING).resolve("progress.json"));
    long ignoringOk = progress.path("uploadsOk").asLong() + progress.path("heartbeatsOk").asLong();
    assertTrue(ignoringOk > 0, "the ignoring host ran requests: " + progress);
    JsonNode without = null;
    for (JsonNode h : run.summary().path("hostsWithoutLog")) {
      if (IGNORING.equals(h.path("name").asText())) {
        without = h;
      }
    }
    assertTrue(without != null, "summary.json does not name " + IGNORING + ": " + run.summary());
    assertTrue(
        without.path("log").asText().contains("progress file counted"),
        "summary.json's why: " + without);
    assertTrue(out.contains("report: " + IGNORING + " left out: "), out);
    assertStoppedReport(run, "ctrl-c");
    LogFacts merged = run.mergedLog();
    assertEquals(others, merged.requests(), "merged requests vs the other hosts'");

    // What the service answered: the others' logs plus what the ignoring host's progress counted.
    JsonNode stats = bed.targetStats();
    assertAnswered(
        stats,
        othersUploads + progress.path("uploadsOk").asLong(),
        othersHeartbeats + progress.path("heartbeatsOk").asLong(),
        out);
  }

  /**
   * Waits until T0 + {@code after}, and until the service has seen every student: on a loaded
   * machine the injector JVMs may start their students well after T0, and a stop before any request
   * would test nothing here.
   */
  private void awaitStudents(FleetRun run, LauncherProcess launcher, Duration after) {
    run.awaitInjection(after);
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (bed.targetStats().path("studentsSeen").asLong() < USERS) {
      assertTrue(
          System.nanoTime() < end && launcher.alive(),
          "the service did not see all " + USERS + " students:\n" + launcher.output());
      LauncherProcess.sleep(500);
    }
  }

  private static Map<String, Integer> equal() {
    return FleetRun.equalWeights();
  }

  /**
   * The service answered each OK request the logs hold, and at most one more per student and
   * request kind (a request in flight at the instant of the stop).
   */
  private static void assertAnswered(
      JsonNode stats, long okUploads, long okHeartbeats, String out) {
    long uploads = stats.path("uploadsStored").asLong();
    long heartbeats = stats.path("heartbeats").asLong();
    System.out.printf(
        "StopIT: service uploads %d / heartbeats %d; logs' OK uploads %d / heartbeats %d%n",
        uploads, heartbeats, okUploads, okHeartbeats);
    assertTrue(okUploads > 0 && okHeartbeats > 0, "nothing in the logs: " + stats + "\n" + out);
    assertTrue(
        uploads >= okUploads && uploads - okUploads <= USERS,
        "uploads stored " + uploads + " vs OK uploads in the logs " + okUploads + "\n" + out);
    assertTrue(
        heartbeats >= okHeartbeats && heartbeats - okHeartbeats <= USERS,
        "heartbeats " + heartbeats + " vs OK heartbeats in the logs " + okHeartbeats + "\n" + out);
  }

  /** The report exists and says the run was stopped, by whom, in summary.json and on its page. */
  private static void assertStoppedReport(FleetRun run, String by) throws Exception {
    Path index = run.report().resolve("index.html");
    assertTrue(Files.isRegularFile(index), "no report");
    JsonNode stopped = run.summary().path("stopped");
    assertEquals(by, stopped.path("by").asText(), "summary.json: " + run.summary());
    assertTrue(stopped.path("at").asText().matches("\\d{4}-.*Z"), "stopped.at: " + stopped);
    assertTrue(!stopped.path("detail").asText().isEmpty(), "stopped.detail: " + stopped);
    String html = Files.readString(index);
    assertTrue(
        html.contains("loadfleet-stopped") && html.contains("The run was stopped early by "),
        "banner");
  }
}
