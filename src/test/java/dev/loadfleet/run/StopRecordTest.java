package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopRecordTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static StopReason fired() {
    FiredCriterion c =
        new FiredCriterion(
            "p95 of upload > 15s for 1m",
            "p95",
            "upload",
            "> 15s",
            60_000,
            1_000,
            61_500,
            null,
            List.of(
                new FiredCriterion.Value(3_000, 16_000, "p95 of upload 16.00 s"),
                new FiredCriterion.Value(61_500, 18_500, "p95 of upload 18.50 s")));
    return StopReason.criterion(c, "stop criterion p95 of upload > 15s for 1m held ...");
  }

  @Test
  void theCriterionThatFiredIsWrittenUnderStoppedWithTheValuesThatFiredIt() throws Exception {
    Path summary = Files.writeString(tmp.resolve("summary.json"), "{\"runId\":\"r\"}");
    StopRecord.addTo(summary, fired());
    JsonNode s = JSON.readTree(summary.toFile());
    assertEquals("r", s.path("runId").asText());
    JsonNode stopped = s.path("stopped");
    assertEquals("criterion", stopped.path("by").asText());
    assertEquals(61_500, stopped.path("atEpochMs").asLong());
    JsonNode c = stopped.path("criterion");
    assertEquals("p95 of upload > 15s for 1m", c.path("name").asText());
    assertEquals("upload", c.path("request").asText());
    assertEquals("> 15s", c.path("threshold").asText());
    assertEquals(60_000, c.path("windowMs").asLong());
    assertEquals(1_000, c.path("heldSinceEpochMs").asLong());
    assertEquals("1970-01-01T00:01:01.500Z", c.path("firedAt").asText());
    assertEquals(2, c.path("values").size());
    assertEquals(18_500, c.path("values").get(1).path("value").asDouble());
  }

  @Test
  void aStoppedEntryAlreadyThereKeepsItsFieldsAndGainsTheCriterion() throws Exception {
    Path summary =
        Files.writeString(
            tmp.resolve("summary.json"),
            "{\"stopped\":{\"by\":\"criterion\",\"detail\":\"written by the report\"}}");
    StopRecord.addTo(summary, fired());
    JsonNode stopped = JSON.readTree(summary.toFile()).path("stopped");
    assertEquals("written by the report", stopped.path("detail").asText());
    assertEquals("p95", stopped.path("criterion").path("metric").asText());
  }
}
