package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.cli.ExitCode;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code check} predicts {@code deploy} on every kind of host the bed has (sshd on another port, no
 * SFTP subsystem, a zsh whose login files talk, a skewed clock): what check passes, deploy puts in
 * place; what check fails, deploy fails for the same reason.
 */
@ExtendWith(TestBed.Extension.class)
class CheckPredictsDeployIT {
  private final TestBed bed;

  CheckPredictsDeployIT(TestBed bed) {
    this.bed = bed;
  }

  @Test
  void aHostThatPassesCheckTakesTheDeployWhateverItsSshdAndShell() {
    FleetRun run = FleetRun.plan(bed, "check-deploy", 8, 4, "10s", FleetRun.equalWeights());

    LauncherProcess check = run.launcher(Duration.ofMinutes(3), checkArgs(run));
    String table = check.output();
    assertEquals(ExitCode.OK.code(), check.exitCode(), table);
    for (String host : TestBed.INJECTORS) {
      String row = row(table, host);
      assertTrue(row.endsWith("OK"), host + " did not pass check:\n" + table);
      assertTrue(
          row.contains(bed.shell(host).substring(bed.shell(host).lastIndexOf('/') + 1)),
          host + "'s login shell is not shown:\n" + table);
    }
    assertFalse(table.contains("Welcome to"), "a login file's notice reached check:\n" + table);

    LauncherProcess deploy = run.launcher(Duration.ofMinutes(5), deployArgs(run));
    assertEquals(ExitCode.OK.code(), deploy.exitCode(), deploy.output());
    for (String host : TestBed.INJECTORS) {
      TestBed.Result bundles =
          bed.ssh(host, "ls -1 loadfleet/bundles | grep -c '^[0-9a-f]\\{64\\}$'");
      assertEquals(0, bundles.code(), host + ": " + bundles.output());
      assertTrue(
          Integer.parseInt(bundles.output().trim()) >= 1,
          host + " has no bundle after deploy: " + bundles.output());
      TestBed.Result runnable = bed.ssh(host, "test -x loadfleet/bundles/*/bin/injector");
      assertEquals(0, runnable.code(), host + ": " + runnable.output());
    }
  }

  @Test
  void aBaseDirTheUserMayNotWriteFailsCheckAndDeployAlike() {
    StringBuilder y = new StringBuilder();
    y.append("users: 2\nrampRate: 2\nduration: 5s\n");
    y.append("target: ").append(bed.targetUrl()).append('\n');
    y.append("knownHosts: ").append(bed.knownHosts()).append('\n');
    y.append("defaults:\n  keyFile: ").append(bed.key()).append('\n');
    y.append("hosts:\n");
    // /usr is root's: lf-inj2's user may create nothing under it.
    y.append(bed.hostEntry("lf-inj2")).append("    baseDir: /usr/loadfleet\n");
    FleetRun run = FleetRun.withInventory(bed, "check-deploy-readonly", y.toString());

    LauncherProcess check = run.launcher(Duration.ofMinutes(3), checkArgs(run));
    String table = check.output();
    assertEquals(ExitCode.CHECK_FAILED.code(), check.exitCode(), table);
    assertTrue(row(table, "lf-inj2").endsWith("FAIL"), table);
    assertTrue(
        table.toLowerCase(Locale.ROOT).contains("permission denied"),
        "check does not say why:\n" + table);
    assertTrue(table.contains("fix:"), table);

    LauncherProcess deploy = run.launcher(Duration.ofMinutes(3), deployArgs(run));
    String out = deploy.output();
    assertEquals(ExitCode.ERROR.code(), deploy.exitCode(), out);
    assertTrue(out.contains("lf-inj2"), out);
    assertTrue(
        out.toLowerCase(Locale.ROOT).contains("permission denied"),
        "deploy fails for another reason than check saw:\n" + out);
  }

  private static String[] checkArgs(FleetRun run) {
    return new String[] {
      "check", "-i", run.inventory().toString(), "--results", run.results().toString()
    };
  }

  private static String[] deployArgs(FleetRun run) {
    return new String[] {
      "deploy", "-i", run.inventory().toString(), "--results", run.results().toString()
    };
  }

  /** The table row of {@code host} (its first line), trimmed. */
  static String row(String table, String host) {
    return table
        .lines()
        .filter(l -> l.startsWith(host + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + host + " in:\n" + table))
        .strip();
  }
}
