package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.config.JumpHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** run.json as the launcher wrote it before HostRun had named parts, read and written again. */
class RunRecordTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path results;

  private static ObjectNode captured() throws IOException {
    try (InputStream in =
        RunRecordTest.class.getResourceAsStream("/run/run-written-before-named-parts.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private Path write(JsonNode run) throws IOException {
    Path file = results.resolve(RecordedRun.RUN_ID).resolve("run.json");
    Files.createDirectories(file.getParent());
    JSON.writeValue(file.toFile(), run);
    return file;
  }

  @Test
  void aRecordedRunIsReadIntoItsPartsAndWrittenBackFieldForField() throws Exception {
    ObjectNode before = captured();
    write(before);
    RunRecord run = RunRecord.read(results, RecordedRun.RUN_ID);

    HostRun host1 = run.host("host1");
    assertEquals(RunState.RUNNING, run.state());
    assertEquals(HostState.RUNNING, host1.state());
    assertEquals(2, host1.share().users());
    assertEquals(3, host1.share().idOffset());
    assertEquals(-7, host1.clock().offsetMs());
    assertEquals(29, host1.clock().uncertaintyMs());
    assertEquals(13403, host1.pid().getAsLong());
    assertTrue(host1.exitCode().isEmpty());
    assertEquals(1_000_000_000L, host1.spec().nicBitsPerSecond());
    assertTrue(host1.paths().runDir().endsWith("/runs/" + RecordedRun.RUN_ID));

    run.write(results);
    assertEquals(before, JSON.readTree(RunRecord.file(results, RecordedRun.RUN_ID).toFile()));
  }

  @Test
  void aJumpHostAndAnUnrecordedNicAreReadAsTheLauncherMeantThem() throws Exception {
    ObjectNode run = captured();
    ObjectNode host0 = (ObjectNode) run.withArray("hosts").get(0);
    host0.put("jump", "ops@bastion.example:2222");
    host0.put("nicBitsPerSecond", 0);
    host0.put("state", "finished");
    host0.put("exitCode", 2);
    run.put("state", "report failed");
    write(run);

    RunRecord read = RunRecord.read(results, RecordedRun.RUN_ID);
    HostRun h = read.host("host0");
    assertEquals(Optional.of(new JumpHost("ops", "bastion.example", 2222)), h.spec().jump());
    assertEquals(1_000_000_000L, h.spec().nicBitsPerSecond(), "0 means: the default, 1 Gbps");
    assertEquals(HostState.FINISHED, h.state());
    assertEquals(2, h.exitCode().getAsInt());
    assertEquals(RunState.REPORT_FAILED, read.state());
  }

  @Test
  void aWriteOnAnInterruptedThreadCompletesAndKeepsTheInterrupt() throws Exception {
    write(captured());
    RunRecord run = RunRecord.read(results, RecordedRun.RUN_ID);
    // A Ctrl+C interrupts the run's thread; what it records from then on must still reach disk.
    Thread.currentThread().interrupt();
    try {
      run.withState(RunState.STOPPED, null).write(results);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
    } finally {
      Thread.interrupted();
    }
    assertEquals(RunState.STOPPED, RunRecord.read(results, RecordedRun.RUN_ID).state());
  }

  @Test
  void concurrentWritersNeverLeaveAPartialRunJsonForAReader() throws Exception {
    write(captured());
    RunRecord base = RunRecord.read(results, RecordedRun.RUN_ID);
    Path file = RunRecord.file(results, RecordedRun.RUN_ID);
    int writers = 4;
    int writes = 150;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      Future<Integer> reader =
          pool.submit(
              () -> {
                int reads = 0;
                while (writing.get()) {
                  // whole and parseable at every instant: the old record or a new one
                  RunRecord r = RunRecord.read(results, RecordedRun.RUN_ID);
                  assertEquals(RecordedRun.RUN_ID, r.runId());
                  reads++;
                }
                return reads;
              });
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < writes; i++) {
                    base.withState(RunState.RUNNING, "writer-" + writer + "-" + i).write(results);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES); // a writer's exception fails the test here
      }
      writing.set(false);
      assertTrue(reader.get(1, TimeUnit.MINUTES) > 0);
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    String last = RunRecord.read(results, RecordedRun.RUN_ID).report();
    assertTrue(last.matches("writer-\\d-" + (writes - 1)), last);
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertEquals(
          List.of(".run.json.lock", "run.json"),
          left.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file is left behind");
    }
  }

  @Test
  void theNewestRunIsTheOneThatStartedLastWhateverItsName() throws Exception {
    ObjectNode run = captured();
    Map<String, Long> starts =
        Map.of("20260101-000000-aaaa", 200L, "exam-42", 100L, "20250101-x", 300L);
    for (Map.Entry<String, Long> e : starts.entrySet()) {
      run.put("runId", e.getKey());
      run.put("t0", e.getValue());
      Path file = results.resolve(e.getKey()).resolve("run.json");
      Files.createDirectories(file.getParent());
      JSON.writeValue(file.toFile(), run);
    }
    Files.createDirectories(results.resolve("zz-not-a-run"));
    Files.writeString(
        Files.createDirectories(results.resolve("zzz-damaged")).resolve("run.json"), "{\"t0\":");
    assertEquals(Optional.of("20250101-x"), RunRecord.latest(results));

    run.put("runId", "exam-43");
    run.put("t0", 400L);
    JSON.writeValue(
        Files.createDirectories(results.resolve("exam-43")).resolve("run.json").toFile(), run);
    assertEquals(Optional.of("exam-43"), RunRecord.latest(results));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a host named to climb out | NAME ../../../x | is not one an inventory allows",
        "a host named like a hidden folder | NAME .. | is not one an inventory allows",
        "a host twice | NAME host0 | host host0 is listed twice",
        "another run's id | ID other-run | it names run 'other-run'",
      })
  void aRunJsonWhoseNamesWouldLeaveTheResultsRootIsRefused(
      String label, String change, String expected) throws Exception {
    ObjectNode run = captured();
    if (change.startsWith("NAME ")) {
      ((ObjectNode) run.withArray("hosts").get(1)).put("name", change.substring(5));
    } else {
      run.put("runId", change.substring(3));
    }
    Path file = write(run);
    IOException e =
        assertThrows(IOException.class, () -> RunRecord.read(results, RecordedRun.RUN_ID));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
  }

  @Test
  void aRunJsonWithADoubledKeyOrTrailingTextIsRefused() throws Exception {
    Path file = write(captured());
    String json = Files.readString(file);
    Files.writeString(file, json.replaceFirst("\\{", "{ \"state\" : \"ok\","));
    IOException e =
        assertThrows(IOException.class, () -> RunRecord.read(results, RecordedRun.RUN_ID));
    assertTrue(e.getMessage().contains("'state'"), e.getMessage());
    Files.writeString(file, json + "\n{}");
    e = assertThrows(IOException.class, () -> RunRecord.read(results, RecordedRun.RUN_ID));
    assertTrue(e.getMessage().contains("Trailing token"), e.getMessage());
  }

  @Test
  void anUnknownStateIsRefusedNamingTheFileAndTheStatesThereAre() throws Exception {
    ObjectNode run = captured();
    ((ObjectNode) run.withArray("hosts").get(1)).put("state", "dancing");
    Path file = write(run);

    IOException e =
        assertThrows(IOException.class, () -> RunRecord.read(results, RecordedRun.RUN_ID));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("'dancing'"), e.getMessage());
    assertTrue(e.getMessage().contains("finished"), e.getMessage());
    assertFalse(e.getMessage().contains("dev.loadfleet"), "no Java class names: " + e.getMessage());
  }
}
