package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.cli.ExitCode;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private record Reported(
      List<Reporting.HostLog> logs,
      Map<String, com.fasterxml.jackson.databind.JsonNode> annotations) {}

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
        false);
  }

  @Test
  void aRunStartsEveryHostAtItsInstantCollectsAndReports() throws Exception {
    Inventory inventory = inventory("5");
    Path results = tmp.resolve("results-ok");
    List<Reported> reported = new CopyOnWriteArrayList<>();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ExitCode code =
        Runner.run(
            inventory,
            SshOptions.of(HOSTS.knownHosts(), false),
            options(results),
            (logs, outDir, annotations) -> {
              reported.add(new Reported(logs, annotations));
              Files.createDirectories(outDir);
              return new Reporting.Outcome(
                  outDir.resolve("index.html"), outDir.resolve("summary.json"), true, List.of());
            },
            new Interruption(),
            new PrintWriter(out),
            new PrintWriter(err));
    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(ExitCode.OK, code, transcript);
    assertTrue(
        transcript.contains("all 2 hosts ready")
            && transcript.contains("uploaded")
            && transcript.contains("total"),
        transcript);

    String runId = RunRecord.latest(results).orElseThrow();
    RunRecord run = RunRecord.read(results, runId);
    assertEquals("ok", run.state());
    assertEquals(List.of(3, 2), run.hosts().stream().map(HostRun::users).toList());
    assertEquals(List.of(0, 3), run.hosts().stream().map(HostRun::idOffset).toList());
    for (HostRun h : run.hosts()) {
      assertEquals(HostRun.FINISHED, h.state());
      assertEquals(run.t0() + h.clockOffsetMs(), h.startAt(), "T0 in the host's clock");
      String console =
          Files.readString(
              results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("console.log"));
      assertTrue(
          console.contains("-DstartAt=" + h.startAt())
              && console.contains("-DidOffset=" + h.idOffset())
              && console.contains("-Dusers=" + h.users())
              && console.contains("-Dseconds=5"),
          console);
      assertTrue(
          Files.exists(
              results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("progress.json")));
    }
    assertEquals(1, reported.size());
    assertEquals(
        List.of("host0", "host1"),
        reported.get(0).logs().stream().map(Reporting.HostLog::name).toList());
    assertEquals("ok", reported.get(0).annotations().get("host1").path("state").asText());
    // issue 6's health sampling rode along over the same connections
    assertTrue(
        reported.get(0).annotations().get("host0").path("health").has("samples"),
        reported.get(0).annotations().toString());
    assertTrue(Files.exists(results.resolve(runId).resolve("hosts/host0/health.svg")));
    assertEquals(
        results.resolve(runId).resolve("hosts/host0/health.svg").toAbsolutePath().toString(),
        reported.get(0).annotations().get("host0").path("healthChart").asText(),
        "the report draws this chart");
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
    List<String> reportedHosts = new CopyOnWriteArrayList<>();
    ExitCode code =
        Runner.run(
            inventory,
            SshOptions.of(HOSTS.knownHosts(), false),
            options(results),
            (logs, outDir, annotations) -> {
              logs.forEach(
                  l ->
                      reportedHosts.add(
                          l.name() + "=" + annotations.get(l.name()).path("state").asText()));
              return new Reporting.Outcome(
                  outDir.resolve("index.html"), outDir.resolve("summary.json"), true, List.of());
            },
            interruption,
            new PrintWriter(out),
            new PrintWriter(err));
    operator.join();
    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(ExitCode.INTERRUPTED, code, transcript);
    assertTrue(transcript.contains("interrupted: stopping every injector"), transcript);
    assertEquals(List.of("host0=stopped", "host1=stopped"), reportedHosts, transcript);
    RunRecord run = RunRecord.read(results, RunRecord.latest(results).orElseThrow());
    for (HostRun h : run.hosts()) {
      assertEquals(HostRun.STOPPED, h.state());
      assertFalse(
          ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false),
          "injector " + h.pid() + " gone");
    }
  }

  @Test
  void aRunOverLoginShellsThatPrintLinesOfTheirOwnCompletes() throws Exception {
    HOSTS.all().forEach(h -> h.chattyLoginShell(true));
    try {
      Path results = tmp.resolve("results-chatty");
      List<String> reportedHosts = new CopyOnWriteArrayList<>();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      ExitCode code =
          Runner.run(
              inventory("4"),
              SshOptions.of(HOSTS.knownHosts(), false),
              options(results),
              (logs, outDir, annotations) -> {
                logs.forEach(l -> reportedHosts.add(l.name()));
                return new Reporting.Outcome(
                    outDir.resolve("index.html"), outDir.resolve("summary.json"), true, List.of());
              },
              new Interruption(),
              new PrintWriter(out),
              new PrintWriter(err));
      String transcript = out + "\n--- err ---\n" + err;
      assertEquals(ExitCode.OK, code, transcript);
      assertEquals(List.of("host0", "host1"), reportedHosts, transcript);
      RunRecord run = RunRecord.read(results, RunRecord.latest(results).orElseThrow());
      for (HostRun h : run.hosts()) {
        assertEquals(HostRun.FINISHED, h.state(), transcript);
        assertTrue(h.pid() != null && h.pid() > 0, transcript);
      }
    } finally {
      HOSTS.all().forEach(h -> h.chattyLoginShell(false));
    }
  }
}
