package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.service.ServiceOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetCommandTest {
  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.standard().run(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void boundedRunPrintsItsBaseUrlFirstAndItsStatsAtTheEnd() {
    Path data = tmp.resolve("data");
    int code = run("target", "--port", "0", "--data-dir", data.toString(), "--duration", "500ms");
    assertEquals(ExitCode.OK.code(), code, err.toString());
    String[] lines = out.toString().split("\\R");
    assertTrue(lines[0].matches("http://127\\.0\\.0\\.1:\\d+"), lines[0]);
    assertTrue(out.toString().contains("\"uploadsStored\":0"), out.toString());
    assertTrue(Files.isDirectory(data));
  }

  @Test
  void badValuesAreUsageErrorsNamingTheOption() {
    assertEquals(ExitCode.USAGE.code(), run("target", "--port", "70000"));
    assertTrue(
        err.toString().contains("--port must be a TCP port number from 0 to 65535, not '70000'"),
        err.toString());
    assertEquals(ExitCode.USAGE.code(), run("target", "--error-rate", "2"));
    assertEquals(ExitCode.USAGE.code(), run("target", "--max-body", "lots"));
    assertEquals(ExitCode.USAGE.code(), run("target", "--duration", "0"));
    assertTrue(err.toString().contains("--duration"), err.toString());
    assertEquals(ExitCode.USAGE.code(), run("target", "--header-timeout", "0"));
    assertTrue(err.toString().contains("--header-timeout"), err.toString());
  }

  @Test
  void numbersThatAreNotNumbersAreNamedWithoutJavaText() {
    assertEquals(ExitCode.USAGE.code(), run("target", "--port", "http"));
    assertEquals(ExitCode.USAGE.code(), run("target", "--latency", "5ms"));
    assertEquals(ExitCode.USAGE.code(), run("target", "--error-rate", "ten"));
    String said = err.toString();
    assertTrue(said.contains("--port must be a TCP port number from 0 to 65535, not 'http'"), said);
    assertTrue(said.contains("--latency") && said.contains("--error-rate"), said);
    assertTrue(!said.contains("For input string"), said);
  }

  @Test
  void timeoutOptionsReachTheService() throws Exception {
    CommandLine line =
        new DefaultParser()
            .parse(
                new TargetCommand().options(),
                new String[] {
                  "--idle-timeout", "7s", "--header-timeout", "3s", "--keep-alive-timeout", "90s"
                });
    assertEquals(
        new ServiceOptions.Timeouts(
            Duration.ofSeconds(7), Duration.ofSeconds(3), Duration.ofSeconds(90)),
        TargetCommand.parse(line).timeouts());
    CommandLine none = new DefaultParser().parse(new TargetCommand().options(), new String[0]);
    assertEquals(ServiceOptions.Timeouts.DEFAULTS, TargetCommand.parse(none).timeouts());
  }
}
