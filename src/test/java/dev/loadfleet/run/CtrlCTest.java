package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.SshHosts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SIGINT to a real launcher process (`loadfleet run` in its own JVM) in the middle of a run:
 * every remote injector is stopped, the logs come home, run.json says interrupted, exit 130.
 */
class CtrlCTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  @Test
  void sigintStopsEveryInjectorCollectsAndExits130() throws Exception {
    for (SshHosts.Host h : HOSTS.all()) {
      StandInGatling.install(h);
    }
    Path archive = TestBundles.withRealInjector(tmp);
    StringBuilder y = new StringBuilder("users: 4\nrampRate: 4\nworkload:\n  seconds: '600'\n");
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
    Path inventory = Files.writeString(tmp.resolve("cluster.yaml"), y.toString());
    Path results = tmp.resolve("results");
    Path log = tmp.resolve("launcher.log");
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.loadfleet.cli.Main",
                "run",
                "-i",
                inventory.toString(),
                "--bundle",
                archive.toString(),
                "--results",
                results.toString(),
                "--start-delay",
                "1",
                "--poll",
                "1")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(log).contains("running") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Thread.sleep(2000);
      assertTrue(launcher.isAlive(), Files.readString(log));
      long signalled = System.nanoTime();
      assertEquals(
          0, new ProcessBuilder("kill", "-INT", String.valueOf(launcher.pid())).start().waitFor());
      assertTrue(
          launcher.waitFor(60, TimeUnit.SECONDS),
          "launcher ended after SIGINT: " + Files.readString(log));
      String transcript = Files.readString(log);
      assertEquals(130, launcher.exitValue(), transcript);
      assertTrue(transcript.contains("interrupted: stopping every injector"), transcript);

      String runId = RunRecord.latest(results).orElseThrow();
      RunRecord run = RunRecord.read(results, runId);
      for (HostRun h : run.hosts()) {
        assertEquals(HostState.STOPPED, h.state(), transcript);
        String runDir = h.paths().runDir();
        assertTrue(Files.exists(Path.of(runDir, "stopped")), "stopped by the launcher: " + runDir);
        assertTrue(
            Files.exists(
                results.resolve(runId).resolve("hosts").resolve(h.name()).resolve("console.log")));
      }
      // the stand-in JVM and its child are gone: nothing of either group is left
      for (HostRun h : run.hosts()) {
        long pgid = h.pid().orElseThrow();
        Process alive = new ProcessBuilder("kill", "-0", "--", "-" + pgid).start();
        assertTrue(alive.waitFor() != 0, "process group " + pgid + " still alive");
      }
      System.out.println(
          "CtrlCTest: SIGINT to exit in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)
              + " ms");
    } finally {
      launcher.destroyForcibly(); // the stand-ins left by a failed assertion go with SshHosts
    }
  }
}
