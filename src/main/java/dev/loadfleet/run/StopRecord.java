package dev.loadfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Writes why a run ended early into its summary.json, under "stopped": when, by whom ({@link
 * StopReason.By#id}), the detail in words and, for a stop criterion, a "criterion" entry with its
 * name, threshold, window, when it held from and fired, and the values that fired it. An entry
 * already there is kept and only gains what it lacks.
 */
final class StopRecord {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StopRecord() {}

  static void addTo(Path summaryFile, StopReason reason) throws IOException {
    ObjectNode summary = (ObjectNode) JSON.readTree(summaryFile.toFile());
    ObjectNode stopped =
        summary.get("stopped") instanceof ObjectNode o ? o : summary.putObject("stopped");
    if (!stopped.has("by")) {
      stopped.put("at", Instant.ofEpochMilli(reason.atEpochMs()).toString());
      stopped.put("atEpochMs", reason.atEpochMs());
      stopped.put("by", reason.by().id());
      stopped.put("detail", reason.detail());
    }
    if (reason.criterion() != null && !stopped.has("criterion")) {
      stopped.set("criterion", criterion(reason.criterion()));
    }
    Path tmp = summaryFile.resolveSibling(summaryFile.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), summary);
    Files.move(tmp, summaryFile, StandardCopyOption.REPLACE_EXISTING);
  }

  static ObjectNode criterion(FiredCriterion c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", c.name());
    n.put("metric", c.metric());
    if (c.request() != null) {
      n.put("request", c.request());
    }
    if (c.threshold() != null) {
      n.put("threshold", c.threshold());
    }
    n.put("windowMs", c.windowMs());
    n.put("heldSince", Instant.ofEpochMilli(c.heldSinceMs()).toString());
    n.put("heldSinceEpochMs", c.heldSinceMs());
    n.put("firedAt", Instant.ofEpochMilli(c.firedAtMs()).toString());
    n.put("firedAtEpochMs", c.firedAtMs());
    if (c.host() != null) {
      n.put("host", c.host());
    }
    ArrayNode values = n.putArray("values");
    for (FiredCriterion.Value v : c.values()) {
      values.addObject().put("atEpochMs", v.atMs()).put("value", v.value()).put("text", v.text());
    }
    return n;
  }
}
