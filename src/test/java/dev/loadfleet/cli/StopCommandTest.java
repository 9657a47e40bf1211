package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.remote.SshHosts;
import dev.loadfleet.run.RecordedRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StopCommandTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  @Test
  void aHostThatFailsToStopMakesStopFailAndIsNamed() throws Exception {
    // host0's injector stops; host1's bundle is gone, so its stop command fails
    Path bin = Files.createDirectories(HOSTS.get(0).home().resolve("fake-bundle/bin"));
    Files.writeString(bin.resolve("injector"), "#!/bin/sh\necho stopped\n");
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

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.standard()
            .run(
                new PrintWriter(out),
                new PrintWriter(err),
                "stop",
                "--run-id",
                RecordedRun.RUN_ID,
                "--results",
                results.toString());

    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(ExitCode.ERROR.code(), code, transcript);
    assertTrue(transcript.matches("(?s).*host0\\s+stopped.*"), transcript);
    assertTrue(
        err.toString().contains("host1") && !err.toString().contains("host0"),
        "the failed host, and only it, is named: " + transcript);
    assertTrue(err.toString().contains("stop --run-id " + RecordedRun.RUN_ID), transcript);
  }
}
