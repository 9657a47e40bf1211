package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    // --offset adds 250 ms to the host's times: its clock runs 250 ms behind the reference.
    assertEquals(-250, summary.get("inputs").get(0).get("clockOffsetMs").asLong());
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
  void folderWithoutLogIsBadInputInOneSentence() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertInputRefused("folder " + empty + " holds no simulation.log", empty.toString());
  }

  @Test
  void missingPathIsBadInputInOneSentence() {
    Path missing = tmp.resolve("nowhere/simulation.log");
    assertInputRefused(missing + " does not exist", missing.toString());
  }

  @Test
  void aFailedReportLeavesNoFolderBehind() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.log"), "hello, not a log");
    Path out = tmp.resolve("results/report-20260101-000000");
    assertEquals(ExitCode.ERROR.code(), run("report", junk.toString(), "--out", out.toString()));
    assertFalse(Files.exists(out.getParent()), "no empty report folder (nor results/) left");
  }

  @Test
  void theSameLogUnderTwoNamesIsRefused() {
    Path log = FixtureRuns.log(FixtureRuns.A);
    assertInputRefused(
        "inputs a (" + log + ") and b (" + log + ") are the same log", "a=" + log, "b=" + log);
  }

  @Test
  void aFolderReportedIntoItselfIsNotCountedTwiceTheNextTime() throws Exception {
    Path runs = tmp.resolve("runs");
    for (String label : new String[] {FixtureRuns.A, FixtureRuns.B}) {
      Files.createDirectories(runs.resolve(label));
      Files.copy(FixtureRuns.log(label), runs.resolve(label).resolve("simulation.log"));
    }
    Path merged = runs.resolve("merged");
    assertEquals(
        ExitCode.OK.code(), run("report", runs.toString(), "--out", merged.toString()), err());
    assertEquals("", err.toString());
    long requests = requests(merged);

    Path again = tmp.resolve("again");
    assertEquals(
        ExitCode.OK.code(), run("report", runs.toString(), "--out", again.toString()), err());
    assertTrue(
        err.toString()
            .startsWith(
                "warning: skipping "
                    + merged.resolve("simulation.log")
                    + ": loadfleet merged it from other logs"),
        err());
    assertEquals(requests, requests(again), "the earlier merged log is not merged again");
    assertEquals(2, summary(again).get("inputs").size());
  }

  @Test
  void offsetsBeyondADayAreRefused() {
    Path a = FixtureRuns.run(FixtureRuns.A);
    Path b = FixtureRuns.run(FixtureRuns.B);
    assertInputRefused(
        "input b has a clock offset of 9223372036854775807 ms",
        "a=" + a,
        "b=" + b,
        "--offset",
        "b=9223372036854775807");
  }

  @Test
  void aPipeAsInputIsRefusedAtOnce() throws Exception {
    Path fifo = tmp.resolve("simulation.log");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    int code =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> run("report", fifo.toString(), "--out", tmp.resolve("r").toString()));
    assertEquals(ExitCode.ERROR.code(), code);
    assertOneSentence(fifo + " is not a regular file");
  }

  @Test
  void outPointingAtAnInputIsRefused() throws Exception {
    Path log = Files.copy(FixtureRuns.log(FixtureRuns.A), tmp.resolve("simulation.log"));
    assertRefused(
        "the report folder " + log + " is one of the input logs",
        "report",
        log.toString(),
        "--out",
        log.toString());
    assertEquals(Files.size(FixtureRuns.log(FixtureRuns.A)), Files.size(log));
  }

  @Test
  void anUnreadableInputIsNamedWithTheFix() throws Exception {
    Path unreadable = unreadableFile();
    assertInputRefused(
        unreadable + " cannot be read (permission denied); make it readable",
        unreadable.toString());
  }

  @Test
  void anUnwritableOutIsNamedWithTheFix() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path out = file.resolve("report");
    String a = FixtureRuns.run(FixtureRuns.A).toString();
    assertRefused(
        "cannot write the report folder " + out + " (" + file + " is a file); choose a folder",
        "report",
        a,
        "--out",
        out.toString());
    err.getBuffer().setLength(0);
    Path sys = Path.of("/sys/loadfleet-report"); // read-only to root too
    assertRefused(
        "cannot write the report folder " + sys + " (", "report", a, "--out", sys.toString());
    assertTrue(err.toString().contains("); choose a folder you can write (--out DIR)"), err());
  }

  @Test
  void aFolderWithOtherFilesIsRefusedUnlessForced() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(out.resolve("index.html"), "my own page");
    Path a = FixtureRuns.run(FixtureRuns.A);
    assertEquals(ExitCode.ERROR.code(), run("report", a.toString(), "--out", out.toString()));
    assertOneSentence("the report folder " + out + " already holds files and no loadfleet report");
    assertTrue(err.toString().contains("--force"), err());
    assertEquals("my own page", Files.readString(out.resolve("index.html")));

    err.getBuffer().setLength(0);
    assertEquals(
        ExitCode.OK.code(), run("report", a.toString(), "--out", out.toString(), "--force"), err());
    assertTrue(err.toString().contains("which held other files (--force)"), err());
    assertTrue(Files.readString(out.resolve("index.html")).contains("hosts.html"));
  }

  @Test
  void anEarlierLoadfleetReportIsReplacedSayingSo() throws Exception {
    Path out = tmp.resolve("report");
    Path a = FixtureRuns.run(FixtureRuns.A);
    Path b = FixtureRuns.run(FixtureRuns.B);
    assertEquals(ExitCode.OK.code(), run("report", a.toString(), "--out", out.toString()), err());
    Files.writeString(out.resolve("stale.txt"), "from the earlier report");
    String index = Files.readString(out.resolve("index.html"));

    // A refused input leaves the earlier report as it was.
    Path junk = Files.writeString(tmp.resolve("junk.log"), "not a log");
    assertEquals(ExitCode.ERROR.code(), run("report", junk.toString(), "--out", out.toString()));
    assertEquals(index, Files.readString(out.resolve("index.html")));
    assertTrue(Files.exists(out.resolve("stale.txt")));

    err.getBuffer().setLength(0);
    assertEquals(
        ExitCode.OK.code(),
        run("report", a.toString(), b.toString(), "--out", out.toString()),
        err());
    assertTrue(
        err.toString().contains("warning: replaced the earlier loadfleet report in " + out), err());
    assertFalse(Files.exists(out.resolve("stale.txt")), "the earlier report is gone");
    assertEquals(2, summary(out).get("inputs").size());
  }

  @Test
  void theFolderOfAMergeThatWasKilledIsAnEarlierReport() throws Exception {
    // A launcher killed while merging leaves LogMerger's partial log: the folder is loadfleet's.
    Path out = Files.createDirectories(tmp.resolve("report"));
    Files.writeString(out.resolve("simulation.log.part"), "");
    int code = run("report", FixtureRuns.run(FixtureRuns.A).toString(), "--out", out.toString());
    assertEquals(ExitCode.OK.code(), code, err());
    assertTrue(err.toString().contains("replaced the earlier loadfleet report in " + out), err());
    assertFalse(Files.exists(out.resolve("simulation.log.part")));
  }

  /** A file this process cannot read: mode 000, or for root a /proc file root cannot read. */
  private Path unreadableFile() throws Exception {
    Path file;
    if ("root".equals(System.getProperty("user.name"))) {
      file = Path.of("/proc/sys/vm/compact_memory");
    } else {
      file = Files.writeString(tmp.resolve("locked.log"), "x");
      Files.setPosixFilePermissions(file, java.util.Set.of());
    }
    assertThrows(
        java.nio.file.AccessDeniedException.class,
        () -> FileChannel.open(file, StandardOpenOption.READ).close(),
        "the fixture is unreadable");
    return file;
  }

  /**
   * Reports {@code inputs} into a new folder: exit 1 and one sentence starting with {@code start}.
   */
  private void assertInputRefused(String start, String... inputs) {
    List<String> args = new ArrayList<>(List.of("report"));
    args.addAll(List.of(inputs));
    args.addAll(List.of("--out", tmp.resolve("r").toString()));
    assertRefused(start, args.toArray(String[]::new));
  }

  /** Runs {@code args}: exit 1 and one sentence starting with {@code start}. */
  private void assertRefused(String start, String... args) {
    assertEquals(ExitCode.ERROR.code(), run(args), err());
    assertOneSentence(start);
  }

  private void assertOneSentence(String start) {
    String e = err.toString();
    assertTrue(e.startsWith("loadfleet report: " + start), e);
    assertEquals(1, e.lines().count(), "one line, no usage text: " + e);
  }

  private String err() {
    return err.toString();
  }

  private static JsonNode summary(Path report) throws Exception {
    return new ObjectMapper().readTree(report.resolve("summary.json").toFile());
  }

  private static long requests(Path report) throws Exception {
    return summary(report).get("global").get("requests").asLong();
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
