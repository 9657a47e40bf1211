package dev.loadfleet.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count script as a real {@code sh} runs it (what the service host's login shell runs after the
 * SSH exec), and how its output becomes a number or one sentence.
 */
class ServiceCounterTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(1);
  @TempDir Path tmp;

  @Test
  void theCountIsAskedOverSshWithTheInjectorsRules() throws Exception {
    SshHosts.Host service = HOSTS.get(0);
    Path recordings = Files.createDirectories(service.home().resolve("data/30/recordings"));
    for (int i = 0; i < 4; i++) {
      Files.writeString(recordings.resolve("r" + i), "x");
    }
    String command = "find data/30/recordings -type f | wc -l";

    ServiceCounter.Count c =
        ServiceCounter.count(
                new ServiceHost(service.spec(), Optional.of(command)),
                SshOptions.of(HOSTS.knownHosts(), false))
            .orElseThrow();

    assertEquals(OptionalLong.of(4), c.stored(), c.problem());
    assertEquals(service.name(), c.host());
    assertEquals(command, c.command());
    assertTrue(
        ServiceCounter.count(
                new ServiceHost(service.spec(), Optional.empty()),
                SshOptions.of(HOSTS.knownHosts(), false))
            .isEmpty(),
        "no count command: nothing asked");
  }

  @Test
  void anUnreachableServiceHostIsNoCountAndOneSentence() throws Exception {
    HostSpec live = HOSTS.get(0).spec();
    int closed;
    try (var s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    HostSpec gone =
        new HostSpec(
            live.name(),
            live.address(),
            closed,
            live.user(),
            live.keyFile(),
            live.jump(),
            live.baseDir(),
            live.weight(),
            live.maxUsers(),
            live.nicBitsPerSecond(),
            live.netInterface());

    ServiceCounter.Count c =
        ServiceCounter.count(
                new ServiceHost(gone, Optional.of("echo 1")),
                SshOptions.of(HOSTS.knownHosts(), false))
            .orElseThrow();

    assertTrue(c.stored().isEmpty());
    assertTrue(c.problem().startsWith("cannot reach the service host " + live.name()), c.problem());
  }

  @Test
  void theOperatorsFindLineCountsTheStoredRecordings() throws Exception {
    Path recordings = Files.createDirectories(tmp.resolve("data/30/recordings/a"));
    for (int i = 0; i < 3; i++) {
      Files.writeString(recordings.resolve("r" + i + ".webm"), "x");
    }
    Files.writeString(tmp.resolve("data/other.txt"), "not a recording");

    ServiceCounter.Count c =
        run("find '" + tmp.resolve("data/30/recordings") + "' -type f | wc -l", "");

    assertEquals(OptionalLong.of(3), c.stored(), c.problem());
    assertEquals("", c.problem());
    assertEquals("lf-target", c.host());
  }

  @Test
  void quotesInTheCommandSurviveAndLoginNoiseIsIgnored() throws Exception {
    ServiceCounter.Count c =
        run("printf '%s\\n' \"$((40 + 2))\"", "Welcome to the service host\nmotd line\n");

    assertEquals(OptionalLong.of(42), c.stored(), c.problem());
  }

  @Test
  void aFailingCommandIsOneSentenceWithItsStatusAndStderr() throws Exception {
    ServiceCounter.Count c = run("echo 'no such directory' >&2; exit 3", "");

    assertTrue(c.stored().isEmpty());
    assertEquals(
        "the count command exited 3 on lf-target (no such directory); fix countCommand in the"
            + " inventory's service section",
        c.problem());
  }

  @Test
  void textThatIsNotOneWholeNumberIsNamed() throws Exception {
    ServiceCounter.Count words = run("echo '12 recordings'", "");
    ServiceCounter.Count twoLines = run("echo 1; echo 2", "");

    assertTrue(words.stored().isEmpty());
    assertTrue(
        words.problem().contains("printed '12 recordings' on lf-target, not one whole number"),
        words.problem());
    assertTrue(twoLines.stored().isEmpty());
    assertTrue(twoLines.problem().contains("printed '1 | 2'"), twoLines.problem());
    assertFalse(words.problem().contains("For input string"), words.problem());
  }

  @Test
  void outputCutShortBeforeTheEndMarkerIsNoCount() {
    ExecResult cut =
        new ExecResult(Optional.empty(), Optional.of("KILL"), "@@loadfleet count\n17\n", "killed");

    ServiceCounter.Count c = ServiceCounter.read("lf-target", "find ...", cut);

    assertTrue(c.stored().isEmpty(), "17 came before the output was cut: not trusted");
    assertTrue(c.problem().contains("was cut short"), c.problem());
    assertTrue(c.problem().contains("signal KILL"), c.problem());
  }

  /** Runs the count script with a local {@code sh}, {@code noise} standing for the login's own. */
  private ServiceCounter.Count run(String command, String noise)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("sh", "-c", ServiceCounter.script(command))
            .directory(tmp.toFile())
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the script ends");
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    ExecResult r =
        new ExecResult(Optional.of(p.exitValue()), Optional.empty(), noise + stdout, stderr);
    return ServiceCounter.read("lf-target", command, r);
  }
}
