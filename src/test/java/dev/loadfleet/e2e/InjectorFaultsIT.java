package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.cli.ExitCode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenarios c (an injector killed with -9 mid-run) and g (a host's link cut for 20 s and restored)
 * in one run: lf-inj1 (20 users) has its Gatling killed 20 s in, lf-inj2 (5 users) is cut off from
 * 5 s to 25 s, lf-inj3 and lf-inj4 (5 users each) run undisturbed.
 *
 * <p>Gatling 3.15.1 writes simulation.log through a fixed 8 KiB buffer and flushes it only when
 * full or at the end (LogFileDataWriter, onFlush does nothing), so a killed injector leaves the
 * records up to its last full buffer. Heartbeats every 500 ms make lf-inj1 fill a few buffers (~370
 * requests each) before it dies.
 */
@ExtendWith(TestBed.Extension.class)
class InjectorFaultsIT {
  private static final String KILLED = "lf-inj1";
  private static final String CUT = "lf-inj2";

  private final TestBed bed;

  InjectorFaultsIT(TestBed bed) {
    this.bed = bed;
  }

  @AfterEach
  void restore() {
    bed.link(CUT, true);
    bed.killLeftovers();
  }

  @Test
  void aKilledInjectorAndACutLinkLeaveAPartialReportOfEverythingThatRan() throws Exception {
    bed.restartTarget();
    Map<String, Integer> weights = new LinkedHashMap<>(FleetRun.equalWeights());
    weights.put(KILLED, 4);
    FleetRun run =
        FleetRun.plan(
            bed, "injector-faults", 35, 17.5, "45s", weights, Map.of("heartbeatInterval", "500ms"));
    LauncherProcess launcher = run.start("run");
    run.awaitRunId(launcher, Duration.ofMinutes(2));

    run.awaitInjection(Duration.ofSeconds(5));
    assertFalse(bed.javaProcesses(CUT).isEmpty(), CUT + " runs no injector:\n" + launcher.output());
    bed.link(CUT, false);
    long cutAt = System.currentTimeMillis();
    LauncherProcess.sleep(15_000);
    List<ProcessHandle> victims = bed.javaProcesses(KILLED);
    assertEquals(1, victims.size(), KILLED + " injector processes: " + victims);
    TestBed.run(Duration.ofSeconds(5), "kill", "-KILL", Long.toString(victims.get(0).pid()));
    LauncherProcess.sleep(cutAt + 20_000 - System.currentTimeMillis());
    assertFalse(
        bed.javaProcesses(CUT).isEmpty(),
        "the injector on " + CUT + " died while its link was cut");
    bed.link(CUT, true);

    int code = launcher.waitFor(Duration.ofMinutes(4));
    String out = launcher.output();

    // c: the run finished on the others, the exit code says partial, the report is there.
    assertEquals(ExitCode.PARTIAL.code(), code, out);
    assertTrue(Files.isRegularFile(run.report().resolve("index.html")), "no report:\n" + out);
    Set<String> down = Set.of("lost", "failed");
    String killedState = run.runHost(KILLED).path("state").asText();
    assertTrue(down.contains(killedState), KILLED + " is '" + killedState + "' in run.json");
    assertEquals(
        killedState,
        summaryHost(run, KILLED).path("state").asText(),
        "summary.json state of " + KILLED);
    for (String host : List.of("lf-inj2", "lf-inj3", "lf-inj4")) {
      assertEquals(
          "finished", run.runHost(host).path("state").asText(), host + " in run.json:\n" + out);
    }
    LogFacts killed = run.hostLog(KILLED);
    LogFacts survivor = run.hostLog("lf-inj3");
    assertTrue(killed.requests() > 0, KILLED + "'s records before its death were not collected");
    assertTrue(
        killed.lastRecordMs() + 20_000 < survivor.lastRecordMs(),
        KILLED
            + "'s log should stop at its death: last record at "
            + killed.lastRecordMs()
            + " ms vs "
            + survivor.lastRecordMs());
    long sum = 0;
    for (String host : TestBed.INJECTORS) {
      sum += run.hostLog(host).requests();
      assertTrue(
          Files.isRegularFile(run.runDir().resolve("hosts").resolve(host).resolve("console.log")),
          host + "'s console.log was not collected");
    }
    assertEquals(
        sum,
        run.mergedLog().requests(),
        "merged requests vs the sum of the hosts' (incl. the dead one)");

    // g: the cut host was marked lost, then recovered; its injector kept going to the end.
    int lost = out.indexOf(CUT + " lost");
    int recovered = out.indexOf(CUT + " recovered");
    assertTrue(
        lost >= 0 && recovered > lost, CUT + " should be reported lost, then recovered:\n" + out);
    LogFacts cut = run.hostLog(CUT);
    cut.usersByScenario().forEach((s, n) -> assertEquals(5, n, CUT + " users of " + s));
    assertTrue(
        cut.lastRecordMs() >= survivor.lastRecordMs() - 5_000,
        CUT
            + " stopped early: last record "
            + cut.lastRecordMs()
            + " ms vs "
            + survivor.lastRecordMs());
  }

  static JsonNode summaryHost(FleetRun run, String host) {
    for (JsonNode n : run.summary().path("inputs")) {
      if (host.equals(n.path("name").asText())) {
        return n;
      }
    }
    throw new AssertionError("summary.json has no input named " + host + ": " + run.summary());
  }
}
