package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.cli.ExitCode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenarios b (a host unreachable at check), f (a changed host key) and h (hostile inventory
 * values): each refused with a message naming the host and the cause, and nothing started.
 */
@ExtendWith(TestBed.Extension.class)
class RefusalsIT {
  private final TestBed bed;

  RefusalsIT(TestBed bed) {
    this.bed = bed;
  }

  @Test
  void aHostUnreachableAtCheckRefusesTheRunBeforeAnythingStarts() {
    Map<String, Integer> runsBefore = remoteRuns();
    FleetRun run = FleetRun.plan(bed, "unreachable", 8, 4, "10s", FleetRun.equalWeights());
    bed.link("lf-inj3", false);
    LauncherProcess launcher;
    try {
      launcher = run.start("run");
      launcher.waitFor(Duration.ofMinutes(2));
    } finally {
      bed.link("lf-inj3", true);
    }
    String out = launcher.output();
    assertEquals(ExitCode.CHECK_FAILED.code(), launcher.exitCode(), out);
    assertTrue(mentionsHost(out, "lf-inj3"), "the refusal does not name lf-inj3:\n" + out);
    assertTrue(
        out.toLowerCase(java.util.Locale.ROOT)
            .matches("(?s).*(timed out|timeout|unreachable|no route|connect).*"),
        "the refusal does not say why lf-inj3 failed:\n" + out);
    assertNothingStarted(run, runsBefore);
  }

  @Test
  void aChangedHostKeyIsRefusedShowingBothFingerprints() {
    Map<String, Integer> runsBefore = remoteRuns();
    FleetRun run = FleetRun.plan(bed, "host-key", 8, 4, "10s", FleetRun.equalWeights());
    String rotated = bed.rekey("lf-inj2", "rotate");
    Matcher m = Pattern.compile("host key was (SHA256:\\S+), now (SHA256:\\S+);").matcher(rotated);
    assertTrue(m.find(), rotated);
    String oldPrint = m.group(1);
    String newPrint = m.group(2);
    LauncherProcess check;
    LauncherProcess runAttempt;
    try {
      check = run.start("check");
      check.waitFor(Duration.ofMinutes(2));
      runAttempt = run.start("run");
      runAttempt.waitFor(Duration.ofMinutes(2));
    } finally {
      bed.rekey("lf-inj2", "restore");
    }
    String out = check.output();
    assertEquals(ExitCode.CHECK_FAILED.code(), check.exitCode(), out);
    assertTrue(mentionsHost(out, "lf-inj2"), out);
    assertTrue(
        out.contains(oldPrint), "the old fingerprint " + oldPrint + " is not shown:\n" + out);
    assertTrue(
        out.contains(newPrint), "the new fingerprint " + newPrint + " is not shown:\n" + out);
    assertEquals(ExitCode.CHECK_FAILED.code(), runAttempt.exitCode(), runAttempt.output());
    assertNothingStarted(run, runsBefore);
  }

  @Test
  void hostileInventoryValuesAreRefusedBeforeAnyConnection() {
    Map<String, Long> loginsBefore = logins();
    String key = bed.key().toString();
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put(
        "user",
        host("lf-inj1", "lfinj1;touch /tmp/pwned", "loadfleet", key)
            + host("lf-inj2", "lfinj2", "loadfleet", key));
    hostile.put(
        "baseDir",
        host("lf-inj1", "lfinj1", "loadfleet/../../../tmp", key)
            + host("lf-inj2", "lfinj2", "loadfleet", key));
    hostile.put(
        "keyFile",
        host("lf-inj1", "lfinj1", "loadfleet", key)
            + host("lf-inj2", "lfinj2", "loadfleet", key + ".missing"));
    hostile.put(
        "duplicate",
        host("lf-inj1", "lfinj1", "loadfleet", key)
            + host("lf-inj1", "lfinj1", "loadfleet", key).replace("name: lf-inj1", "name: again"));
    hostile.put(
        "name",
        host("lf-inj1", "lfinj1", "loadfleet", key)
            .replace("name: lf-inj1", "name: \"$(reboot)\""));
    Map<String, String> field =
        Map.of(
            "user",
            "user",
            "baseDir",
            "baseDir",
            "keyFile",
            "keyFile",
            "duplicate",
            "duplicate",
            "name",
            "name");
    // The host each error must name: by name, or by position while the name itself is the problem.
    Map<String, String> where =
        Map.of(
            "user",
            "lf-inj1",
            "baseDir",
            "lf-inj1",
            "keyFile",
            "lf-inj2",
            "duplicate",
            "lf-inj1",
            "name",
            "hosts[0]");
    for (Map.Entry<String, String> e : hostile.entrySet()) {
      FleetRun run =
          FleetRun.withInventory(
              bed,
              "hostile-" + e.getKey(),
              "users: 4\nrampRate: 2\nduration: 5s\n"
                  + "target: "
                  + bed.targetUrl()
                  + "\nknownHosts: "
                  + bed.knownHosts()
                  + "\nhosts:\n"
                  + e.getValue());
      for (String command : new String[] {"check", "run"}) {
        LauncherProcess launcher = run.start(command);
        int code = launcher.waitFor(Duration.ofMinutes(1));
        String out = launcher.output();
        assertNotEquals(0, code, command + " accepted a hostile " + e.getKey() + ":\n" + out);
        assertTrue(
            out.contains(field.get(e.getKey())),
            command + ": the error does not name the field " + field.get(e.getKey()) + ":\n" + out);
        assertTrue(
            out.contains(run.inventory().toString()),
            command + ": the error does not name the file:\n" + out);
        assertTrue(
            out.contains(where.get(e.getKey())),
            command + ": the error does not name the host " + where.get(e.getKey()) + ":\n" + out);
        assertTrue(run.runId().isEmpty(), command + " created a run for a hostile " + e.getKey());
      }
    }
    assertEquals(loginsBefore, logins(), "a hostile inventory led to SSH logins on the hosts");
    assertTrue(
        bed.ssh("lf-inj1", "test ! -e /tmp/pwned").code() == 0,
        "the injected command ran on lf-inj1");
  }

  private static String host(String name, String user, String baseDir, String key) {
    return "  - name: "
        + name
        + "\n    address: 10.203.7.1"
        + name.substring(name.length() - 1)
        + "\n    user: \""
        + user
        + "\"\n    keyFile: "
        + key
        + "\n    baseDir: "
        + baseDir
        + "\n";
  }

  private static boolean mentionsHost(String out, String host) {
    return out.contains(host);
  }

  private Map<String, Long> logins() {
    Map<String, Long> m = new LinkedHashMap<>();
    TestBed.INJECTORS.forEach(h -> m.put(h, bed.acceptedLogins(h)));
    return m;
  }

  /** How many run dirs each host holds (the launcher makes one per started run). */
  private Map<String, Integer> remoteRuns() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String h : TestBed.INJECTORS) {
      TestBed.Result r = bed.ssh(h, "ls -1 loadfleet/runs 2>/dev/null | wc -l");
      assertEquals(0, r.code(), h + ": " + r.output());
      m.put(h, Integer.parseInt(r.output().trim()));
    }
    return m;
  }

  private void assertNothingStarted(FleetRun run, Map<String, Integer> runsBefore) {
    assertTrue(run.runId().isEmpty(), "a refused run left " + run.results());
    assertEquals(runsBefore, remoteRuns(), "a refused run made remote run dirs");
    assertTrue(bed.allJavaProcesses().isEmpty(), "a refused run left injectors running");
  }
}
