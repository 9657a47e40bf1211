package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundle's bin/injector on a host, driven by {@link Injector} over SSH, with {@link
 * StandInGatling} in Gatling's place, pinning what the script owns: detaching, the pid file,
 * progress.json passing through, exit codes, and stopping the whole process group. Real Gatling
 * runs through it in the launcher's integration test.
 */
class InjectorScriptTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(1);

  private static Path bundle;

  @BeforeAll
  static void installScriptAndStandIn() throws Exception {
    bundle = StandInGatling.install(HOSTS.get(0));
  }

  private static HostRun hostRun(String runId) {
    return StandInGatling.planned(HOSTS.get(0), bundle, runId, 3);
  }

  private static RemoteHost connect() throws Exception {
    return RemoteHost.connect(HOSTS.get(0).spec(), SshOptions.of(HOSTS.knownHosts(), false));
  }

  @Test
  void startedInjectorSurvivesTheConnectionAndStopKillsItsWholeGroup() throws Exception {
    HostRun h = hostRun("survive");
    long pgid;
    try (RemoteHost remote = connect()) {
      pgid = Injector.start(remote, h, "x.Sim", Map.of("users", "3", "weird", "a b'c"));
      assertTrue(pgid > 1);
    }
    // a new connection, as after a dropped link or a fresh launcher
    try (RemoteHost remote = connect()) {
      Injector.Poll poll = waitForProgress(remote, h);
      assertEquals("running", poll.status().text());
      assertEquals(2, poll.progress().orElseThrow().usersActive());
      String console = Files.readString(Path.of(h.paths().runDir(), "console.log"));
      assertTrue(
          console.contains("-Dweird=a b'c") && console.contains("--simulation x.Sim"), console);

      assertEquals("stopped", Injector.stop(remote, h, 5));
      assertEquals("stopped", Injector.poll(remote, h).status().text());
      assertFalse(
          remote.exec("kill -0 -- -" + pgid, Duration.ofSeconds(5)).ok(),
          "no process of the group is left");
      assertTrue(
          Files.isSymbolicLink(Path.of(h.paths().runDir(), "simulation.log")),
          "simulation.log linked into the run dir");
    }
  }

  @Test
  void hostileKnobValuesReachTheJvmAsWrittenAndSecretsOnlyThroughAnOwnerOnlyFile()
      throws Exception {
    HostRun h = hostRun("secrets");
    Path home = HOSTS.get(0).home();
    Path pwned = home.resolve("pwned");
    // Every character a shell acts on, the auth header's space and Gatling's EL.
    String hostile =
        "a'b\"c; touch "
            + pwned
            + " $(touch "
            + pwned
            + ") `touch "
            + pwned
            + "` | & < > * ? ! ~ #"
            + " \\ ${HOME} #{examId} é";
    String secret = "Authorization: Bearer s3cr3t-" + System.nanoTime();
    Path secretsFile = Path.of(h.paths().runDir(), "secrets.json");
    try (RemoteHost remote = connect()) {
      long pgid =
          Injector.start(
              remote,
              h,
              "x.Sim",
              Map.of("uploadPath", "/exams/#{examId}/upload", "hostile", hostile),
              Map.of("authHeader", secret));
      Injector.Poll poll = waitForProgress(remote, h);
      assertEquals("running", poll.status().text());
      String console = Files.readString(Path.of(h.paths().runDir(), "console.log"));
      assertTrue(console.contains(" -Dhostile=" + hostile + " "), console);
      assertTrue(console.contains(" -DuploadPath=/exams/#{examId}/upload "), console);
      assertTrue(console.contains(" -DsecretsFile=" + secretsFile + " "), console);
      assertFalse(Files.exists(pwned), "no part of a value ran as a command");

      // While the JVM runs: the secret is in its file, readable by its owner only, and on no
      // command line of the run's process group.
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretsFile)));
      assertEquals(
          secret,
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(secretsFile.toFile())
              .path("authHeader")
              .asText());
      String cmdlines =
          remote.execOk(
              "for p in $(pgrep -g " + pgid + "); do tr '\\0' ' ' < /proc/$p/cmdline; echo; done",
              Duration.ofSeconds(10),
              "reading the command lines");
      assertTrue(cmdlines.contains("-DsecretsFile="), cmdlines);
      assertFalse(cmdlines.contains("s3cr3t"), cmdlines);

      assertEquals("stopped", Injector.stop(remote, h, 5));
      assertFalse(Files.exists(secretsFile), "the secrets file is removed when the run ends");
      try (var files = Files.walk(Path.of(h.paths().runDir()))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertFalse(Files.readString(f).contains("s3cr3t"), f + " holds the secret");
        }
      }
    }
  }

  @Test
  void exitCodeIsRecordedAndARunIdIsUsedOnce() throws Exception {
    HostRun h = hostRun("exits");
    try (RemoteHost remote = connect()) {
      Injector.start(remote, h, "x.Sim", Map.of("seconds", "0", "exit", "7"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      String status;
      do {
        Thread.sleep(200);
        status = Injector.poll(remote, h).status().text();
      } while (status.equals("running") && System.nanoTime() < deadline);
      assertEquals("exited 7", status);
      var again =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.io.IOException.class, () -> Injector.start(remote, h, "x.Sim", Map.of()));
      assertTrue(again.getMessage().contains("a run id is used once"), again.getMessage());
      Injector.stop(remote, h, 1); // the stand-in's straggler child
      assertEquals(
          "exited 7", Injector.poll(remote, h).status().text(), "Gatling's exit stays the verdict");
    }
  }

  @Test
  void javaOptionsReachTheJvmAsWrittenNeverGlobbed() throws Exception {
    HostRun h = hostRun("globs");
    Path home = HOSTS.get(0).home();
    // Files the options would expand to, were they globbed in the script's folder.
    Files.writeString(home.resolve("-Xlog:gc.txt"), "");
    Files.writeString(home.resolve("-Dq=axb"), "");
    try (RemoteHost remote = connect()) {
      remote.execOk(
          "cd "
              + Shell.quote(home.toString())
              + " && INJECTOR_JAVA_OPTS='-Xlog:gc* -Dq=a?b' "
              + Shell.command(
                  h.paths().bundleDir() + "/bin/injector",
                  "start",
                  h.paths().runDir(),
                  "x.Sim",
                  "-Dseconds=0"),
          Duration.ofSeconds(20),
          "starting the injector");
      waitUntilNotRunning(remote, h);
      String console = Files.readString(Path.of(h.paths().runDir(), "console.log"));
      assertTrue(console.contains(" -Xlog:gc* -Dq=a?b "), console);
      Injector.stop(remote, h, 1);
    }
  }

  @Test
  void stopLeavesAProcessGroupThatIsNoLongerTheRunsAlone() throws Exception {
    // The run's processes are long gone and the kernel gave their group id to another process
    // group: a stranger's, which neither status nor stop may take for the run.
    HostRun h = hostRun("reused");
    Process stranger = new ProcessBuilder("setsid", "sleep", "300").start();
    try {
      Path runDir = Files.createDirectories(Path.of(h.paths().runDir()));
      Files.writeString(runDir.resolve("pid"), stranger.pid() + "\n");
      try (RemoteHost remote = connect()) {
        assertEquals("died", Injector.poll(remote, h).status().text());
        assertEquals("not running", Injector.stop(remote, h, 1));
      }
      assertTrue(stranger.isAlive(), "the stranger's process group was not signalled");
    } finally {
      stranger.destroyForcibly();
    }
  }

  private static void waitUntilNotRunning(RemoteHost remote, HostRun h) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (Injector.poll(remote, h).running() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  private static Injector.Poll waitForProgress(RemoteHost remote, HostRun h) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Injector.Poll p = Injector.poll(remote, h);
      if (p.progress().isPresent() || System.nanoTime() > deadline) {
        return p;
      }
      Thread.sleep(200);
    }
  }

  @Test
  void startPollAndStopFindTheirAnswersAmongTheLoginShellsOwnLines() throws Exception {
    HostRun h = hostRun("chatty");
    HOSTS.get(0).chattyLoginShell(true);
    try (RemoteHost remote = connect()) {
      long pgid = Injector.start(remote, h, "x.Sim", Map.of());
      assertTrue(pgid > 1);
      Injector.Poll poll = waitForProgress(remote, h);
      assertEquals(Injector.Status.Kind.RUNNING, poll.status().kind());
      assertTrue(poll.jvmPid().isPresent(), "the JVM's pid, not a greeting");
      assertEquals(2, poll.progress().orElseThrow().usersActive());
      assertEquals("stopped", Injector.stop(remote, h, 5));
    } finally {
      HOSTS.get(0).chattyLoginShell(false);
    }
  }

  @Test
  void statusLinesAreReadWithoutTrustingThem() {
    assertEquals(Injector.Status.Kind.RUNNING, Injector.Status.parse("running").kind());
    Injector.Status exited = Injector.Status.parse("exited 200");
    assertEquals(Injector.Status.Kind.EXITED, exited.kind());
    assertEquals(200, exited.exitCode().getAsInt());
    for (String garbage : new String[] {"exited garbage", "exited ", "exited 99999999999", ""}) {
      Injector.Status s = Injector.Status.parse(garbage);
      assertEquals(Injector.Status.Kind.UNREADABLE, s.kind(), garbage);
      assertTrue(s.exitCode().isEmpty(), garbage);
    }
  }
}
