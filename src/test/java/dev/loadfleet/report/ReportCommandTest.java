package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.cli.ExitCode;
import dev.loadfleet.cli.Main;
import dev.loadfleet.merge.fixtures.FixtureRuns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadfleet report} end to end, through the real command line, on real run folders. */
class ReportCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.standard().run(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void namedInputsFoldersAndOffsetsMakeOneReport() throws Exception {
    Path a = FixtureRuns.run(FixtureRuns.A);
    Path resultsOfB = FixtureRuns.run(FixtureRuns.B).getParent(); // a folder of run folders
    Path report = tmp.resolve("report");
    int code =
        run(
            "report",
            "injector-1=" + a,
            resultsOfB.toString(),
            "--offset",
            "injector-1=250",
            "--out",
            report.toString());
    assertEquals(ExitCode.OK.code(), code, err.toString());
    assertTrue(
        out.toString().contains("Report:    " + report.toAbsolutePath().resolve("index.html")),
        out.toString());
    assertTrue(out.toString().contains("hosts.html"), out.toString());
    JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
    assertEquals("injector-1", summary.get("inputs").get(0).get("name").asText());
    assertEquals(250, summary.get("inputs").get(0).get("clockOffsetMs").asLong());
    assertEquals(
        FixtureRuns.run(FixtureRuns.B).getFileName().toString(),
        summary.get("inputs").get(1).get("name").asText());
  }

  @Test
  void killedInjectorsTruncatedLogIsReportedWithAWarning() throws Exception {
    Path killed = Files.createDirectories(tmp.resolve("killed"));
    Path log = Files.copy(FixtureRuns.log(FixtureRuns.A), killed.resolve("simulation.log"));
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 5);
    }
    int code =
        run(
            "report",
            killed.toString(),
            FixtureRuns.run(FixtureRuns.B).toString(),
            "--out",
            tmp.resolve("r").toString());
    assertEquals(ExitCode.OK.code(), code, err.toString());
    assertTrue(
        err.toString().contains("warning: killed (" + log + ") ends inside a record"),
        err.toString());
    JsonNode summary = new ObjectMapper().readTree(tmp.resolve("r/summary.json").toFile());
    assertTrue(summary.get("inputs").get(0).get("truncated").asBoolean());
    assertEquals(1, summary.get("warnings").size());
  }

  @Test
  void failedAssertionExitsWithItsOwnCode() {
    Path failing = FixtureRuns.run(FixtureRuns.FAILING);
    int code =
        run(
            "report",
            failing.resolve("simulation.log").toString(),
            "--out",
            tmp.resolve("r").toString());
    assertEquals(ExitCode.ASSERTIONS_FAILED.code(), code, err.toString());
  }

  @Test
  void folderWithoutLogIsAUsageError() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    int code = run("report", empty.toString(), "--out", tmp.resolve("r").toString());
    assertEquals(ExitCode.USAGE.code(), code);
    assertTrue(
        err.toString().contains("folder " + empty + " holds no simulation.log"), err.toString());
  }

  @Test
  void garbageFileIsAnErrorNamingIt() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.log"), "hello, not a log");
    int code = run("report", junk.toString(), "--out", tmp.resolve("r").toString());
    assertEquals(ExitCode.ERROR.code(), code);
    assertTrue(err.toString().contains(junk + " is not a Gatling simulation.log"), err.toString());
    assertEquals("hello, not a log", Files.readString(junk));
  }

  @Test
  void offsetForAnUnknownInputIsAUsageError() {
    Path a = FixtureRuns.run(FixtureRuns.A);
    int code =
        run("report", a.toString(), "--offset", "nobody=5", "--out", tmp.resolve("r").toString());
    assertEquals(ExitCode.USAGE.code(), code);
    assertTrue(err.toString().contains("--offset names [nobody]"), err.toString());
  }
}
