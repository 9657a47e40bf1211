package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.run.RecordedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LauncherCliTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  /** An inventory of the fixture hosts, as an operator would write it. */
  static String inventory(SshHosts hosts, int users, String extra) {
    StringBuilder y = new StringBuilder();
    y.append("users: ").append(users).append("\nrampRate: 2\n").append(extra);
    y.append("knownHosts: ").append(hosts.knownHosts()).append("\n");
    y.append("defaults:\n  address: 127.0.0.1\n  keyFile: ")
        .append(SshHosts.clientKey())
        .append("\n");
    y.append("hosts:\n");
    for (SshHosts.Host h : hosts.all()) {
      y.append("  - name: ")
          .append(h.name())
          .append("\n    port: ")
          .append(h.port())
          .append("\n    baseDir: ")
          .append(h.baseDir())
          .append("\n");
    }
    return y.toString();
  }

  @Test
  void planPrintsSharesWithDisjointIds() throws Exception {
    Path inv = Files.writeString(tmp.resolve("c.yaml"), inventory(HOSTS, 5, ""));
    Outcome o = Outcome.run("plan", "-i", inv.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out().contains("host0") && o.out().contains("0..2") && o.out().contains("3..4"), o.out());
    assertTrue(
        o.out().contains("needed:"), "the capacity arithmetic follows the shares: " + o.out());
  }

  @Test
  void aMisspeltWorkloadKnobStopsThePlanBeforeAnyHostIsTouched() throws Exception {
    Path inv =
        Files.writeString(
            tmp.resolve("c.yaml"), inventory(HOSTS, 5, "workload:\n  recordingSise: 2MB\n"));
    Outcome o =
        Outcome.run("run", "-i", inv.toString(), "--results", tmp.resolve("results").toString());
    assertEquals(ExitCode.ERROR.code(), o.code(), o.out());
    assertTrue(o.err().contains("recordingSise") && o.err().contains("recordingSize"), o.err());
    assertFalse(Files.exists(tmp.resolve("results")));
  }

  @Test
  void checkExitsCheckFailedWhenAHostLacksJavaAndOkWhenAllAreReady() throws Exception {
    Path inv = Files.writeString(tmp.resolve("c.yaml"), inventory(HOSTS, 4, ""));
    String results = tmp.resolve("results").toString();
    Outcome ok = Outcome.run("check", "-i", inv.toString(), "--results", results);
    assertEquals(ExitCode.OK.code(), ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("all 2 hosts ready"), ok.out());

    Path noJava = Files.createDirectories(HOSTS.root().resolve("empty-bin"));
    for (String tool : List.of("sh", "awk", "df", "dirname", "nproc", "head", "date", "cat")) {
      Files.createSymbolicLink(noJava.resolve(tool), Path.of("/usr/bin/" + tool).toRealPath());
    }
    HOSTS.get(1).restrictPath(noJava.toString());
    try {
      Outcome failed = Outcome.run("check", "-i", inv.toString(), "--results", results);
      assertEquals(ExitCode.CHECK_FAILED.code(), failed.code(), failed.out());
      assertTrue(failed.out().contains("host1: java not found on PATH"), failed.out());
      assertTrue(failed.out().contains("fix: install a JRE 17+"), failed.out());
    } finally {
      HOSTS.get(1).restrictPath(System.getenv("PATH"));
    }
  }

  @Test
  void planningNeedsNoKeyWhileEveryCommandThatConnectsRefusesABadOneBeforeConnecting()
      throws Exception {
    String inv = inventory(HOSTS, 4, "");
    for (String key : List.of(tmp.resolve("no-such-key").toString(), tmp.toString(), "/dev/zero")) {
      Path f =
          Files.writeString(
              tmp.resolve("c.yaml"), inv.replace(SshHosts.clientKey().toString(), key));
      Outcome plan = Outcome.run("plan", "-i", f.toString());
      assertEquals(ExitCode.OK.code(), plan.code(), key + ": " + plan.err());
      long attempts = dev.loadfleet.remote.RemoteHost.connectAttempts();
      for (String command : List.of("check", "deploy", "run")) {
        Outcome o =
            Outcome.run(
                command, "-i", f.toString(), "--results", tmp.resolve("results").toString());
        assertEquals(ExitCode.ERROR.code(), o.code(), command + " " + key + ": " + o.out());
        assertTrue(
            o.err().contains(f + ": host host0 keyFile: " + key) && o.err().contains("ssh-keygen"),
            command + " " + key + ": " + o.err());
      }
      assertEquals(
          attempts, dev.loadfleet.remote.RemoteHost.connectAttempts(), "no host was contacted");
    }
  }

  @Test
  void checkKeepsItsFullLogAndPrintsWhere() throws Exception {
    Path inv = Files.writeString(tmp.resolve("c.yaml"), inventory(HOSTS, 4, ""));
    Path results = tmp.resolve("results");
    Outcome o = Outcome.run("check", "-i", inv.toString(), "--results", results.toString());
    assertEquals(ExitCode.OK.code(), o.code(), o.out() + o.err());
    List<Path> logs;
    try (var s = Files.list(results.resolve("logs"))) {
      logs = s.toList();
    }
    assertEquals(1, logs.size(), logs.toString());
    assertTrue(logs.get(0).getFileName().toString().matches("check-\\d{8}-\\d{6}-\\d{3}\\.log"));
    assertTrue(o.out().contains("full log: " + logs.get(0)), o.out());
    String log = Files.readString(logs.get(0));
    assertTrue(log.contains("all 2 hosts ready"), "the console lines are in the log: " + log);
  }

  @Test
  void checkTableColumnsAreAsWideAsTheirWidestValue() throws Exception {
    Path inv = Files.writeString(tmp.resolve("c.yaml"), inventory(HOSTS, 4, ""));
    Outcome o =
        Outcome.run("check", "-i", inv.toString(), "--results", tmp.resolve("results").toString());
    List<String> rows = o.out().lines().filter(l -> l.matches("(host|host\\d) .*")).toList();
    assertEquals(3, rows.size(), o.out());
    // Every column starts where its header starts, however wide its values are.
    String header = rows.get(0);
    for (String column : List.of("nofile", "clockOffsetMs", "target", "status")) {
      int at = header.indexOf(column);
      for (String row : rows.subList(1, 3)) {
        assertTrue(
            at > 0
                && row.charAt(at - 1) == ' '
                && row.charAt(at - 2) == ' '
                && row.charAt(at) != ' ',
            column + " misaligned:\n" + o.out());
      }
    }
  }

  @Test
  void hostileInventoryIsRefusedBeforeAnythingConnects() throws Exception {
    Path inv =
        Files.writeString(
            tmp.resolve("c.yaml"),
            inventory(HOSTS, 4, "")
                .replace(
                    "baseDir: " + HOSTS.get(0).baseDir(),
                    "baseDir: " + HOSTS.get(0).baseDir() + "/../../etc"));
    Outcome o =
        Outcome.run("run", "-i", inv.toString(), "--results", tmp.resolve("results").toString());
    assertEquals(ExitCode.ERROR.code(), o.code());
    assertTrue(o.err().contains("host host0 baseDir") && o.err().contains("'..'"), o.err());
    assertFalse(Files.exists(HOSTS.get(1).baseDir()), "nothing happened on any host");
  }

  @Test
  void badStopCriteriaAndDashboardOptionsAreRefusedBeforeAnythingConnects() throws Exception {
    Path inv = Files.writeString(tmp.resolve("c.yaml"), inventory(HOSTS, 4, ""));
    String results = tmp.resolve("results").toString();
    Outcome ko =
        Outcome.run("run", "-i", inv.toString(), "--results", results, "--stop-when", "{ko: 10}");
    assertEquals(ExitCode.USAGE.code(), ko.code(), ko.err());
    assertTrue(ko.err().contains("--stop-when '{ko: 10}'"), ko.err());
    Outcome port =
        Outcome.run("run", "-i", inv.toString(), "--results", results, "--dashboard", "http");
    assertEquals(ExitCode.USAGE.code(), port.code(), port.err());
    assertTrue(
        port.err().contains("--dashboard 'http' is not a port; give a number from 1 to 65535"),
        port.err());
    Outcome both =
        Outcome.run(
            "run",
            "-i",
            inv.toString(),
            "--results",
            results,
            "--dashboard",
            "8080",
            "--no-dashboard");
    assertEquals(ExitCode.USAGE.code(), both.code(), both.err());
    assertTrue(both.err().contains("--no-dashboard cannot go with --dashboard"), both.err());
    assertFalse(Files.exists(tmp.resolve("results")), "nothing started");
    assertFalse(Files.exists(HOSTS.get(0).baseDir()), "nothing happened on any host");
  }

  @Test
  void dryRunShowsThePlanAndStops() throws Exception {
    Path inv = Files.writeString(tmp.resolve("c.yaml"), inventory(HOSTS, 7, ""));
    Outcome o =
        Outcome.run(
            "run",
            "-i",
            inv.toString(),
            "--dry-run",
            "--results",
            tmp.resolve("results").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out().contains("plan: 7 users") && o.out().contains("dry run: nothing started"), o.out());
    assertFalse(Files.exists(tmp.resolve("results")));
  }

  @Test
  void everyLauncherCommandHasHelpAndStatusWithoutARunSaysSo() {
    for (String command : List.of("plan", "check", "deploy", "run", "status", "stop", "collect")) {
      Outcome o = Outcome.run(command, "--help");
      assertEquals(0, o.code(), command);
      assertTrue(o.out().contains("usage: loadfleet " + command), o.out());
    }
    Outcome o = Outcome.run("status", "--results", tmp.resolve("none").toString());
    assertEquals(ExitCode.USAGE.code(), o.code());
    assertTrue(o.err().contains("no run under"), o.err());
  }

  @Test
  void statusLooksAtTheHostsWithoutWritingRunJson() throws Exception {
    // Both injectors say their run is absent: a refresh would record them failed.
    Path results = tmp.resolve("results");
    Path file =
        RecordedRun.write(
            results,
            HOSTS,
            (i, h) -> {
              try {
                Path bin = Files.createDirectories(HOSTS.get(i).home().resolve("absent/bin"));
                Files.writeString(bin.resolve("injector"), "#!/bin/sh\necho absent\n");
                bin.resolve("injector").toFile().setExecutable(true);
                h.put("bundleDir", bin.getParent().toString());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    byte[] before = Files.readAllBytes(file);
    Object inode = Files.getAttribute(file, "unix:ino");

    Outcome o =
        Outcome.run("status", "--run-id", RecordedRun.RUN_ID, "--results", results.toString());

    assertEquals(ExitCode.OK.code(), o.code(), o.out() + o.err());
    assertTrue(o.out().matches("(?s).*host0\\s+failed\\s+absent.*"), o.out());
    assertEquals(inode, Files.getAttribute(file, "unix:ino"), "run.json was not replaced");
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "nor changed");
  }

  @Test
  void collectRefusesARunJsonWhoseHostNameWouldLeaveTheResultsRoot() throws Exception {
    Path results = tmp.resolve("deep/er/results");
    Path outside = tmp.resolve("x");
    RecordedRun.write(results, HOSTS, (i, h) -> h.put("name", i == 0 ? "../../../../x" : "host1"));

    Outcome o =
        Outcome.run("collect", "--run-id", RecordedRun.RUN_ID, "--results", results.toString());

    assertEquals(ExitCode.ERROR.code(), o.code(), o.out() + o.err());
    assertTrue(
        o.err().contains("run.json is not a run.json this launcher can read")
            && o.err().contains("host name '../../../../x'"),
        o.err());
    assertFalse(Files.exists(outside), "nothing written outside the results root");
    assertFalse(Files.exists(results.resolve(RecordedRun.RUN_ID).resolve("hosts")));
  }

  @Test
  void stopFailsAndNamesTheHostsWhoseInjectorCouldNotBeStopped() throws Exception {
    // host0's injector ends its run when asked; host1's bundle is gone, so asking it fails
    Path bin = Files.createDirectories(HOSTS.get(0).home().resolve("fake-bundle/bin"));
    Files.writeString(
        bin.resolve("injector"),
        "#!/bin/sh\ncase \"$1\" in end) echo ended ;; status) echo 'exited 0' ;; *) echo ended ;;"
            + " esac\n");
    bin.resolve("injector").toFile().setExecutable(true);
    Path results = tmp.resolve("results");
    RecordedRun.write(
        results,
        HOSTS,
        (i, h) ->
            h.put(
                "bundleDir",
                i == 0
                    ? bin.getParent().toString()
                    : HOSTS.get(1).home().resolve("no-bundle").toString()));

    Outcome o =
        Outcome.run(
            "stop",
            "--run-id",
            RecordedRun.RUN_ID,
            "--results",
            results.toString(),
            "--grace",
            "1");

    String transcript = o.out() + "\n--- err ---\n" + o.err();
    assertEquals(ExitCode.ERROR.code(), o.code(), transcript);
    assertTrue(transcript.matches("(?s).*host0\\s+(had )?ended its run by itself.*"), transcript);
    assertTrue(
        o.err().contains("host1") && !o.err().contains("host0"),
        "the failed host, and only it, is named: " + transcript);
    assertTrue(o.err().contains("stop --run-id " + RecordedRun.RUN_ID), transcript);
  }
}
