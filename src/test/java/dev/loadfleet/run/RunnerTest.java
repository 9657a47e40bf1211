package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.InventoryLoader;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole {@code run} pipeline over real SSH hosts — check, deploy of a real archive holding the
 * real bin/injector, start at T0, live view, collect, report step, run.json — with {@link
 * StandInGatling} in Gatling's place (real Gatling runs in LauncherRunIT).
 */
class RunnerTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir static Path tmp;

  private static Path archive;

  @BeforeAll
  static void bundleWithTheRealInjectorScript() throws Exception {
    for (SshHosts.Host h : HOSTS.all()) {
      StandInGatling.install(h); // only for its JAVA_HOME stand-in; the bundle comes by deploy
    }
    archive = TestBundles.withRealInjector(tmp);
  }

  private static Inventory inventory(String seconds) throws Exception {
    StringBuilder y =
        new StringBuilder("users: 5\nrampRate: 5\nworkload:\n  seconds: '" + seconds + "'\n");
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
    return InventoryLoader.load(
        Files.writeString(Files.createTempFile(tmp, "cluster", ".yaml"), y.toString()));
  }

  private static Runner.Options options(Path results) {
    return new Runner.Options(
        results,
        Optional.of(archive),
        false,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        Optional.empty(),
        RunOutcome.OnSaturation.WARN);
  }

  private static RunOutcome run(
      Inventory inventory,
      Path results,
      Reporting reporting,
      Interruption interruption,
      StringWriter out,
      StringWriter err)
      throws Exception {
    return Runner.run(
        inventory,
        SshOptions.of(HOSTS.knownHosts(), false),
        options(results),
        reporting,
        interruption,
        new PrintWriter(out),
        new PrintWriter(err));
  }

  @Test
  void aRunStartsEveryHostAtItsInstantCollectsAndReports() throws Exception {
    Inventory inventory = inventory("5");
    Path results = tmp.resolve("results-ok");
    FakeReporting reporting = new FakeReporting(true);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RunOutcome outcome = run(inventory, results, reporting, new Interruption(), out, err);
    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(RunOutcome.OK, outcome, transcript);
    assertTrue(
        transcript.contains("all 2 hosts ready")
            && transcript.contains("uploaded")
            && transcript.contains("total"),
        transcript);

    String runId = RunRecord.latest(results).orElseThrow();
    RunRecord run = RunRecord.read(results, runId);
    assertEquals(RunState.OK, run.state());
    assertEquals(List.of(3, 2), run.hosts().stream().map(HostRun::users).toList());
    assertEquals(List.of(0, 3), run.hosts().stream().map(h -> h.share().idOffset()).toList());
    for (HostRun h : run.hosts()) {
      assertEquals(HostState.FINISHED, h.state());
      assertEquals(run.t0() + h.clock().offsetMs(), h.startAt(), "T0 in the host's clock");
      String console =
          Files.readString(
              results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("console.log"));
      assertTrue(
          console.contains("-DstartAt=" + h.startAt())
              && console.contains("-DidOffset=" + h.share().idOffset())
              && console.contains("-Dusers=" + h.users())
              && console.contains("-Dseconds=5"),
          console);
      assertTrue(
          Files.exists(
              results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("progress.json")));
    }
    assertEquals(1, reporting.calls.size());
    FakeReporting.Call reported = reporting.calls.get(0);
    assertEquals(List.of("host0", "host1"), reported.logNames());
    assertEquals("ok", reported.state("host1"));
    // health sampling rode along over the same connections
    assertTrue(
        reported.notes().get("host0").fields().path("health").has("samples"),
        reported.notes().toString());
    assertTrue(
        reported.notes().get("host0").health().map(h -> !h.samples().isEmpty()).orElse(false),
        "the report charts host0's health samples");
    assertEquals(
        reported.notes().get("host0").health().get().samples().size(),
        reported.notes().get("host0").fields().path("health").path("samples").asInt(),
        "the samples charted are those summed up");
    assertEquals(run.t0(), reported.run().t0(), "the run's T0 reaches the report");
  }

  @Test
  void anInterruptStopsEveryInjectorThenCollectsAndReportsWhatRan() throws Exception {
    Inventory inventory = inventory("600");
    Path results = tmp.resolve("results-interrupted");
    Interruption interruption = new Interruption();
    Thread operator =
        new Thread(
            () -> {
              try {
                Thread.sleep(9000); // check + deploy + start + a few seconds of running
                interruption.request();
              } catch (InterruptedException ignored) {
                // test over
              }
            });
    operator.start();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    FakeReporting reporting = new FakeReporting(true);
    RunOutcome outcome = run(inventory, results, reporting, interruption, out, err);
    operator.join();
    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(RunOutcome.INTERRUPTED, outcome, transcript);
    assertTrue(transcript.contains("interrupted: stopping every injector"), transcript);
    FakeReporting.Call reported = reporting.calls.get(0);
    assertEquals(List.of("host0", "host1"), reported.logNames(), transcript);
    assertEquals("stopped", reported.state("host0"), transcript);
    assertEquals("stopped", reported.state("host1"), transcript);
    RunRecord run = RunRecord.read(results, RunRecord.latest(results).orElseThrow());
    for (HostRun h : run.hosts()) {
      assertEquals(HostState.STOPPED, h.state());
      long pid = h.pid().orElseThrow();
      // Ended means Gatling exited (its exit file is written); its wrapper shell then removes the
      // run's secrets and links the log, and follows it within moments.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "injector " + pid + " gone");
    }
  }

  @Test
  void aRunOverLoginShellsThatPrintLinesOfTheirOwnCompletes() throws Exception {
    HOSTS.all().forEach(h -> h.chattyLoginShell(true));
    try {
      Path results = tmp.resolve("results-chatty");
      FakeReporting reporting = new FakeReporting(true);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      RunOutcome outcome = run(inventory("4"), results, reporting, new Interruption(), out, err);
      String transcript = out + "\n--- err ---\n" + err;
      assertEquals(RunOutcome.OK, outcome, transcript);
      assertEquals(List.of("host0", "host1"), reporting.calls.get(0).logNames(), transcript);
      RunRecord run = RunRecord.read(results, RunRecord.latest(results).orElseThrow());
      for (HostRun h : run.hosts()) {
        assertEquals(HostState.FINISHED, h.state(), transcript);
        assertTrue(h.pid().orElseThrow() > 0, transcript);
      }
    } finally {
      HOSTS.all().forEach(h -> h.chattyLoginShell(false));
    }
  }
}
