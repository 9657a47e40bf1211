package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workload knobs as a real service needs them, through the launcher onto the bed's sshds: an {@code
 * authHeader} with spaces whose token comes from the launcher's environment ({@code ${env:NAME}}),
 * and an {@code uploadPath}/{@code heartbeatPath} holding Gatling EL. The stand-in requires the
 * header (it knows only its SHA-256) and the exam-scoped paths, so a run without KO proves both
 * arrived; the token's bytes must then be nowhere: not in any file the run leaves on this machine
 * (results, the launcher's console, logs) or on the hosts, and not in any process's command line or
 * environment on the hosts while the injectors run.
 */
@ExtendWith(TestBed.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsIT {
  /**
   * No SFTP, a zsh whose login files talk, and a host reached through its jump host: the secrets'
   * stdin must pass all three.
   */
  private static final List<String> HOSTS = List.of("lf-inj2", "lf-inj3", TestBed.HIDDEN);

  private static final String TOKEN_ENV = "LF_E2E_EXAM_TOKEN";

  private final TestBed bed;
  private final String token = randomToken();
  private FleetRun run;
  private int exitCode;
  private String output;
  private JsonNode targetStats;
  private final Map<String, String> processesDuringRun = new LinkedHashMap<>();
  private final Map<String, String> secretsFileDuringRun = new LinkedHashMap<>();

  SecretsIT(TestBed bed) {
    this.bed = bed;
  }

  private static String randomToken() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder s = new StringBuilder("lfE2E");
    for (int i = 0; i < 40; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  @BeforeAll
  void runOnce() throws Exception {
    String header = "Bearer " + token;
    bed.restartTarget(
        "--auth-sha256",
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(header.getBytes(StandardCharsets.UTF_8))));
    Map<String, Integer> weights = new LinkedHashMap<>();
    HOSTS.forEach(h -> weights.put(h, 1));
    run =
        FleetRun.plan(
            bed,
            "secrets",
            8,
            4,
            "15s",
            weights,
            Map.of(
                "authHeader", "\"Authorization: Bearer ${env:" + TOKEN_ENV + "}\"",
                "uploadPath", "\"/exams/#{examId}/upload\"",
                "heartbeatPath", "\"/exams/#{examId}/heartbeat\""));
    LauncherProcess launcher =
        run.start(Map.of(TOKEN_ENV, token), "run", "--start-delay", "20", "--poll", "2");
    run.awaitRunId(launcher, Duration.ofMinutes(2));
    run.awaitInjection(Duration.ofSeconds(4));
    for (String host : HOSTS) {
      // Every process of the host's user, read from /proc over the bed's ssh while it runs.
      processesDuringRun.put(
          host,
          bed.ssh(
                  host,
                  "for p in /proc/[0-9]*; do [ -O \"$p\" ] || continue;"
                      + " printf 'pid %s cmdline: ' \"${p#/proc/}\";"
                      + " tr '\\0' ' ' < \"$p/cmdline\" 2>/dev/null; printf '\\n  environ: ';"
                      + " tr '\\0' ' ' < \"$p/environ\" 2>/dev/null; echo; done")
              .output());
      secretsFileDuringRun.put(
          host, bed.ssh(host, "stat -c '%a %U' loadfleet/runs/*/secrets.json").output().trim());
    }
    exitCode = launcher.waitFor(Duration.ofMinutes(4));
    output = launcher.output();
    targetStats = bed.targetStats();
  }

  @AfterAll
  void leaveNothingRunning() {
    bed.killLeftoversAndRestartTarget();
  }

  @Test
  void theRunSucceedsWithTheHeaderAndTheElPathsAtTheService() {
    run.assertCompleted(exitCode, output);
    JsonNode global = run.summary().path("global");
    assertTrue(global.path("requests").asLong() > 0, "no request: " + global);
    assertEquals(0, global.path("ko").asLong(), "KO requests: the service refused some\n" + output);
    assertEquals(HOSTS.size(), run.summary().path("inputs").size(), output);
    assertTrue(
        targetStats.path("uploadsStored").asLong() > 0, "nothing stored; /stats " + targetStats);
    assertTrue(targetStats.path("heartbeats").asLong() > 0, "no heartbeat; /stats " + targetStats);
    // A request without the header, or with the EL left unresolved, is refused or not found.
    assertEquals(0, targetStats.path("uploadsRejected").asLong(), "/stats " + targetStats);
    assertEquals(0, targetStats.path("heartbeatsRejected").asLong(), "/stats " + targetStats);
  }

  @Test
  void theInjectorsGetTheSecretThroughAnOwnerOnlyFileNotTheirCommandLine() {
    for (String host : HOSTS) {
      String procs = processesDuringRun.get(host);
      assertTrue(
          procs.contains("-DsecretsFile="),
          host + ": no injector JVM with -DsecretsFile was running:\n" + procs);
      assertTrue(
          procs.contains("-DuploadPath=/exams/#{examId}/upload "),
          host + ": the EL path did not reach the JVM as one argument:\n" + procs);
      assertFalse(
          procs.contains(token),
          host + ": the token is in a process's command line or environment:\n" + procs);
      assertEquals(
          "600 " + bed.user(host),
          secretsFileDuringRun.get(host),
          host + ": runs/<run>/secrets.json while Gatling runs");
    }
  }

  @Test
  void theTokenIsInNoFileTheRunLeftHereOrOnTheHosts() throws IOException {
    byte[] needle = token.getBytes(StandardCharsets.UTF_8);
    List<Path> holding = new ArrayList<>();
    // The work dir: results/<run> (run.json, launcher.log, hosts/, report/), the launcher's
    // console output, the inventory (which names only ${env:...}).
    try (Stream<Path> files = Files.walk(run.workDir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          holding.add(f);
        }
      }
    }
    assertTrue(holding.isEmpty(), "the token is in " + holding);
    assertFalse(output.contains(token), "the console shows the token");
    assertTrue(
        Files.isRegularFile(run.runDir().resolve("launcher.log")), "no launcher.log was kept");
    for (String host : HOSTS) {
      // grep takes the token on stdin (-f -), so it is on no command line there either.
      Result found =
          sshWithInput(
              host,
              "grep -rlF -f - -- \"$HOME\" /tmp 2>/dev/null; echo \"grep exit $?\"",
              token + "\n");
      assertEquals(0, found.code(), host + ": " + found.output());
      assertTrue(
          found.output().matches("grep exit [12]\\s*"),
          host
              + ": files holding the token after the run (home, baseDir, /tmp): "
              + found.output());
      TestBed.Result left = bed.ssh(host, "ls loadfleet/runs/*/secrets.json 2>&1 || true");
      assertTrue(left.output().contains("No such file"), host + ": " + left.output());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private record Result(int code, String output) {}

  /** deploy/testbed/ssh.sh with {@code input} on the remote command's standard input. */
  private Result sshWithInput(String host, String command, String input) {
    try {
      Path out = Files.createTempFile("loadfleet-e2e", ".out");
      try {
        Process p =
            new ProcessBuilder(
                    bed.repo().resolve("deploy/testbed/ssh.sh").toString(), host, command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
          return new Result(-1, Files.readString(out) + "\n(killed after 60 s)");
        }
        return new Result(p.exitValue(), Files.readString(out));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
