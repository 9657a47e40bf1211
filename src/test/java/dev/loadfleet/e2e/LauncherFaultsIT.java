package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.cli.ExitCode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenarios d (the launcher gets SIGINT mid-run) and e (the launcher is killed with -9 mid-run).
 *
 * <p>A stopped Gatling 3.15.1 loses what its simulation.log writer still buffers (8 KiB, about 370
 * requests, flushed only when full: LogFileDataWriter), so the Ctrl+C run sends a heartbeat every
 * 200 ms to have each host fill a buffer or two before the signal.
 */
@ExtendWith(TestBed.Extension.class)
class LauncherFaultsIT {
  private final TestBed bed;

  LauncherFaultsIT(TestBed bed) {
    this.bed = bed;
  }

  @AfterEach
  void leaveNothingRunning() {
    bed.killLeftovers();
  }

  @Test
  void ctrlCStopsEveryInjectorWithin10SecondsThenCollectsAndReports() throws Exception {
    FleetRun run =
        FleetRun.plan(
            bed,
            "sigint",
            20,
            20,
            "60s",
            FleetRun.equalWeights(),
            java.util.Map.of("heartbeatInterval", "200ms"));
    LauncherProcess launcher = run.start("run");
    run.awaitRunId(launcher, Duration.ofMinutes(2));
    run.awaitInjection(Duration.ofSeconds(22));
    assertEquals(
        4,
        TestBed.INJECTORS.stream().filter(h -> !bed.javaProcesses(h).isEmpty()).count(),
        "not every host runs an injector:\n" + launcher.output());

    launcher.signal("INT");
    long sent = System.nanoTime();
    while (!bed.allJavaProcesses().isEmpty()
        && System.nanoTime() - sent < Duration.ofSeconds(10).toNanos()) {
      LauncherProcess.sleep(100);
    }
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(
        bed.allJavaProcesses().isEmpty(),
        "injectors still running 10 s after SIGINT: "
            + bed.allJavaProcesses()
            + "\n"
            + launcher.output());

    System.out.println("LauncherFaultsIT: every injector gone " + tookMs + " ms after SIGINT");
    int code = launcher.waitFor(Duration.ofMinutes(3));
    String out = launcher.output();
    assertEquals(ExitCode.INTERRUPTED.code(), code, out);
    for (String host : TestBed.INJECTORS) {
      assertEquals("stopped", run.runHost(host).path("state").asText(), host + " in run.json");
      assertTrue(run.hostLog(host).requests() > 0, host + "'s log was not collected");
    }
    assertTrue(
        Files.isRegularFile(run.report().resolve("index.html")), "no report after Ctrl+C:\n" + out);
  }

  @Test
  void aFreshLauncherRecoversARunWhoseLauncherWasKilled() throws Exception {
    bed.restartTarget();
    FleetRun run = FleetRun.plan(bed, "launcher-killed", 8, 8, "20s", FleetRun.equalWeights());
    String runId = runThenKillTheLauncher(run);

    // A fresh launcher process finds the run from run.json alone.
    String results = run.results().toString();
    LauncherProcess status =
        run.launcher(Duration.ofMinutes(1), "status", "--run-id", runId, "--results", results);
    assertEquals(0, status.exitCode(), status.output());
    for (String host : TestBed.INJECTORS) {
      assertTrue(
          status.output().matches("(?s).*" + host + "\\s+running\\s+running.*"),
          "status does not show " + host + " running:\n" + status.output());
    }

    // Let the injectors finish on their own, then bring the run home with another fresh process.
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!bed.allJavaProcesses().isEmpty() && System.nanoTime() < end) {
      LauncherProcess.sleep(500);
    }
    assertTrue(bed.allJavaProcesses().isEmpty(), "injectors still running 90 s after a 20 s run");
    LauncherProcess collect =
        run.launcher(Duration.ofMinutes(3), "collect", "--run-id", runId, "--results", results);
    assertTrue(
        Files.isRegularFile(run.report().resolve("index.html")),
        "collect made no report:\n" + collect.output());
    run.assertCompleted(collect.exitCode(), collect.output());
    long sum = 0;
    for (String host : TestBed.INJECTORS) {
      assertEquals("finished", run.runHost(host).path("state").asText(), host + " in run.json");
      LogFacts log = run.hostLog(host);
      log.usersByScenario().forEach((s, n) -> assertEquals(2, n, host + " users of " + s));
      sum += log.requests();
    }
    LogFacts merged = run.mergedLog();
    assertEquals(sum, merged.requests(), "merged requests vs the sum of the hosts'");
    assertEquals(
        merged.okUploads(),
        bed.targetStats().path("uploadsStored").asLong(),
        "stored vs OK uploads");
  }

  @Test
  void aFreshLauncherStopsARunWhoseLauncherWasKilled() {
    FleetRun run = FleetRun.plan(bed, "launcher-killed-stop", 8, 8, "60s", FleetRun.equalWeights());
    String runId = runThenKillTheLauncher(run);

    LauncherProcess stop =
        run.launcher(
            Duration.ofMinutes(1),
            "stop",
            "--run-id",
            runId,
            "--results",
            run.results().toString());
    assertEquals(0, stop.exitCode(), stop.output());
    assertTrue(
        bed.allJavaProcesses().isEmpty(),
        "injectors still running after stop: " + bed.allJavaProcesses() + "\n" + stop.output());
    for (String host : TestBed.INJECTORS) {
      assertEquals("stopped", run.runHost(host).path("state").asText(), host + " in run.json");
    }
  }

  /** Starts the run, kills its launcher with -9 5 s into injection; returns the run id. */
  private String runThenKillTheLauncher(FleetRun run) {
    LauncherProcess launcher = run.start("run");
    String runId = run.awaitRunId(launcher, Duration.ofMinutes(2));
    run.awaitInjection(Duration.ofSeconds(5));
    launcher.signal("KILL");
    launcher.waitFor(Duration.ofSeconds(10));
    // The injectors run detached: they outlive their launcher.
    LauncherProcess.sleep(2_000);
    for (String host : TestBed.INJECTORS) {
      assertFalse(bed.javaProcesses(host).isEmpty(), host + "'s injector died with its launcher");
    }
    return runId;
  }
}
