package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.cli.ExitCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How operators log in, against the bed's real sshds: a passphrase typed once at a real terminal
 * serves three hosts and a reconnect in the middle of a run; a real ssh-agent serves every host
 * with no keyFile at all, and an empty one is refused with what the server offers and what to do.
 * The agent's checks also read every host's clock offset: the hosts on this machine's clock within
 * 5 ms of 0, the skewed one within 5 ms of its skew.
 */
@ExtendWith(TestBed.Extension.class)
class AuthAndClockIT {
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final List<String> PASSPHRASE_HOSTS = List.of("lf-inj1", "lf-inj2", "lf-inj3");

  /** A check row's clock cell: "+5002 ±1". */
  private static final Pattern CLOCK = Pattern.compile(" ([+-]\\d+) ±(\\d+) ");

  private final TestBed bed;

  AuthAndClockIT(TestBed bed) {
    this.bed = bed;
  }

  @Test
  void aPassphraseTypedOnceServesThreeHostsAndAReconnectMidRun() throws Exception {
    Map<String, Integer> weights = new LinkedHashMap<>();
    PASSPHRASE_HOSTS.forEach(h -> weights.put(h, 1));
    FleetRun run = FleetRun.plan(bed, "typed-passphrase", 6, 3, "25s", weights);
    // The bed's key, encrypted: the same public key, so every host takes it.
    Path key = run.workDir().resolve("encrypted_ed25519");
    Files.copy(bed.key(), key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    TestBed.Result encrypt =
        TestBed.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-p",
            "-P",
            "",
            "-N",
            PASSPHRASE,
            "-f",
            key.toString());
    assertEquals(0, encrypt.code(), encrypt.output());
    Files.writeString(
        run.inventory(),
        Files.readString(run.inventory()).replace(bed.key().toString(), key.toString()));

    Terminal check = Terminal.start(bed, run, "check");
    assertEquals(ExitCode.OK.code(), check.waitFor(Duration.ofMinutes(3)), check.output());
    assertEquals(1, check.prompts(), "one prompt for three hosts:\n" + check.output());
    for (String host : PASSPHRASE_HOSTS) {
      assertTrue(row(check.output(), host).endsWith("OK"), host + ":\n" + check.output());
    }
    assertFalse(check.output().contains(PASSPHRASE), "the passphrase was echoed");

    bed.restartTarget();
    String victim = "lf-inj1";
    Terminal launcher = Terminal.start(bed, run, "run", "--start-delay", "20", "--poll", "2");
    run.awaitRunId(launcher.asLauncher(), Duration.ofMinutes(3));
    run.awaitInjection(Duration.ofSeconds(3));
    long loginsBefore = bed.acceptedLogins(victim);
    List<Long> killed = killSshSessions(victim);
    assertFalse(killed.isEmpty(), victim + " had no sshd session of the launcher's to end");
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (bed.acceptedLogins(victim) <= loginsBefore && System.nanoTime() < deadline) {
      LauncherProcess.sleep(500);
    }
    assertTrue(
        bed.acceptedLogins(victim) > loginsBefore,
        "the launcher did not log in to "
            + victim
            + " again after its sessions "
            + killed
            + " ended:\n"
            + launcher.output());
    int code = launcher.waitFor(Duration.ofMinutes(4));
    run.assertCompleted(code, launcher.output());
    assertEquals(1, launcher.prompts(), "asked again during the run:\n" + launcher.output());
    assertEquals(
        "ok", InjectorFaultsIT.summaryHost(run, victim).path("state").asText(), launcher.output());
    assertFalse(launcher.output().contains("Decryption"), launcher.output());
  }

  @Test
  void aRealAgentServesEveryHostWithoutAKeyFileAndItsHostsReadTheirClocks() throws Exception {
    Map<String, Integer> weights = new LinkedHashMap<>(FleetRun.equalWeights());
    weights.put(TestBed.HIDDEN, 1);
    FleetRun run = FleetRun.plan(bed, "agent", 5, 5, "5s", weights);
    // Unreachable from here but through its jump host: no address of this namespace on its
    // subnet, no route through its bridge (a TCP probe would not tell: a machine whose default
    // route ends at a proxy accepting every connection sees anything "listen").
    TestBed.Result route =
        TestBed.run(Duration.ofSeconds(10), "ip", "route", "get", bed.address(TestBed.HIDDEN));
    assertFalse(route.output().contains("lf-br1"), route.output());
    TestBed.Result own =
        TestBed.run(
            Duration.ofSeconds(10), "ip", "-o", "-4", "addr", "show", "to", "10.203.8.0/24");
    assertEquals("", own.output().trim(), "this namespace has an address on lf-inj5's subnet");
    Files.writeString(
        run.inventory(),
        Files.readString(run.inventory()).replace("  keyFile: " + bed.key() + "\n", ""));
    assertFalse(Files.readString(run.inventory()).contains("keyFile"));
    Path socket = run.workDir().resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(run.workDir().resolve("agent.out").toFile())
            .start();
    try {
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Files.exists(socket) && System.nanoTime() < end) {
        LauncherProcess.sleep(100);
      }
      Map<String, String> env = Map.of("SSH_AUTH_SOCK", socket.toString());
      assertEquals(0, agentCommand(env, "ssh-add", bed.key().toString()).code());

      // The clock over several checks: each check measures every host once.
      Map<String, List<Long>> offsets = new LinkedHashMap<>();
      for (int i = 0; i < 3; i++) {
        LauncherProcess check = start(run, env, "check", "--ssh-config", "none");
        assertEquals(
            ExitCode.OK.code(), check.waitFor(Duration.ofMinutes(3)), "check:\n" + check.output());
        for (String host : weights.keySet()) {
          Matcher m = CLOCK.matcher(row(check.output(), host));
          assertTrue(m.find(), host + ": no clock offset in\n" + check.output());
          offsets.computeIfAbsent(host, h -> new ArrayList<>()).add(Long.parseLong(m.group(1)));
        }
      }
      System.out.println("AuthAndClockIT: clockOffsetMs per host over 3 checks: " + offsets);
      offsets.forEach(
          (host, values) -> {
            long expected = host.equals(TestBed.SKEWED_HOST) ? TestBed.SKEW_MS : 0;
            for (long v : values) {
              assertTrue(
                  Math.abs(v - expected) <= 5,
                  host + " read " + values + " ms; its clock is " + expected + " ms off");
            }
          });

      LauncherProcess deploy = start(run, env, "deploy", "--ssh-config", "none");
      assertEquals(ExitCode.OK.code(), deploy.waitFor(Duration.ofMinutes(5)), deploy.output());

      assertEquals(0, agentCommand(env, "ssh-add", "-D").code());
      LauncherProcess empty = start(run, env, "check", "--ssh-config", "none");
      assertEquals(
          ExitCode.CHECK_FAILED.code(), empty.waitFor(Duration.ofMinutes(3)), empty.output());
      String out = empty.output();
      assertTrue(row(out, "lf-inj2").endsWith("FAIL"), out);
      assertTrue(out.contains("no key in the ssh-agent at " + socket), out);
      assertTrue(out.contains("the server offers: publickey"), out);
      assertTrue(out.contains("ssh-add"), "no fix named:\n" + out);
      assertFalse(out.contains("Exception"), out);
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private LauncherProcess start(
      FleetRun run, Map<String, String> env, String command, String... args) {
    String[] withResults = new String[args.length + 2];
    System.arraycopy(args, 0, withResults, 0, args.length);
    withResults[args.length] = "--results";
    withResults[args.length + 1] = run.results().toString();
    return run.start(env, command, withResults);
  }

  private static TestBed.Result agentCommand(Map<String, String> env, String... command) {
    try {
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
      b.environment().putAll(env);
      Process p = b.start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      return new TestBed.Result(String.join(" ", command), p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ends the host's per-connection sshd processes (the launcher's sessions: nothing else logs in
   * meanwhile), by pid, found inside the host's namespace from the root one.
   */
  private List<Long> killSshSessions(String host) {
    TestBed.Result pids = TestBed.run(Duration.ofSeconds(10), "ip", "netns", "pids", host);
    assertEquals(0, pids.code(), pids.output());
    List<Long> killed = new ArrayList<>();
    for (String line : pids.output().split("\\s+")) {
      if (line.isBlank()) {
        continue;
      }
      ProcessHandle.of(Long.parseLong(line.trim()))
          .filter(p -> p.info().user().map(bed.user(host)::equals).orElse(false))
          .filter(p -> p.info().command().map(c -> c.endsWith("/sshd")).orElse(false))
          .ifPresent(
              p -> {
                killed.add(p.pid());
                p.destroyForcibly();
              });
    }
    return killed;
  }

  private static String row(String table, String host) {
    return CheckPredictsDeployIT.row(table, host);
  }

  /**
   * bin/loadfleet on a real pseudo-terminal (python3's pty), the passphrase typed at each of its
   * prompts; no LOADFLEET_KEY_PASSPHRASE and no agent in its environment.
   */
  private static final class Terminal {
    private final LauncherProcess process;

    private Terminal(LauncherProcess process) {
      this.process = process;
    }

    static Terminal start(TestBed bed, FleetRun run, String command, String... args) {
      List<String> all = new ArrayList<>();
      all.add(
          bed.repo().resolve("src/test/resources/dev/loadfleet/e2e/type_at_prompt.py").toString());
      all.addAll(
          List.of(
              "/usr/bin/env",
              "-u",
              "LOADFLEET_KEY_PASSPHRASE",
              "-u",
              "SSH_AUTH_SOCK",
              bed.launcher().toString(),
              command,
              "-i",
              run.inventory().toString(),
              "--results",
              run.results().toString()));
      all.addAll(List.of(args));
      return new Terminal(
          LauncherProcess.start(
              Path.of("/usr/bin/python3"),
              run.workDir(),
              Map.of("LF_TYPE", PASSPHRASE),
              all.toArray(String[]::new)));
    }

    LauncherProcess asLauncher() {
      return process;
    }

    int waitFor(Duration timeout) {
      return process.waitFor(timeout);
    }

    /** What the terminal showed. */
    String output() {
      return process.output();
    }

    int prompts() {
      Matcher m = Pattern.compile("Passphrase for |Wrong passphrase").matcher(output());
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    }
  }
}
