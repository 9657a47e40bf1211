package dev.loadfleet.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.merge.fixtures.FixtureRuns;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merger on logs of real Gatling 3.15.1 runs (two runs of MergeFixtureSimulation). */
class LogMergerTest {
  static Path a;
  static Path b;
  @TempDir Path tmp;

  @BeforeAll
  static void runGatling() {
    a = FixtureRuns.log(FixtureRuns.A);
    b = FixtureRuns.log(FixtureRuns.B);
  }

  @Test
  void writerReproducesGatlingsOwnBytes() throws IOException {
    // Same header, same string-table numbering, same string encoding: byte for byte Gatling's file.
    Path copy = TestLogs.withHeader(a, tmp.resolve("copy.log"), h -> h);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(copy));
  }

  @Test
  void oneLogMergedAloneKeepsEveryRecordInItsOrder() throws IOException {
    Path out = tmp.resolve("out/simulation.log");
    MergeResult result = LogMerger.merge(List.of(MergeInput.of(a)), out);
    assertEquals(TestLogs.records(a), TestLogs.records(out));
    RunHeader original = TestLogs.header(a);
    RunHeader merged = TestLogs.header(out);
    assertEquals(original.startMs(), merged.startMs());
    assertEquals(original.scenarios(), merged.scenarios());
    assertTrue(original.sameAssertions(merged));
    String folder = a.getParent().getFileName().toString();
    assertTrue(merged.runDescription().contains(folder), merged.runDescription());
    assertEquals(TestLogs.records(a).size(), result.records());
    assertTrue(result.warnings().isEmpty(), result.warnings().toString());
  }

  @Test
  void clockOffsetsShiftEachInputAndTimeOrderHolds() throws IOException {
    long offsetA = 60_000;
    long offsetB = -1_500;
    Path out = tmp.resolve("merged.log");
    List<int[]> seen = new ArrayList<>(); // input, emittedAt
    LogMerger.merge(
        List.of(new MergeInput("a", a, offsetA), new MergeInput("b", b, offsetB)),
        out,
        (input, record) -> seen.add(new int[] {input, record.emittedAt()}));

    RunHeader merged = TestLogs.header(out);
    List<LogRecord> outRecords = TestLogs.records(out);
    Map<Integer, List<Long>> absoluteOut = new HashMap<>();
    for (int i = 0; i < outRecords.size(); i++) {
      absoluteOut
          .computeIfAbsent(seen.get(i)[0], k -> new ArrayList<>())
          .add(merged.startMs() + outRecords.get(i).emittedAt());
      assertEquals(seen.get(i)[1], outRecords.get(i).emittedAt());
    }
    int ia = 0;
    for (Path log : List.of(a, b)) {
      long start = TestLogs.header(log).startMs() + (log == a ? offsetA : offsetB);
      List<Long> expected = TestLogs.records(log).stream().map(r -> start + r.emittedAt()).toList();
      assertEquals(expected, absoluteOut.get(ia++), "times of " + log + " shifted by its offset");
    }
    assertEquals(
        Math.min(TestLogs.header(a).startMs() + offsetA, TestLogs.header(b).startMs() + offsetB),
        merged.startMs());

    // The merge adds no disorder: every step back in time comes from one input's own order.
    int inputDescents = descents(TestLogs.records(a)) + descents(TestLogs.records(b));
    assertTrue(descents(outRecords) <= inputDescents, descents(outRecords) + " > " + inputDescents);
    // And time order rules across inputs: shifted 61.5 s apart, all of b comes before any of a.
    assertEquals(1, seen.get(0)[0]);
    assertEquals(0, seen.get(seen.size() - 1)[0]);
  }

  @Test
  void overlappingRunsAreInterleavedNotConcatenated() throws IOException {
    // Both runs' first users lined up: their records must mix, each run's first record coming
    // before the other's last.
    long align =
        FixtureRuns.firstUserStart(a.getParent()) - FixtureRuns.firstUserStart(b.getParent());
    List<Integer> order = new ArrayList<>();
    LogMerger.merge(
        List.of(new MergeInput("a", a, 0), new MergeInput("b", b, align)),
        tmp.resolve("m.log"),
        (input, record) -> order.add(input));
    assertTrue(order.indexOf(1) < order.lastIndexOf(0), "b starts before a ends");
    assertTrue(order.indexOf(0) < order.lastIndexOf(1), "a starts before b ends");
  }

  @Test
  void scenarioTablesAreUnionedByNameAndUsersRenumbered() throws IOException {
    // A copy of b whose scenario table is reversed (and its user records renumbered to match).
    RunHeader hb = TestLogs.header(b);
    List<String> reversed = new ArrayList<>(hb.scenarios());
    java.util.Collections.reverse(reversed);
    int n = reversed.size();
    int[] toReversed = new int[n];
    for (int i = 0; i < n; i++) {
      toReversed[i] = n - 1 - i;
    }
    Path rb = tmp.resolve("rb/simulation.log");
    Files.createDirectories(rb.getParent());
    try (SimulationLogWriter w =
        SimulationLogWriter.create(
            rb,
            new RunHeader(
                hb.gatlingVersion(),
                hb.simulationClass(),
                hb.startMs(),
                hb.runDescription(),
                reversed,
                hb.assertions()))) {
      for (LogRecord r : TestLogs.records(b)) {
        w.write(r.rebased(0, toReversed));
      }
    }
    Path out = tmp.resolve("union.log");
    LogMerger.merge(List.of(MergeInput.of(a), MergeInput.of(rb)), out);
    RunHeader merged = TestLogs.header(out);
    assertEquals(TestLogs.header(a).scenarios(), merged.scenarios());
    Map<String, Integer> expected = startsByScenario(a);
    startsByScenario(b).forEach((k, v) -> expected.merge(k, v, Integer::sum));
    assertEquals(expected, startsByScenario(out));
  }

  @Test
  void truncatedLastRecordIsDroppedWithAWarning() throws IOException {
    Path cut = tmp.resolve("killed/simulation.log");
    Files.createDirectories(cut.getParent());
    Files.copy(a, cut);
    try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3);
    }
    String before = sha256(cut);
    int whole = TestLogs.records(a).size() - 1;
    MergeResult result =
        LogMerger.merge(List.of(MergeInput.of(cut), MergeInput.of(b)), tmp.resolve("t.log"));
    assertEquals(1, result.warnings().size());
    String warning = result.warnings().get(0);
    assertTrue(
        warning.contains("killed") && warning.contains("first " + whole + " whole records"),
        warning);
    assertTrue(result.inputs().get(0).truncated());
    assertFalse(result.inputs().get(1).truncated());
    assertEquals(whole + TestLogs.records(b).size(), result.records());
    assertEquals(TestLogs.records(a).subList(0, whole), TestLogs.records(cut));
    assertEquals(before, sha256(cut), "inputs are never modified");
  }

  @Test
  void differentGatlingVersionsAreRefusedNamingTheFiles() throws IOException {
    Path old = TestLogs.withHeader(a, tmp.resolve("old.log"), h -> withVersion(h, "3.14.0"));
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class,
            () -> merge(new MergeInput("a", a, 0), new MergeInput("old", old, 0)));
    assertTrue(e.getMessage().contains("different Gatling versions"), e.getMessage());
    assertTrue(
        e.getMessage().contains(old.toString()) && e.getMessage().contains(a.toString()),
        e.getMessage());
    InvalidLogException alone =
        assertThrows(InvalidLogException.class, () -> merge(new MergeInput("old", old, 0)));
    assertTrue(
        alone.getMessage().contains("Gatling 3.14.0")
            && alone.getMessage().contains("3.15.1 logs only"),
        alone.getMessage());
  }

  @Test
  void differentSimulationsAreRefused() throws IOException {
    Path other =
        TestLogs.withHeader(
            a,
            tmp.resolve("other.log"),
            h ->
                new RunHeader(
                    h.gatlingVersion(),
                    "com.example.OtherSimulation",
                    h.startMs(),
                    h.runDescription(),
                    h.scenarios(),
                    h.assertions()));
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class,
            () -> merge(new MergeInput("a", a, 0), new MergeInput("o", other, 0)));
    assertTrue(
        e.getMessage().contains("different simulations")
            && e.getMessage().contains(other.toString())
            && e.getMessage().contains("com.example.OtherSimulation"),
        e.getMessage());
  }

  @Test
  void differentAssertionsAreRefused() throws IOException {
    Path fewer =
        TestLogs.withHeader(
            a,
            tmp.resolve("fewer.log"),
            h ->
                new RunHeader(
                    h.gatlingVersion(),
                    h.simulationClass(),
                    h.startMs(),
                    h.runDescription(),
                    h.scenarios(),
                    h.assertions().subList(0, 1)));
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class,
            () -> merge(new MergeInput("a", a, 0), new MergeInput("f", fewer, 0)));
    assertTrue(
        e.getMessage().contains("different assertions")
            && e.getMessage().contains(fewer.toString()),
        e.getMessage());
  }

  @Test
  void garbageEmptyAndMissingInputsGiveClearErrors() throws IOException {
    Path garbage = tmp.resolve("garbage.log");
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);
    noise[0] = 7;
    Files.write(garbage, noise);
    assertMessage(garbage + " is not a Gatling simulation.log", new MergeInput("g", garbage, 0));

    Path text = tmp.resolve("text.log");
    Files.writeString(text, "\0this is a text file, not a log\n");
    assertMessage(text + " is not a Gatling simulation.log", new MergeInput("t", text, 0));

    Path empty = tmp.resolve("empty.log");
    Files.createFile(empty);
    assertMessage(empty + " is empty", new MergeInput("e", empty, 0));

    Path folder = Files.createDirectories(tmp.resolve("nothing-here"));
    assertMessage(
        "folder " + folder + " (input nothing-here) holds no simulation.log",
        MergeInput.of(folder));

    Path header = tmp.resolve("header-only.log");
    Files.write(header, java.util.Arrays.copyOf(Files.readAllBytes(a), 20));
    assertMessage(header + " ends inside its run header", new MergeInput("h", header, 0));
  }

  @Test
  void outputNeverOverwritesAnInput() throws IOException {
    String before = sha256(a);
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class, () -> LogMerger.merge(List.of(MergeInput.of(a)), a));
    assertTrue(e.getMessage().contains("would overwrite input"), e.getMessage());
    assertEquals(before, sha256(a));
  }

  @Test
  void missingInputIsNamedEvenWhenTheOutputAlreadyExists() throws IOException {
    Path out = Files.writeString(tmp.resolve("simulation.log"), "an earlier merge");
    Path missing = tmp.resolve("gone/simulation.log");
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class,
            () -> LogMerger.merge(List.of(new MergeInput("gone", missing, 0)), out));
    assertEquals(missing + " (input gone) does not exist; check the path", e.getMessage());
  }

  @Test
  void theSameLogGivenTwiceIsRefusedNamingBoth() throws IOException {
    InvalidLogException twice =
        assertThrows(
            InvalidLogException.class,
            () -> merge(new MergeInput("a", a, 0), new MergeInput("b", a, 0)));
    assertTrue(
        twice.getMessage().startsWith("inputs a (" + a + ") and b (" + a + ") are the same log")
            && twice.getMessage().contains("count twice"),
        twice.getMessage());

    Path copy = Files.copy(a, tmp.resolve("copy.log"));
    InvalidLogException copied =
        assertThrows(
            InvalidLogException.class,
            () ->
                merge(
                    new MergeInput("a", a, 0),
                    new MergeInput("b", b, 0),
                    new MergeInput("c", copy, 0)));
    assertTrue(
        copied.getMessage().startsWith("inputs a (" + a + ") and c (" + copy + ") are the same"),
        copied.getMessage());
  }

  @Test
  void aMergedLogSaysItWasMergedByLoadfleet() throws IOException {
    Path out = tmp.resolve("merged/simulation.log");
    LogMerger.merge(List.of(new MergeInput("a", a, 0), new MergeInput("b", b, 0)), out);
    RunHeader merged = TestLogs.header(out);
    assertTrue(merged.mergedByLoadfleet(), merged.runDescription());
    assertTrue(merged.runDescription().endsWith("merged by loadfleet from 2 logs: a, b"));
    assertFalse(TestLogs.header(a).mergedByLoadfleet(), "Gatling's own log is not merged");
  }

  @Test
  void offsetsBeyondADayAreRefused() {
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class,
            () -> merge(new MergeInput("a", a, 0), new MergeInput("b", b, Long.MAX_VALUE)));
    assertTrue(
        e.getMessage().startsWith("input b has a clock offset of 9223372036854775807 ms")
            && e.getMessage().contains("beyond a day"),
        e.getMessage());
    assertThrows(
        InvalidLogException.class,
        () -> merge(new MergeInput("a", a, 0), new MergeInput("b", b, -86_400_001L)));
  }

  @Test
  void runsStartedAWeekApartAreRefused() throws IOException {
    long startA = TestLogs.header(a).startMs();
    Path later =
        TestLogs.withHeader(
            b, tmp.resolve("later.log"), h -> withStart(h, startA + 8 * 86_400_000L));
    InvalidLogException e =
        assertThrows(
            InvalidLogException.class,
            () -> merge(new MergeInput("a", a, 0), new MergeInput("later", later, 0)));
    assertTrue(
        e.getMessage().startsWith(later + " started 19") && e.getMessage().contains("7 days"),
        e.getMessage());
  }

  private void assertMessage(String expected, MergeInput input) {
    InvalidLogException e = assertThrows(InvalidLogException.class, () -> merge(input));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  private MergeResult merge(MergeInput... inputs) throws IOException {
    return LogMerger.merge(List.of(inputs), tmp.resolve("never/simulation.log"));
  }

  private static RunHeader withVersion(RunHeader h, String version) {
    return new RunHeader(
        version,
        h.simulationClass(),
        h.startMs(),
        h.runDescription(),
        h.scenarios(),
        h.assertions());
  }

  private static RunHeader withStart(RunHeader h, long startMs) {
    return new RunHeader(
        h.gatlingVersion(),
        h.simulationClass(),
        startMs,
        h.runDescription(),
        h.scenarios(),
        h.assertions());
  }

  private static Map<String, Integer> startsByScenario(Path log) throws IOException {
    List<String> names = TestLogs.header(log).scenarios();
    Map<String, Integer> counts = new HashMap<>();
    for (LogRecord r : TestLogs.records(log)) {
      if (r instanceof LogRecord.User u && u.start()) {
        counts.merge(names.get(u.scenario()), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static int descents(List<LogRecord> records) {
    int d = 0;
    for (int i = 1; i < records.size(); i++) {
      if (records.get(i).emittedAt() < records.get(i - 1).emittedAt()) {
        d++;
      }
    }
    return d;
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
