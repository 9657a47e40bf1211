package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code loadfleet compare}: two runs side by side, per request name and for all requests, from
 * their summary.json (exact figures): requests, KO %, mean, p50, p95, p99, max and throughput, with
 * the absolute and relative change; optionally a gate that fails on a regression beyond given
 * limits. Writes compare.html (in the report's look) and compare.json.
 */
public final class Comparison {
  public static final String PAGE = "compare.html";
  public static final String JSON_FILE = "compare.json";

  /** The row of all requests; a limit names it {@code all}. */
  public static final String ALL = "all requests";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What is compared, and which way is worse. */
  public enum Metric {
    REQUESTS("requests", "requests", "Requests", false),
    KO("ko", "koPercent", "KO %", true),
    MEAN("mean", "meanMs", "Mean", true),
    P50("p50", "p50Ms", "50th percentile", true),
    P95("p95", "p95Ms", "95th percentile", true),
    P99("p99", "p99Ms", "99th percentile", true),
    MAX("max", "maxMs", "Maximum", true),
    THROUGHPUT("throughput", "requestsPerSecond", "Throughput", false);

    private final String id;
    private final String field;
    private final String words;
    private final boolean higherIsWorse;

    Metric(String id, String field, String words, boolean higherIsWorse) {
      this.id = id;
      this.field = field;
      this.words = words;
      this.higherIsWorse = higherIsWorse;
    }

    public String id() {
      return id;
    }

    /** The field in summary.json's rows. */
    String field() {
      return field;
    }

    boolean higherIsWorse() {
      return higherIsWorse;
    }

    /** A value of this metric for people. */
    String format(double v) {
      return switch (this) {
        case REQUESTS -> Human.count(Math.round(v));
        case KO -> Human.percent(v);
        case MEAN -> Human.ms(v);
        case THROUGHPUT -> Human.perSecond(v);
        default -> Human.ms(Math.round(v));
      };
    }

    /** An absolute change of this metric for people: "+12 ms", "+0.4 points". */
    String formatChange(double d) {
      String sign = d > 0 ? "+" : d < 0 ? "\u2212" : "";
      double a = Math.abs(d);
      return sign
          + switch (this) {
            case KO -> Human.decimals(a, 2) + " points";
            case REQUESTS -> Human.count(Math.round(a));
            case THROUGHPUT -> Human.perSecond(a);
            case MEAN -> Human.ms(a);
            default -> Human.ms(Math.round(a));
          };
    }

    static Optional<Metric> of(String id) {
      for (Metric m : values()) {
        if (m.id.equalsIgnoreCase(id)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The most a metric may get worse before the gate fails: {@code p95=10%} (relative) or {@code
   * ko=1} (absolute, in the metric's unit: percentage points, ms, requests, requests/s).
   *
   * @param row the request name it applies to, or empty for every row
   */
  public record Limit(Optional<String> row, Metric metric, double value, boolean relative) {
    public String describe() {
      return row.map(r -> r + ":").orElse("")
          + metric.id()
          + "="
          + (relative
              ? Human.decimals(value, value == Math.rint(value) ? 0 : 2) + "%"
              : Human.decimals(value, value == Math.rint(value) ? 0 : 2));
    }
  }

  /**
   * Parses {@code --max-regression}: comma-separated {@code [REQUEST:]METRIC=LIMIT}, METRIC one of
   * requests, ko, mean, p50, p95, p99, max, throughput, LIMIT a number, with {@code %} for a
   * relative change.
   *
   * @throws IllegalArgumentException with one sentence naming the bad item and the fix
   */
  public static List<Limit> parseLimits(String text) {
    List<Limit> limits = new ArrayList<>();
    for (String raw : text.split(",")) {
      String item = raw.trim();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.lastIndexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new IllegalArgumentException(
            "--max-regression item '" + item + "' is not METRIC=LIMIT, e.g. p95=10% or ko=1");
      }
      String left = item.substring(0, eq).trim();
      String right = item.substring(eq + 1).trim();
      int colon = left.lastIndexOf(':');
      Optional<String> row =
          colon < 0 ? Optional.empty() : Optional.of(left.substring(0, colon).trim());
      String metricId = colon < 0 ? left : left.substring(colon + 1).trim();
      Metric metric =
          Metric.of(metricId)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--max-regression item '"
                              + item
                              + "' names no metric '"
                              + metricId
                              + "'; use one of requests, ko, mean, p50, p95, p99, max,"
                              + " throughput"));
      boolean relative = right.endsWith("%");
      String number = relative ? right.substring(0, right.length() - 1).trim() : right;
      double value;
      try {
        value = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        value = Double.NaN;
      }
      if (!Double.isFinite(value) || value < 0 || !number.matches("[0-9.]+")) {
        throw new IllegalArgumentException(
            "--max-regression item '"
                + item
                + "' has no limit a number can be: give a number of 0 or more, with % for a"
                + " relative change (p95=10%) or without for the metric's own unit (ko=1)");
      }
      if (row.isPresent() && row.get().isEmpty()) {
        throw new IllegalArgumentException(
            "--max-regression item '" + item + "' names an empty request before ':'");
      }
      limits.add(new Limit(row, metric, value, relative));
    }
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("--max-regression names no limit; give e.g. p95=10%,ko=1");
    }
    return limits;
  }

  /** One run as compared: where its summary.json is, and what it holds (version 2's meaning). */
  public record Side(Path summaryFile, ObjectNode summary) {
    /** The report folder holding the summary. */
    Path folder() {
      return summaryFile.toAbsolutePath().getParent();
    }
  }

  /**
   * A run given on the command line: a summary.json, a report folder holding one, or a run folder
   * holding {@code report/summary.json}.
   */
  public static Side load(Path given) throws IOException {
    Path file = given;
    if (Files.isDirectory(given)) {
      if (Files.isRegularFile(given.resolve(Reporter.SUMMARY))) {
        file = given.resolve(Reporter.SUMMARY);
      } else if (Files.isRegularFile(given.resolve("report").resolve(Reporter.SUMMARY))) {
        file = given.resolve("report").resolve(Reporter.SUMMARY);
      } else {
        throw new IOException(
            given
                + " holds no summary.json, nor report/summary.json; give a run folder, a report"
                + " folder or a summary.json");
      }
    }
    return new Side(file, Summary.read(file));
  }

  /** What a comparison found and wrote. */
  public record Result(Path page, Path json, List<String> regressions, List<String> notes) {
    public Result {
      regressions = List.copyOf(regressions);
      notes = List.copyOf(notes);
    }

    public boolean regressed() {
      return !regressions.isEmpty();
    }
  }

  /** Thrown when two runs must not be compared without {@code --force}. */
  public static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Compares, judges the limits, writes compare.html and compare.json into {@code outDir}.
   *
   * @param force compare runs of different simulations anyway
   * @throws Refused for runs of different simulations without {@code force}, or a limit naming a
   *     request neither run has
   */
  public static Result compare(
      Side baseline, Side current, List<Limit> limits, boolean force, Path outDir)
      throws IOException {
    String simA = baseline.summary().path("simulation").asText();
    String simB = current.summary().path("simulation").asText();
    List<String> notes = new ArrayList<>();
    if (!simA.equals(simB)) {
      if (!force) {
        throw new Refused(
            "the runs are of different simulations: "
                + baseline.summaryFile()
                + " ran "
                + simA
                + ", "
                + current.summaryFile()
                + " ran "
                + simB
                + "; their request names and load differ, so the change would mean nothing:"
                + " compare runs of one simulation, or --force to compare them anyway");
      }
      notes.add("Different simulations compared (--force): " + simA + " and " + simB + ".");
    }
    for (Side side : List.of(baseline, current)) {
      if (side.summary().path("readFromSchemaVersion").asInt(2) == 1) {
        notes.add(
            side.summaryFile()
                + " is summary.json schema 1, which has no per-request figures: only all requests"
                + " are compared for it.");
      }
    }
    Map<String, JsonNode[]> rows = rows(baseline.summary(), current.summary());
    for (Limit l : limits) {
      if (l.row().isPresent() && !rowName(l.row().get(), rows).isPresent()) {
        throw new Refused(
            "--max-regression "
                + l.describe()
                + " names a request neither run has; the requests are "
                + String.join(", ", rows.keySet()));
      }
    }

    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("schemaVersion", 1);
    out.set("baseline", sideJson(baseline));
    out.set("current", sideJson(current));
    ArrayNode lim = out.putArray("limits");
    limits.forEach(l -> lim.add(l.describe()));
    ArrayNode rowsJson = out.putArray("rows");
    List<String> regressions = new ArrayList<>();
    for (Map.Entry<String, JsonNode[]> e : rows.entrySet()) {
      String name = e.getKey();
      JsonNode a = e.getValue()[0];
      JsonNode b = e.getValue()[1];
      ObjectNode row = rowsJson.addObject();
      row.put("name", name);
      ObjectNode metrics = row.putObject("metrics");
      for (Metric m : Metric.values()) {
        ObjectNode mj = metrics.putObject(m.id());
        Optional<Double> va = value(a, m);
        Optional<Double> vb = value(b, m);
        va.ifPresentOrElse(v -> mj.put("baseline", v), () -> mj.putNull("baseline"));
        vb.ifPresentOrElse(v -> mj.put("current", v), () -> mj.putNull("current"));
        if (va.isPresent() && vb.isPresent()) {
          double d = vb.get() - va.get();
          mj.put("change", TrafficStats.round2(d));
          if (va.get() != 0) {
            mj.put("relativeChangePct", TrafficStats.round2(100 * d / va.get()));
          } else {
            mj.putNull("relativeChangePct");
          }
          List<String> broken = new ArrayList<>();
          for (Limit l : limits) {
            if (applies(l, name, m, rows) && beyond(l, va.get(), vb.get())) {
              broken.add(l.describe());
              regressions.add(
                  name
                      + ": "
                      + m.words
                      + " went from "
                      + m.format(va.get())
                      + " to "
                      + m.format(vb.get())
                      + " ("
                      + m.formatChange(d)
                      + relative(va.get(), d)
                      + "), beyond "
                      + l.describe());
            }
          }
          mj.put("regression", !broken.isEmpty());
        }
      }
    }
    ArrayNode reg = out.putArray("regressions");
    regressions.forEach(reg::add);
    ArrayNode notesJson = out.putArray("notes");
    notes.forEach(notesJson::add);
    out.put("passed", regressions.isEmpty());

    Files.createDirectories(outDir);
    boolean assets = assets(outDir, current.folder(), baseline.folder());
    Path json = outDir.resolve(JSON_FILE);
    JSON.writeValue(json.toFile(), out);
    Path page = outDir.resolve(PAGE);
    Files.writeString(
        page, ComparePage.render(out, baseline, current, outDir, assets), StandardCharsets.UTF_8);
    return new Result(page, json, regressions, notes);
  }

  /** "(+12.5 %)", or "" when the baseline is 0. */
  static String relative(double base, double change) {
    if (base == 0) {
      return "";
    }
    double p = 100 * change / base;
    return ", " + (p > 0 ? "+" : p < 0 ? "\u2212" : "") + Human.percent(Math.abs(p));
  }

  private static boolean applies(Limit l, String row, Metric m, Map<String, JsonNode[]> rows) {
    return l.metric() == m
        && (l.row().isEmpty() || rowName(l.row().get(), rows).map(row::equals).orElse(false));
  }

  /** Whether the change from {@code a} to {@code b} is worse than the limit allows. */
  static boolean beyond(Limit l, double a, double b) {
    double worse = l.metric().higherIsWorse() ? b - a : a - b;
    if (worse <= 0) {
      return false;
    }
    if (!l.relative()) {
      return worse > l.value() + 1e-9;
    }
    return a == 0 || 100 * worse / Math.abs(a) > l.value() + 1e-9;
  }

  private static Optional<String> rowName(String given, Map<String, JsonNode[]> rows) {
    if (given.equalsIgnoreCase("all") || given.equalsIgnoreCase(ALL)) {
      return Optional.of(ALL);
    }
    return rows.containsKey(given) ? Optional.of(given) : Optional.empty();
  }

  /** All requests first, then every request name of either run (current's order first). */
  private static Map<String, JsonNode[]> rows(JsonNode a, JsonNode b) {
    Map<String, JsonNode[]> rows = new LinkedHashMap<>();
    rows.put(ALL, new JsonNode[] {a.path("global"), b.path("global")});
    boolean bothPerRequest = a.has("perRequest") && b.has("perRequest");
    if (!bothPerRequest) {
      return rows;
    }
    for (JsonNode r : b.path("perRequest")) {
      rows.put(r.path("name").asText(), new JsonNode[] {null, r});
    }
    for (JsonNode r : a.path("perRequest")) {
      rows.computeIfAbsent(r.path("name").asText(), k -> new JsonNode[2])[0] = r;
    }
    return rows;
  }

  private static Optional<Double> value(JsonNode row, Metric m) {
    if (row == null || !row.has(m.field()) || !row.get(m.field()).isNumber()) {
      return Optional.empty();
    }
    return Optional.of(row.get(m.field()).asDouble());
  }

  private static ObjectNode sideJson(Side s) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("summary", s.summaryFile().toAbsolutePath().normalize().toString());
    n.put("simulation", s.summary().path("simulation").asText());
    n.put("runStart", s.summary().path("runStart").asText());
    n.put("runDescription", s.summary().path("runDescription").asText());
    n.put("schemaVersion", s.summary().path("readFromSchemaVersion").asInt(Summary.SCHEMA_VERSION));
    return n;
  }

  /**
   * Whether Gatling's style/ and js/ are beside the page, copying them from a report folder when
   * the page goes elsewhere.
   */
  private static boolean assets(Path outDir, Path... reportFolders) throws IOException {
    if (hasAssets(outDir)) {
      return true;
    }
    for (Path folder : reportFolders) {
      if (hasAssets(folder)) {
        for (String dir : List.of("style", "js")) {
          copyTree(folder.resolve(dir), outDir.resolve(dir));
        }
        return true;
      }
    }
    return false;
  }

  private static boolean hasAssets(Path folder) {
    return GatlingLook.ASSETS.stream().allMatch(a -> Files.isRegularFile(folder.resolve(a)));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The metric's name in words, for pages. */
  static String words(Metric m) {
    return m.words;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
