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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
