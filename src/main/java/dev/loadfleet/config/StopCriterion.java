package dev.loadfleet.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition that ends a run early once it has held for its window, read from the inventory's
 * {@code stopWhen} list or from {@code run --stop-when}, for example:
 *
 * <pre>
 * stopWhen:
 *   - {ko: "> 10%", for: 30s}                      # KO above 10 % of all requests
 *   - {p95: "> 15s", request: upload, for: 60s}    # uploads' 95th percentile above 15 s
 *   - {injectorSaturated: true, for: 30s}          # an injector's CPU or NIC above its threshold
 * </pre>
 *
 * Checked before anything connects; every refusal names where the criterion came from, the field,
 * what is wrong and an example that works.
 *
 * @param metric what is compared
 * @param request the request name the figure is of (ko and percentiles only); empty = all requests
 * @param threshold in the metric's unit: % for ko, milliseconds for percentiles, unused for
 *     injectorSaturated
 * @param orEqual {@code >=} rather than {@code >}
 * @param window how long it must hold
 */
public record StopCriterion(
    Metric metric, Optional<String> request, double threshold, boolean orEqual, Duration window) {

  /** What a criterion compares. */
  public enum Metric {
    /** KO requests as a % of the requests. */
    KO("ko", 0),
    P50("p50", 50),
    P95("p95", 95),
    P99("p99", 99),
    /** An injector's latest health sample above its CPU or NIC saturation threshold. */
    INJECTOR_SATURATED("injectorSaturated", 0);

    private final String key;
    private final double percentile;

    Metric(String key, double percentile) {
      this.key = key;
      this.percentile = percentile;
    }

    /** The key in the inventory, e.g. "p95". */
    public String key() {
      return key;
    }

    /** The percentile compared (50, 95, 99), or 0 for ko and injectorSaturated. */
    public double percentile() {
      return percentile;
    }

    static Optional<Metric> of(String key) {
      for (Metric m : values()) {
        if (m.key.equals(key)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  private static final Set<String> FIELDS =
      Set.of("ko", "p50", "p95", "p99", "injectorSaturated", "request", "for");
  private static final Pattern COMPARISON =
      Pattern.compile("(>=?)\\s*(\\d+(?:\\.\\d+)?)\\s*(%|ms|s|m)?");
  private static final Pattern REQUEST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
  private static final String EXAMPLES =
      "e.g. {ko: \"> 10%\", for: 30s}, {p95: \"> 15s\", request: upload, for: 60s} or"
          + " {injectorSaturated: true, for: 30s}";

  public StopCriterion {
    if (metric == null || request == null || window == null || window.isNegative()) {
      throw new IllegalArgumentException(
          "a stop criterion needs a metric and a window of 0 or more");
    }
  }

  /** How it reads, e.g. {@code ko > 10% for 30s} or {@code p95 of upload > 15s for 1m}. */
  public String text() {
    StringBuilder b = new StringBuilder(metric.key());
    request.ifPresent(r -> b.append(" of ").append(r));
    if (metric != Metric.INJECTOR_SATURATED) {
      b.append(orEqual ? " >= " : " > ").append(thresholdText());
    }
    return b.append(" for ").append(duration(window)).toString();
  }

  /** The threshold as written back, e.g. "10%" or "15s" or "1500ms". */
  public String thresholdText() {
    return switch (metric) {
      case KO -> number(threshold) + "%";
      case INJECTOR_SATURATED -> "saturated";
      default -> threshold >= 1000 ? number(threshold / 1000) + "s" : number(threshold) + "ms";
    };
  }

  /** Whether {@code value} (in the metric's unit) is beyond the threshold. */
  public boolean exceeds(double value) {
    return orEqual ? value >= threshold : value > threshold;
  }

  @Override
  public String toString() {
    return text();
  }

  /**
   * The inventory's {@code stopWhen}: a list of criteria, or absent.
   *
   * @param source the inventory file, for messages
   */
  static List<StopCriterion> fromInventory(JsonNode node, String source) throws InventoryException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    try {
      return list(node, source + ": stopWhen");
    } catch (IllegalArgumentException e) {
      throw new InventoryException(e.getMessage());
    }
  }

  /**
   * One {@code --stop-when} value: a criterion or a list of them, as in the inventory (YAML flow
   * syntax).
   *
   * @throws IllegalArgumentException with one sentence naming the option and the fix
   */
  public static List<StopCriterion> fromOption(String text) {
    String where = "--stop-when '" + printable(text) + "'";
    JsonNode node;
    try {
      node = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + " is not a criterion in YAML flow syntax, " + EXAMPLES);
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new IllegalArgumentException(where + " is empty; give a criterion, " + EXAMPLES);
    }
    return node.isArray() ? list(node, where) : List.of(one(node, where));
  }

  private static List<StopCriterion> list(JsonNode node, String where) {
    if (!node.isArray()) {
      throw new IllegalArgumentException(
          where + " must be a list of criteria, e.g. [{ko: \"> 10%\", for: 30s}]");
    }
    List<StopCriterion> criteria = new ArrayList<>();
    int i = 0;
    for (JsonNode item : node) {
      criteria.add(one(item, where + "[" + i++ + "]"));
    }
    return List.copyOf(criteria);
  }

  private static StopCriterion one(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          where + " must be a mapping such as {ko: \"> 10%\", for: 30s}, not '" + text(node) + "'");
    }
    List<Metric> metrics = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            where
                + ": unknown field '"
                + printable(field)
                + "'; known fields: "
                + String.join(", ", new TreeSet<>(FIELDS)));
      }
      Metric.of(field).ifPresent(metrics::add);
    }
    if (metrics.size() != 1) {
      throw new IllegalArgumentException(
          where
              + (metrics.isEmpty() ? " names no figure" : " names " + metrics.size() + " figures")
              + "; give exactly one of ko, p50, p95, p99 or injectorSaturated, "
              + EXAMPLES);
    }
    Metric metric = metrics.get(0);
    JsonNode value = node.get(metric.key());
    Optional<String> request = Optional.empty();
    if (node.hasNonNull("request")) {
      if (metric == Metric.INJECTOR_SATURATED) {
        throw new IllegalArgumentException(
            where + ": request applies to ko and percentiles, not to injectorSaturated");
      }
      String r = text(node.get("request"));
      if (!node.get("request").isValueNode() || !REQUEST.matcher(r).matches()) {
        throw new IllegalArgumentException(
            where
                + ": request '"
                + printable(r)
                + "' is not a request name such as upload or heartbeat");
      }
      request = Optional.of(r);
    }
    if (!node.hasNonNull("for")) {
      throw new IllegalArgumentException(
          where + ": for is required: how long it must hold before the run stops, e.g. for: 30s");
    }
    Duration window = window(node.get("for"), where);
    if (metric == Metric.INJECTOR_SATURATED) {
      if (!text(value).equals("true")) {
        throw new IllegalArgumentException(
            where
                + ": injectorSaturated must be true, not '"
                + printable(text(value))
                + "' (leave the criterion out instead)");
      }
      return new StopCriterion(metric, Optional.empty(), 0, false, window);
    }
    String comparison = text(value).trim();
    Matcher m = COMPARISON.matcher(comparison);
    String field = where + " " + metric.key();
    if (!value.isValueNode() || !m.matches()) {
      throw new IllegalArgumentException(
          field
              + ": '"
              + printable(comparison)
              + "' is not a comparison; write "
              + (metric == Metric.KO ? "\"> 10%\"" : "\"> 15s\" or \"> 1500ms\""));
    }
    double amount = Double.parseDouble(m.group(2));
    String unit = m.group(3);
    double threshold;
    if (metric == Metric.KO) {
      if (unit != null && !unit.equals("%")) {
        throw new IllegalArgumentException(
            field + ": '" + comparison + "' is a time; ko is a percentage, e.g. \"> 10%\"");
      }
      if (amount >= 100 && m.group(1).equals(">")) {
        throw new IllegalArgumentException(
            field + ": '" + comparison + "' can never hold; KO is at most 100%");
      }
      threshold = amount;
    } else {
      if (unit == null || unit.equals("%")) {
        throw new IllegalArgumentException(
            field
                + ": '"
                + comparison
                + "' has no time unit; write e.g. \"> 15s\" or \"> 1500ms\"");
      }
      threshold =
          switch (unit) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            default -> amount * 1000;
          };
    }
    return new StopCriterion(metric, request, threshold, m.group(1).equals(">="), window);
  }

  private static Duration window(JsonNode node, String where) {
    String text = text(node);
    if (!node.isValueNode()) {
      throw new IllegalArgumentException(where + ": for must be a duration such as 30s or 2m");
    }
    Matcher d = InventoryLoader.DURATION.matcher(text.trim());
    if (text.length() <= 40 && d.matches()) {
      double amount = Double.parseDouble(d.group(1));
      String unit = d.group(2) == null ? "s" : d.group(2);
      double millis =
          amount
              * switch (unit) {
                case "ms" -> 1;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 1000;
              };
      if (millis <= InventoryLoader.MAX_PHASE.toMillis()) {
        return Duration.ofMillis(Math.round(millis));
      }
    }
    {
      throw new IllegalArgumentException(
          where
              + ": for '"
              + printable(text)
              + "' is not a duration; write e.g. 30s, 90s or 2m (a bare number is seconds)");
    }
  }

  private static String text(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
  }

  private static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** Control characters shown escaped, so a message cannot rewrite the terminal. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
