package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.SshHosts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SIGINT to a real launcher process (`loadfleet run` in its own JVM) in the middle of a run:
 * the first asks every injector to end its run, which they do, losing nothing; a second one, while
 * an injector ignores the request, signals it at once and says what that costs. Either way the logs
 * come home, run.json says interrupted, and the exit code is 130.
 */
class CtrlCTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  private Process launcher;

  @BeforeAll
  static void standIns() throws Exception {
    for (SshHosts.Host h : HOSTS.all()) {
      StandInGatling.install(h);
    }
  }

  @AfterEach
  void endTheLauncher() {
    HOSTS.all().forEach(h -> h.setEnv("INJECTOR_JAVA_OPTS", null));
    if (launcher != null) {
      launcher.destroyForcibly(); // the stand-ins left by a failed assertion go with SshHosts
    }
  }

  /** Starts `loadfleet run` over both hosts; returns once their injectors have run 2 s. */
  private Path startRun(String... extra) throws Exception {
    return startRunWith("--default-signal=INT", extra);
  }

  /**
   * Starts the launcher with SIGINT as {@code env} sets it: by default (as a terminal's foreground
   * process has it, whatever the build that runs this test inherited) or ignored.
   */
  private Path startRunWith(String sigint, String... extra) throws Exception {
    Path archive = TestBundles.withRealInjector(tmp);
    StringBuilder y = new StringBuilder("users: 4\nrampRate: 4\nworkload:\n  seconds: '600'\n");
    y.append("knownHosts: ").append(HOSTS.knownHosts()).append("\nhosts:\n");
    for (SshHosts.Host h : HOSTS.all()) {
      y.append("  - {name: ")
          .append(h.name())
          .append(", address: 127.0.0.1, port: ")
          .append(h.port())
          .append(", keyFile: ")
          .append(SshHosts.clientKey())
          .append(", baseDir: ")
          .append(h.baseDir())
          .append("}\n");
    }
    Path inventory = Files.writeString(tmp.resolve("cluster.yaml"), y.toString());
    Path results = tmp.resolve("results");
    Path log = tmp.resolve("launcher.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                "env",
                sigint,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.loadfleet.cli.Main",
                "run",
                "-i",
                inventory.toString(),
                "--bundle",
                archive.toString(),
                "--results",
                results.toString(),
                "--start-delay",
                "1",
                "--poll",
                "1"));
    command.addAll(List.of(extra));
    launcher =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains("running") && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(2000);
    assertTrue(launcher.isAlive(), Files.readString(log));
    return results;
  }

  private void sigint() throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-INT", String.valueOf(launcher.pid())).start().waitFor());
  }

  private String transcript() throws Exception {
    return Files.readString(tmp.resolve("launcher.log"));
  }

  private static boolean groupAliveAfter(long pgid, long waitMs) throws Exception {
    long deadline = System.currentTimeMillis() + waitMs;
    while (groupAlive(pgid) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    return groupAlive(pgid);
  }

  private static boolean groupAlive(long pgid) throws Exception {
    return new ProcessBuilder("kill", "-0", "--", "-" + pgid).start().waitFor() == 0;
  }

  @Test
  void sigintAsksEveryInjectorToEndCollectsAndExits130() throws Exception {
    Path results = startRun();
    long signalled = System.nanoTime();
    sigint();
    assertTrue(
        launcher.waitFor(60, TimeUnit.SECONDS), "launcher ended after SIGINT: " + transcript());
    String transcript = transcript();
    assertEquals(130, launcher.exitValue(), transcript);
    assertTrue(transcript.contains("interrupted: stopping every injector"), transcript);
    assertTrue(transcript.contains("Ctrl+C again to signal them now"), transcript);

    String runId = RunRecord.latest(results).orElseThrow();
    RunRecord run = RunRecord.read(results, runId);
    assertEquals(StopReason.By.CTRL_C, run.stopReason().orElseThrow().by(), transcript);
    for (HostRun h : run.hosts()) {
      assertEquals(HostState.STOPPED, h.state(), transcript);
      assertEquals(HostRun.StopOutcome.ENDED, h.stop().orElseThrow(), transcript);
      String runDir = h.paths().runDir();
      assertTrue(Files.exists(Path.of(runDir, "stop")), "asked to end its run: " + runDir);
      assertFalse(Files.exists(Path.of(runDir, "stopped")), "never signalled: " + runDir);
      assertTrue(
          Files.exists(
              results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("console.log")));
      // Ended means Gatling exited (its exit file is written); its wrapper shell follows it.
      assertFalse(groupAliveAfter(h.pid().orElseThrow(), 5_000), "process group of " + h.name());
    }
    System.out.println(
        "CtrlCTest: SIGINT to exit in "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)
            + " ms");
  }

  @Test
  void aLauncherStartedWithSigintIgnoredSaysHowToStopTheRunAndStillStopsOnTerm() throws Exception {
    Path results = startRunWith("--ignore-signal=INT");
    String transcript = transcript();
    assertTrue(
        transcript.contains("Ctrl+C does not reach this launcher (it was started with SIGINT"),
        transcript);
    assertTrue(transcript.contains("`loadfleet stop --run-id "), transcript);
    sigint();
    assertFalse(launcher.waitFor(3, TimeUnit.SECONDS), "SIGINT is ignored: " + transcript());
    launcher.destroy(); // SIGTERM: the shutdown hook stops the injectors, collects and reports
    assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "ended after SIGTERM: " + transcript());
    RunRecord run = RunRecord.read(results, RunRecord.latest(results).orElseThrow());
    for (HostRun h : run.hosts()) {
      assertEquals(HostState.STOPPED, h.state(), transcript());
      assertFalse(groupAliveAfter(h.pid().orElseThrow(), 5_000), "process group of " + h.name());
    }
  }

  @Test
  void aSecondSigintSignalsAnInjectorThatIgnoresTheRequestAtOnceAndSaysWhatItCosts()
      throws Exception {
    HOSTS.get(1).setEnv("INJECTOR_JAVA_OPTS", "-DstopFile=");
    Path results = startRun("--stop-grace", "300");
    sigint();
    String runId = RunRecord.latest(results).orElseThrow();
    RunRecord started = RunRecord.read(results, runId);
    HostRun ignoring = started.host(HOSTS.get(1).name());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!transcript().matches("(?s).*" + HOSTS.get(0).name() + " +ended its run by itself.*")
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(2000);
    assertTrue(groupAlive(ignoring.pid().orElseThrow()), "it ignores the request: " + transcript());
    assertTrue(launcher.isAlive(), "waiting out the 300 s grace: " + transcript());

    long second = System.nanoTime();
    sigint();
    assertTrue(
        launcher.waitFor(60, TimeUnit.SECONDS), "ended after a second SIGINT: " + transcript());
    long tookS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - second);
    String transcript = transcript();
    assertEquals(130, launcher.exitValue(), transcript);
    assertTrue(tookS < 40, "the second Ctrl+C does not wait out the grace: " + tookS + " s");
    assertTrue(
        transcript.contains("second Ctrl+C: signalling every injector still running now")
            && transcript.contains("up to 8 KiB, about 370 records"),
        transcript);

    RunRecord run = RunRecord.read(results, runId);
    assertEquals(HostRun.StopOutcome.ENDED, run.host(HOSTS.get(0).name()).stop().orElseThrow());
    HostRun signalled = run.host(HOSTS.get(1).name());
    assertEquals(HostRun.StopOutcome.TERMINATED, signalled.stop().orElseThrow(), transcript);
    assertTrue(
        signalled.message().contains("its log lacks what Gatling still buffered"),
        signalled.message());
    assertTrue(
        transcript.matches(
            "(?s).*"
                + signalled.name()
                + " +still running [0-9.]+ s after the stop request: sent"
                + " TERM.*"),
        transcript);
    assertFalse(groupAliveAfter(signalled.pid().orElseThrow(), 5_000), "process group signalled");
  }
}
