package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenarios a (happy path) and i (a host whose clock is off) from one run: 4 real sshd hosts with
 * unequal weights, lf-inj4's clock 5 s ahead through libfaketime, about a minute of small uploads.
 * The run happens once; each test checks one promise about it.
 */
@ExtendWith(TestBed.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HappyPathIT {
  private static final int USERS = 20;

  /** 20 users split 4:3:2:1 is exact: 8, 6, 4, 2; each host ramps over 2 s at 10 users/s in all. */
  private static final Map<String, Integer> WEIGHTS = new LinkedHashMap<>();

  static {
    WEIGHTS.put("lf-inj1", 4);
    WEIGHTS.put("lf-inj2", 3);
    WEIGHTS.put("lf-inj3", 2);
    WEIGHTS.put("lf-inj4", 1);
  }

  private final TestBed bed;
  private FleetRun run;
  private int exitCode;
  private String output;
  private JsonNode targetStats;
  private final Map<String, LogFacts> hostLogs = new LinkedHashMap<>();

  HappyPathIT(TestBed bed) {
    this.bed = bed;
  }

  @BeforeAll
  void runOnce() throws IOException {
    bed.restartTarget();
    run = FleetRun.plan(bed, "happy-path", USERS, 10, "30s", WEIGHTS);
    // Four injector JVMs and the launcher share the bed's two cores: starting them all takes
    // longer than the 15 s default lead, and a JVM still starting at T0 starts its users late.
    LauncherProcess launcher = run.start("run", "--start-delay", "30");
    exitCode = launcher.waitFor(Duration.ofMinutes(4));
    output = launcher.output();
    targetStats = bed.targetStats();
    for (String host : WEIGHTS.keySet()) {
      if (run.runId().isPresent()
          && Files.isRegularFile(
              run.runDir().resolve("hosts").resolve(host).resolve("simulation.log"))) {
        hostLogs.put(host, run.hostLog(host));
      }
    }
  }

  @AfterAll
  void leaveNothingRunning() {
    bed.killLeftovers();
  }

  @Test
  void theRunSucceedsWithOneMergedReport() {
    assertTrue(
        Files.isRegularFile(run.report().resolve("index.html")),
        "no report/index.html:\n" + output);
    run.assertCompleted(exitCode, output);
    assertTrue(
        run.summary().path("assertionsPassed").asBoolean(),
        "the simulation's assertions failed:\n" + output);
    JsonNode summary = run.summary();
    for (String host : WEIGHTS.keySet()) {
      assertEquals(
          "ok",
          InjectorFaultsIT.summaryHost(run, host).path("state").asText(),
          host + " in summary.json");
    }
    assertTrue(summary.path("inputs").size() == WEIGHTS.size(), "summary.json inputs: " + summary);
  }

  @Test
  void eachHostRanExactlyItsShareWithDisjointStudentIds() {
    List<int[]> idRanges = new ArrayList<>();
    for (Map.Entry<String, Integer> e : WEIGHTS.entrySet()) {
      String host = e.getKey();
      int share = USERS * e.getValue() / 10;
      JsonNode h = run.runHost(host);
      assertEquals(share, h.path("users").asInt(), host + " planned share in run.json");
      LogFacts log = hostLogs.get(host);
      assertTrue(log != null, host + "'s simulation.log was not collected:\n" + output);
      // Each student is one user in each scenario (uploading, heartbeating).
      assertEquals(2, log.usersByScenario().size(), host + " scenarios: " + log.usersByScenario());
      log.usersByScenario()
          .forEach(
              (scenario, n) ->
                  assertEquals(
                      share,
                      n,
                      host + " users of scenario '" + scenario + "' (its simulation.log)"));
      idRanges.add(new int[] {h.path("idOffset").asInt(), h.path("idOffset").asInt() + share});
    }
    for (int i = 0; i < idRanges.size(); i++) {
      for (int j = i + 1; j < idRanges.size(); j++) {
        assertTrue(
            idRanges.get(i)[1] <= idRanges.get(j)[0] || idRanges.get(j)[1] <= idRanges.get(i)[0],
            "student-id ranges overlap: " + run.runJson().path("hosts"));
      }
    }
    // The service tells students apart by id: overlapping ranges would show fewer than 20.
    assertEquals(
        USERS,
        targetStats.path("studentsSeen").asLong(),
        "distinct students the service saw; /stats " + targetStats);
  }

  @Test
  void theMergedLogHoldsExactlyTheHostsRequestsAndTheServicesUploads() throws IOException {
    long sum = 0;
    for (String host : WEIGHTS.keySet()) {
      assertTrue(
          hostLogs.containsKey(host), host + "'s simulation.log was not collected:\n" + output);
      assertTrue(hostLogs.get(host).requests() > 0, host + " made no request");
      sum += hostLogs.get(host).requests();
    }
    LogFacts merged = run.mergedLog();
    assertEquals(sum, merged.requests(), "merged requests vs the sum of the hosts'");
    merged
        .usersByScenario()
        .forEach(
            (scenario, n) ->
                assertEquals(USERS, n, "users of scenario '" + scenario + "' in the merged log"));
    assertTrue(merged.okUploads() > 0, "no upload succeeded");
    assertEquals(
        merged.okUploads(),
        targetStats.path("uploadsStored").asLong(),
        "uploads the service stored vs OK uploads in the merged log (nothing lost, nothing twice); /stats "
            + targetStats);
  }

  @Test
  void theHostsFirstUsersStartWithin500MsOfEachOther() {
    long earliest = Long.MAX_VALUE;
    long latest = Long.MIN_VALUE;
    StringBuilder firsts = new StringBuilder();
    for (String host : WEIGHTS.keySet()) {
      LogFacts log = hostLogs.get(host);
      assertTrue(log != null, host + "'s simulation.log was not collected:\n" + output);
      // Real time: the skewed host wrote its times 5 s ahead.
      long real = log.firstUserEpochMs() - (host.equals(TestBed.SKEWED_HOST) ? TestBed.SKEW_MS : 0);
      earliest = Math.min(earliest, real);
      latest = Math.max(latest, real);
      firsts
          .append(host)
          .append(" +")
          .append(log.firstUserEpochMs() - log.startMs())
          .append(" ms after its run start; ");
    }
    System.out.println("HappyPathIT: first users spread " + (latest - earliest) + " ms: " + firsts);
    assertTrue(
        latest - earliest <= 500,
        "first users (real time) spread " + (latest - earliest) + " ms: " + firsts);
  }

  @Test
  void theSkewedHostsOffsetIsMeasuredAndTheMergedRampsAlign() throws IOException {
    long measured = run.runHost(TestBed.SKEWED_HOST).path("clockOffsetMs").asLong();
    assertTrue(
        Math.abs(measured - TestBed.SKEW_MS) < 300,
        TestBed.SKEWED_HOST
            + " offset measured "
            + measured
            + " ms; its clock is "
            + TestBed.SKEW_MS
            + " ms ahead");
    for (String host : List.of("lf-inj1", "lf-inj2", "lf-inj3")) {
      long offset = run.runHost(host).path("clockOffsetMs").asLong();
      assertTrue(
          Math.abs(offset) < 300, host + " offset measured " + offset + " ms on an unskewed clock");
    }
    // Every host ramps over under 2 s. Merged with the measured offsets, all users start within
    // 4 s even with some start jitter; a merge that ignored lf-inj4's offset puts its users 5 s
    // after the others' ramps began.
    int span = run.mergedLog().userStartSpanMs();
    assertTrue(span <= 4_000, "user starts in the merged log span " + span + " ms");
    // summary.json names the offset as run.json does: the host's clock minus the launcher's.
    assertEquals(
        measured,
        InjectorFaultsIT.summaryHost(run, TestBed.SKEWED_HOST).path("clockOffsetMs").asLong(),
        "summary.json clock correction of " + TestBed.SKEWED_HOST);
  }
}
