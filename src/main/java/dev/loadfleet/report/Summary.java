package dev.loadfleet.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.MergeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * summary.json: the report's figures for machines (CI, {@code loadfleet compare}), every field
 * documented in the README. Built once from the merge's exact figures, then every page and
 * junit.xml is rendered from it, so they never disagree.
 *
 * <p>Schema versions: 1 (no {@code schemaVersion} field) recorded each input's {@code
 * clockOffsetMs} as the correction the merge added to its times, the negated offset; 2 records the
 * host's clock minus the launcher's, as check and run.json do, and adds per-request figures, start
 * lateness, Gatling's estimates, the service count, the verdict and junit.xml. {@link #read} reads
 * both and gives version 2's meaning.
 */
public final class Summary {
  /** The version this launcher writes. */
  public static final int SCHEMA_VERSION = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Summary() {}

  /** What the report learned, gathered for summary.json. */
  record Facts(
      ReportRequest request,
      MergeResult merged,
      TrafficStats global,
      List<TrafficStats> perInput,
      List<AssertionOutcome> assertions,
      boolean assertionsPassed,
      Optional<Map<String, Long>> gatlingEstimates,
      List<String> warnings) {}

  static ObjectNode build(Facts facts) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    MergeResult merged = facts.merged();
    ReportRequest request = facts.request();
    long start = merged.header().startMs();
    ObjectNode root = f.objectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("simulation", merged.header().simulationClass());
    root.put("gatlingVersion", merged.header().gatlingVersion());
    root.put("runDescription", merged.header().runDescription());
    root.put("runStart", Instant.ofEpochMilli(start).toString());
    request.t0().ifPresent(t0 -> root.put("t0", Instant.ofEpochMilli(t0).toString()));
    root.put("report", "index.html");
    root.put("hostsPage", Reporter.HOSTS_PAGE);
    root.put("junit", Reporter.JUNIT);
    root.put("mergedLog", Reporter.MERGED_LOG);
    root.put(
        "percentiles",
        "exact nearest-rank over all requests; Gatling's HTML uses a t-digest estimate");
    request.stopped().ifPresent(s -> root.set("stopped", s.deepCopy()));
    root.put("assertionsPassed", facts.assertionsPassed());
    ArrayNode asserts = root.putArray("assertions");
    for (AssertionOutcome a : facts.assertions()) {
      asserts
          .addObject()
          .put("assertion", a.assertion())
          .put("passed", a.passed())
          .put("actual", a.actual());
    }
    ObjectNode g = facts.global().toJson(start);
    g.put("records", merged.records());
    root.set("global", g);
    facts
        .gatlingEstimates()
        .ifPresent(
            e -> {
              ObjectNode est = root.putObject("gatlingEstimates");
              e.forEach(est::put);
            });
    root.set("perRequest", facts.global().perRequestJson());

    ArrayNode inputs = root.putArray("inputs");
    for (int i = 0; i < merged.inputs().size(); i++) {
      MergeResult.Input in = merged.inputs().get(i);
      TrafficStats stats = facts.perInput().get(i);
      ObjectNode n = inputs.addObject();
      n.put("name", in.name());
      n.put("log", in.log().toAbsolutePath().normalize().toString());
      n.put("runStart", Instant.ofEpochMilli(in.header().startMs()).toString());
      // The merge adds a correction to the host's times; the host's clock is that much behind.
      n.put("clockOffsetMs", -in.clockOffsetMs());
      n.put("records", in.records());
      n.put("truncated", in.truncated());
      n.setAll(stats.toJson(start));
      stats
          .firstUserMs()
          .ifPresent(
              first -> {
                n.put("firstUserStart", Instant.ofEpochMilli(start + first).toString());
                n.put("firstUserEpochMs", start + first);
              });
      n.set("perRequest", stats.perRequestJson());
      JsonNode annotation = request.hostAnnotations().get(in.name());
      if (annotation instanceof ObjectNode o) {
        // The launcher's fields sit beside the measured ones but never replace them.
        o.properties().iterator().forEachRemaining(e -> n.putIfAbsent(e.getKey(), e.getValue()));
      } else if (annotation != null) {
        n.set("annotation", annotation);
      }
    }
    lateness(root, request);

    ArrayNode without = root.putArray("hostsWithoutLog");
    request
        .hostAnnotations()
        .forEach(
            (host, annotation) -> {
              boolean merged1 = merged.inputs().stream().anyMatch(in -> in.name().equals(host));
              if (!merged1) {
                ObjectNode n = without.addObject();
                n.put("name", host);
                if (annotation instanceof ObjectNode o) {
                  o.properties()
                      .iterator()
                      .forEachRemaining(e -> n.putIfAbsent(e.getKey(), e.getValue()));
                }
              }
            });
    sortByName(without);

    request
        .serviceCount()
        .ifPresent(c -> root.set("service", service(c, facts.global().okUploads())));
    root.set("verdict", Verdict.json(Verdict.of(root)));
    ArrayNode w = root.putArray("warnings");
    facts.warnings().forEach(w::add);
    return root;
  }

  /**
   * Each host's start lateness: its first user's start (launcher clock) minus T0, or minus the
   * earliest host's first user when the run's T0 is not known.
   */
  private static void lateness(ObjectNode root, ReportRequest request) {
    long reference = Long.MAX_VALUE;
    if (request.t0().isPresent()) {
      reference = request.t0().getAsLong();
      root.put("latenessFrom", "t0");
    } else {
      for (JsonNode in : root.withArray("inputs")) {
        if (in.has("firstUserEpochMs")) {
          reference = Math.min(reference, in.get("firstUserEpochMs").asLong());
        }
      }
      root.put("latenessFrom", "earliestHost");
    }
    for (JsonNode in : root.withArray("inputs")) {
      if (in.has("firstUserEpochMs") && reference != Long.MAX_VALUE) {
        ((ObjectNode) in).put("startLatenessMs", in.get("firstUserEpochMs").asLong() - reference);
      }
    }
  }

  private static ObjectNode service(ServiceCount c, long okUploads) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("host", c.host());
    s.put("command", c.command());
    if (c.stored().isPresent()) {
      s.put("stored", c.stored().getAsLong());
    } else {
      s.putNull("stored");
      s.put("problem", c.problem());
    }
    s.put("okUploads", okUploads);
    s.put("equal", c.stored().isPresent() && c.stored().getAsLong() == okUploads);
    return s;
  }

  private static void sortByName(ArrayNode a) {
    List<JsonNode> sorted = new java.util.ArrayList<>();
    a.forEach(sorted::add);
    sorted.sort(java.util.Comparator.comparing(n -> n.path("name").asText()));
    a.removeAll();
    sorted.forEach(a::add);
  }

  /**
   * The sentence the console prints for the service count: "uploads stored by the service
   * (lf-target) 120 == OK uploads 120", or why there is no count.
   */
  static Optional<String> serviceLine(JsonNode summary) {
    JsonNode s = summary.path("service");
    if (s.isMissingNode()) {
      return Optional.empty();
    }
    String host = s.path("host").asText();
    if (s.path("stored").isNull()) {
      return Optional.of(
          "uploads stored by the service ("
              + host
              + "): unknown, "
              + s.path("problem").asText()
              + "; OK uploads "
              + s.path("okUploads").asLong());
    }
    long stored = s.path("stored").asLong();
    long ok = s.path("okUploads").asLong();
    return Optional.of(
        "uploads stored by the service ("
            + host
            + ") "
            + stored
            + (stored == ok ? " == " : " != ")
            + "OK uploads "
            + ok);
  }

  /**
   * Reads a summary.json of any schema version, with version 2's meaning: a version 1 file's clock
   * corrections become offsets (host minus launcher).
   *
   * @throws IOException naming the file when it is missing or not a loadfleet summary.json
   */
  public static ObjectNode read(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException(file + " does not exist; give a summary.json or a report folder");
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is not a file; give a summary.json or a report folder");
    }
    JsonNode node;
    try {
      node = JSON.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IOException(
          file + " is not JSON (" + e.getOriginalMessage() + "); give a loadfleet summary.json");
    }
    if (!(node instanceof ObjectNode o) || !o.has("global") || !o.has("simulation")) {
      throw new IOException(
          file
              + " is not a loadfleet summary.json (no \"simulation\" and \"global\" fields); give"
              + " the summary.json of a loadfleet report");
    }
    int version = o.path("schemaVersion").asInt(1);
    if (version > SCHEMA_VERSION) {
      throw new IOException(
          file
              + " is summary.json schema "
              + version
              + ", newer than this launcher reads ("
              + SCHEMA_VERSION
              + "); use the loadfleet that wrote it");
    }
    if (version == 1) {
      for (JsonNode in : o.withArray("inputs")) {
        if (in.has("clockOffsetMs")) {
          ((ObjectNode) in).put("clockOffsetMs", -in.get("clockOffsetMs").asLong());
        }
      }
      o.put("schemaVersion", SCHEMA_VERSION);
      o.put("readFromSchemaVersion", 1);
    }
    return o;
  }
}
