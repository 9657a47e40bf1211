package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.cli.Main;
import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status}, {@code stop} and {@code collect} from a fresh launcher, on a run.json in the
 * format the launcher wrote before HostRun had named parts, over injectors that really run.
 */
class RunControlTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  private record Cli(int code, String out, String err) {
    String transcript() {
      return out + "\n--- err ---\n" + err;
    }
  }

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.standard().run(new PrintWriter(out), new PrintWriter(err), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /**
   * Starts the stand-in injector on both hosts in the recorded run's dirs, as the killed launcher
   * did, and writes the recorded run.json saying they run; returns their process group ids.
   */
  private static List<Long> startRecordedRun(Path results) throws Exception {
    List<Long> pids = new ArrayList<>();
    List<Path> bundles = new ArrayList<>();
    for (SshHosts.Host h : HOSTS.all()) {
      Path bundle = StandInGatling.install(h);
      bundles.add(bundle);
      // the recorded run id is the same in every test: end what an earlier test left, start clean
      Path runDir = h.baseDir().resolve("runs").resolve(RecordedRun.RUN_ID);
      new ProcessBuilder(
              "sh",
              "-c",
              "[ -f \"$1/pid\" ] && kill -KILL -- -\"$(cat \"$1/pid\")\" 2>/dev/null; rm -rf \"$1\"",
              "sh",
              runDir.toString())
          .start()
          .waitFor();
      try (RemoteHost remote =
          RemoteHost.connect(h.spec(), SshOptions.of(HOSTS.knownHosts(), false))) {
        String out =
            remote.execOk(
                Shell.command(
                    bundle + "/bin/injector",
                    "start",
                    h.baseDir().resolve("runs").resolve(RecordedRun.RUN_ID).toString(),
                    "x.Sim",
                    "-Dseconds=600"),
                Duration.ofSeconds(20),
                "starting the stand-in");
        pids.add(Long.parseLong(out.trim()));
      }
    }
    RecordedRun.write(
        results,
        HOSTS,
        (i, h) -> {
          h.put("bundleDir", bundles.get(i).toString());
          h.put("pid", pids.get(i));
        });
    return pids;
  }

  private static JsonNode runJson(Path results) throws Exception {
    return new ObjectMapper()
        .readTree(results.resolve(RecordedRun.RUN_ID).resolve("run.json").toFile());
  }

  @Test
  void aRecordedRunShowsStopsAndCollectsFromAFreshLauncher() throws Exception {
    Path results = tmp.resolve("results");
    List<Long> pids = startRecordedRun(results);
    String[] run = {"--run-id", RecordedRun.RUN_ID, "--results", results.toString()};

    Cli status = cli(concat("status", run));
    assertEquals(0, status.code(), status.transcript());
    for (SshHosts.Host h : HOSTS.all()) {
      assertTrue(
          status.out().matches("(?s).*" + h.name() + "\\s+running\\s+running.*"),
          status.transcript());
    }

    Cli stop = cli(concat("stop", run));
    assertEquals(0, stop.code(), stop.transcript());
    for (int i = 0; i < 2; i++) {
      JsonNode host = runJson(results).path("hosts").get(i);
      assertEquals("stopped", host.path("state").asText());
      assertEquals("ended", host.path("stop").asText(), "ended its run on the request: " + host);
      assertTrue(
          stop.out().matches("(?s).*host" + i + " +ended its run by itself [0-9.]+ s after.*"),
          stop.transcript());
      // Ended means Gatling exited (its exit file is written); its wrapper shell follows.
      ProcessHandle.of(pids.get(i))
          .ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
    }
    // The stopped injectors' progress files still say 2 active users: nobody is active now.
    Cli stopped = cli(concat("status", run));
    assertEquals(0, stopped.code(), stopped.transcript());
    for (SshHosts.Host h : HOSTS.all()) {
      assertTrue(
          stopped
              .out()
              .matches("(?s).*" + h.name() + "\\s+stopped\\s+(stopped|exited \\d+)\\s+0\\s.*"),
          stopped.transcript());
    }
    assertEquals("operator", runJson(results).path("stopped").path("by").asText());

    FakeReporting reporting = new FakeReporting(true);
    RunOutcome outcome;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RunRecord recorded = RunRecord.read(results, RecordedRun.RUN_ID);
    try (var fleet = RunControl.connect(recorded)) {
      outcome =
          RunControl.collectAndReport(
              recorded,
              fleet,
              results,
              reporting,
              RunControl.CollectOptions.LATER.withService(
                  Optional.of(
                      new ServiceHost(
                          HOSTS.get(1).spec(),
                          Optional.of(
                              "ls -d "
                                  + HOSTS
                                      .get(1)
                                      .baseDir()
                                      .resolve("runs")
                                      .resolve(RecordedRun.RUN_ID)
                                  + " | wc -l")))),
              new PrintWriter(out),
              new PrintWriter(err));
    }
    assertEquals(RunOutcome.STOPPED, outcome, "stopped early: " + out + "\n" + err);
    FakeReporting.Call reported = reporting.calls.get(0);
    assertEquals(
        OptionalLong.of(1),
        reported.run().serviceCount().orElseThrow().stored(),
        "the service host's count reaches the report: " + out + "\n" + err);
    JsonNode why = reported.run().stopped().orElseThrow(() -> new AssertionError("not marked"));
    assertEquals("operator", why.path("by").asText());
    assertTrue(why.path("detail").asText().startsWith("`loadfleet stop` by "), why.toString());
    assertTrue(out.toString().contains("stopped early at "), out.toString());
    assertEquals(List.of("host0", "host1"), reported.logNames(), out + "\n" + err);
    assertEquals("stopped", reported.state("host0"));
    assertEquals("stopped", reported.state("host1"));
    for (SshHosts.Host h : HOSTS.all()) {
      Path home = results.resolve(RecordedRun.RUN_ID).resolve("hosts").resolve(h.name());
      assertTrue(Files.isRegularFile(home.resolve("simulation.log")), out + "\n" + err);
      assertTrue(Files.isRegularFile(home.resolve("console.log")), out + "\n" + err);
    }
  }

  @Test
  void aStopSaysAtOnceThatAHostCannotBeReachedAndWhenItIsBack() throws Exception {
    Path results = tmp.resolve("results");
    List<Long> pids = startRecordedRun(results);
    HOSTS.get(1).stop();
    Thread back =
        new Thread(
            () -> {
              try {
                Thread.sleep(3000);
                HOSTS.get(1).restart();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    back.start();
    String[] run = {
      "--run-id", RecordedRun.RUN_ID, "--results", results.toString(), "--grace", "60"
    };
    Cli stop;
    try {
      stop = cli(concat("stop", run));
    } finally {
      back.join();
    }
    assertEquals(0, stop.code(), stop.transcript());
    List<String> lines = stop.out().lines().toList();
    int said = -1;
    int again = -1;
    int ended = -1;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.matches(
          " +host1 +cannot be reached \\(.+\\); asking again every 1 s until the grace ends")) {
        assertEquals(-1, said, "said once, not at every round: " + stop.transcript());
        said = i;
      } else if (l.matches(" +host1 +reachable again")) {
        again = i;
      } else if (l.matches(" +host1 +ended its run by itself .*")) {
        ended = i;
      }
    }
    assertTrue(said >= 0 && again > said && ended > again, stop.transcript());
    assertEquals("ended", runJson(results).path("hosts").get(1).path("stop").asText());
    ProcessHandle.of(pids.get(1)).ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
  }

  @Test
  void statusMarksAHostWhoseInjectorStatusIsGarbageFailedAndShowsTheOthers() throws Exception {
    Path results = tmp.resolve("results-garbage");
    startRecordedRun(results);
    Path exit = HOSTS.get(1).baseDir().resolve("runs").resolve(RecordedRun.RUN_ID).resolve("exit");
    Files.writeString(exit, "garbage\n");
    String[] run = {"--run-id", RecordedRun.RUN_ID, "--results", results.toString()};

    Cli status = cli(concat("status", run));
    assertEquals(0, status.code(), status.transcript());
    assertTrue(status.out().matches("(?s).*host0\\s+running\\s+running.*"), status.transcript());
    assertFalse(status.transcript().contains("For input string"), status.transcript());
    assertTrue(status.out().matches("(?s).*host1\\s+failed\\s.*"), status.transcript());
    assertTrue(status.transcript().contains("garbage"), status.transcript());
    // status only looks: run.json is the business of the launcher that runs or collects the run
    JsonNode host1 = runJson(results).path("hosts").get(1);
    assertEquals("running", host1.path("state").asText(), host1.toString());
    assertEquals(0, cli(concat("stop", run)).code());
  }

  @Test
  void aHostWhoseLogIsEmptyIsLeftOutOfTheReportAndTheOthersAreReported() throws Exception {
    Path results = tmp.resolve("results-empty-log");
    startRecordedRun(results);
    String[] run = {"--run-id", RecordedRun.RUN_ID, "--results", results.toString()};
    assertEquals(0, cli(concat("stop", run)).code());
    // killed before Gatling flushed its first 8 KiB: the log exists and holds nothing
    Path runDir = HOSTS.get(1).baseDir().resolve("runs").resolve(RecordedRun.RUN_ID);
    Files.write(runDir.resolve("gatling/run-1/simulation.log"), new byte[0]);

    FakeReporting reporting = new FakeReporting(true);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RunRecord recorded = RunRecord.read(results, RecordedRun.RUN_ID);
    RunOutcome outcome;
    try (var fleet = RunControl.connect(recorded)) {
      outcome =
          RunControl.collectAndReport(
              recorded,
              fleet,
              results,
              reporting,
              RunControl.CollectOptions.LATER,
              new PrintWriter(out),
              new PrintWriter(err));
    }
    assertEquals(RunOutcome.STOPPED, outcome, out + "\n" + err);
    assertEquals(List.of("host0"), reporting.calls.get(0).logNames(), out.toString());
    assertTrue(
        out.toString().matches("(?s).*collected host1 +missing simulation.log \\(empty.*"),
        out.toString());
    // It did start: its progress file counted requests, and the message says so, not "did the run
    // start?".
    String leftOut = reporting.calls.get(0).notes().get("host1").fields().path("log").asText();
    assertTrue(
        leftOut.matches(
            "its simulation.log is empty although its progress file counted [1-9][0-9]* requests"
                + " .*before Gatling wrote out its first 8 KiB of records.*"),
        leftOut);
    assertTrue(err.toString().contains("report: host1 left out: " + leftOut), err.toString());
    assertFalse(err.toString().contains("did the run start"), err.toString());
  }

  @Test
  void aReportThatFailsEndsTheCollectInErrorAndRunJsonSaysSo() throws Exception {
    Path results = tmp.resolve("results-report-fails");
    startRecordedRun(results);
    String[] run = {"--run-id", RecordedRun.RUN_ID, "--results", results.toString()};
    assertEquals(0, cli(concat("stop", run)).code());
    Reporting failing =
        new Reporting() {
          @Override
          public Outcome report(
              List<HostLog> logs, Path outDir, Map<String, HostNotes> notes, RunNotes run)
              throws IOException {
            throw new IOException("the logs hold no request records");
          }

          @Override
          public Duration timeout() {
            return Duration.ofSeconds(1);
          }
        };
    StringWriter err = new StringWriter();
    RunRecord recorded = RunRecord.read(results, RecordedRun.RUN_ID);
    RunOutcome outcome;
    try (var fleet = RunControl.connect(recorded)) {
      outcome =
          RunControl.collectAndReport(
              recorded,
              fleet,
              results,
              failing,
              RunControl.CollectOptions.LATER,
              new PrintWriter(new StringWriter()),
              new PrintWriter(err));
    }
    assertEquals(RunOutcome.ERROR, outcome, err.toString());
    assertTrue(err.toString().contains("report: the logs hold no request records"), err.toString());
    assertEquals("report failed", runJson(results).path("state").asText());
  }

  private static String[] concat(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
