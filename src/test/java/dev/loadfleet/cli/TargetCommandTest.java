package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertTrue(err.toString().contains("--port '70000'"), err.toString());
    assertEquals(ExitCode.USAGE.code(), run("target", "--error-rate", "2"));
    assertEquals(ExitCode.USAGE.code(), run("target", "--max-body", "lots"));
    assertEquals(ExitCode.USAGE.code(), run("target", "--duration", "0"));
    assertTrue(err.toString().contains("--duration"), err.toString());
  }
}
