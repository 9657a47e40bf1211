package dev.loadfleet.config;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofDays;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;

import dev.loadfleet.units.Quantities;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every workload key, in one table: its name (the same in {@code conf/workload-*.yaml} and as a
 * {@code -D} property), its default, the values it accepts, and where its value lives in a {@link
 * Workload}. Parsing, error messages, {@link Workload#toProperties()} and the README's knobs table
 * all follow this table.
 */
public enum WorkloadKey {
  profile(
      "smoke", Rule.text("smoke, full, or NAME with conf/workload-NAME.yaml"), Workload::profile),
  baseUrl("", Rule.baseUrl(), w -> w.target().baseUrl()),
  examId("30", Rule.id(1, 64), w -> w.target().examId()),
  studentIdPrefix("test_", Rule.id(0, 32), w -> w.population().studentIdPrefix()),
  idOffset("0", Rule.integer(0, 1_000_000_000), w -> w.population().idOffset()),
  users("500", Rule.integer(1, 1_000_000), w -> w.population().users()),
  rampRate("10", Rule.rate(100_000), w -> w.population().rampRate()),
  steadyDuration(
      "10m",
      Rule.duration(ZERO, ofDays(7), ", e.g. 30s, 10m"),
      w -> w.population().steadyDuration()),
  uploadInterval("30s", Rule.duration(ofMillis(100), ofDays(1)), w -> w.upload().interval()),
  recordingSize("17.5MB", Rule.size(), w -> w.upload().recordingSize()),
  recordingFile("", Rule.recordingFile(), w -> w.upload().recordingFile()),
  heartbeatInterval("10s", Rule.duration(ofMillis(100), ofDays(1)), w -> w.heartbeat().interval()),
  requestTimeout("60s", Rule.duration(ofMillis(100), ofHours(1)), w -> w.target().requestTimeout()),
  startAt(
      "0",
      Rule.wholeNumber(0, Long.MAX_VALUE, "0 (start now) or an epoch time in milliseconds"),
      w -> w.population().startAt()),
  progressFile(
      "",
      Rule.optionalPath(
          "empty (none) or the path of a JSON file the simulation rewrites every second with what"
              + " its students have done so far"),
      Workload::progressFile),
  stopFile(
      "",
      Rule.optionalPath(
          "empty (none) or the path of a file whose appearance ends the run early: the students"
              + " leave and Gatling ends normally, writing out its log (set by the launcher)"),
      Workload::stopFile),
  uploadPath("/upload", Rule.urlPath(), w -> w.upload().path()),
  uploadMethod("POST", Rule.method(), w -> w.upload().method()),
  heartbeatPath("/heartbeat", Rule.urlPath(), w -> w.heartbeat().path()),
  heartbeatMethod("POST", Rule.method(), w -> w.heartbeat().method()),
  fileField("file", Rule.field(), w -> w.form().fileField()),
  studentIdField("studentId", Rule.field(), w -> w.form().studentIdField()),
  examIdField("examId", Rule.field(), w -> w.form().examIdField()),
  seqField("seq", Rule.field(), w -> w.form().seqField()),
  checksumField("sha256", Rule.field(), w -> w.form().checksumField()),
  sizeField("size", Rule.field(), w -> w.form().sizeField()),
  extraFields("", Rule.pairs(), w -> w.form().extraFields()),
  authHeader("", Rule.header(), w -> w.target().authHeader()),
  sloFailedPercent("5", Rule.percentage(), w -> w.slo().failedPercent()),
  sloMeanMs("5000", Rule.millis(1, 3_600_000), w -> w.slo().meanMs()),
  sloP95Ms("15000", Rule.millis(1, 3_600_000), w -> w.slo().p95Ms()),
  serviceDataDir(
      "target/server_data",
      Rule.path("a directory path (embedded service only)"),
      w -> w.service().dataDir()),
  serviceDiscard(
      "false", Rule.bool("true or false (embedded service only)"), w -> w.service().discard()),
  secretsFile(
      "",
      Rule.optionalPath(
          "empty (none) or the path of a JSON object of secret knobs (\"name\": \"value\"),"
              + " readable by its owner only"),
      Workload::secretsFile);

  private final String defaultValue;
  private final Rule rule;
  private final Function<Workload, Object> valueIn;

  WorkloadKey(String defaultValue, Rule rule, Function<Workload, Object> valueIn) {
    this.defaultValue = defaultValue;
    this.rule = rule;
    this.valueIn = valueIn;
  }

  public String defaultValue() {
    return defaultValue;
  }

  /** The accepted values, as said in error messages and the README. */
  public String range() {
    return rule.range;
  }

  /** The key with exactly this name, or null. */
  static WorkloadKey named(String name) {
    for (WorkloadKey k : values()) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  /**
   * The value of this key in {@code text}: an Integer, Long, Double, Boolean, String, Duration,
   * Path (null for an empty optional path) or an ordered Map, as the part that holds it expects.
   *
   * @param source where the text came from ("default", a profile file, "-Dkey"), for the message
   * @throws InvalidWorkloadException naming the key, the value, its source, the problem and the
   *     range
   */
  Object parse(String text, String source) {
    return parse(text, source, false);
  }

  /**
   * As {@link #parse(String, String)}; {@code secret}: the value is a credential, never shown (the
   * auth header's never is).
   */
  Object parse(String text, String source, boolean secret) {
    String v = text.trim();
    try {
      return rule.parse.apply(v);
    } catch (Problem p) {
      throw new InvalidWorkloadException(
          "workload key '"
              + name()
              + "' = '"
              + (secret || this == authHeader ? "***" : ConfigFile.printable(v))
              + "' (from "
              + source
              + "): "
              // A problem may quote the value, or a part of it.
              + (secret ? "not accepted (a secret value is not shown)" : p.getMessage())
              + "; accepted: "
              + range());
    }
  }

  /** This key's value in {@code workload}, written back as text that {@link #parse} reads. */
  String format(Workload workload) {
    Object v = valueIn.apply(workload);
    if (v == null) {
      return "";
    }
    if (v instanceof Duration d) {
      return d.toMillis() + "ms";
    }
    if (v instanceof Map<?, ?> pairs) {
      StringBuilder sb = new StringBuilder();
      pairs.forEach(
          (k, value) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(value));
      return sb.toString();
    }
    return v.toString();
  }

  /** What is wrong with a value, said in a few words; {@link #parse} adds key, source and range. */
  private static final class Problem extends RuntimeException {
    Problem(String problem) {
      super(problem, null, false, false);
    }
  }

  /** How one key's text (trimmed) becomes a value, and the accepted range said to the user. */
  private static final class Rule {
    /** Ids that are safe as one path segment on the service: letters, digits, '_' and '-'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}:\\s*\\S.*");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./~#{}-]*");

    /**
     * The injector maps the whole recording from one file into one buffer, whose int indices cap it
     * below 2 GiB.
     */
    private static final long MAX_RECORDING = 1L << 30;

    final String range;
    final Function<String, Object> parse;

    private Rule(String range, Function<String, Object> parse) {
      this.range = range;
      this.parse = parse;
    }

    static Rule text(String range) {
      return new Rule(range, v -> v);
    }

    static Rule id(int minLength, int maxLength) {
      return new Rule(
          minLength + "-" + maxLength + " of [A-Za-z0-9_-]",
          v -> {
            if (v.length() < minLength || !(v.isEmpty() || ID.matcher(v).matches())) {
              throw new Problem("not a safe id");
            }
            if (v.length() > maxLength) {
              throw new Problem("too long");
            }
            return v;
          });
    }

    static Rule integer(int min, int max) {
      return new Rule("an integer from " + min + " to " + max, v -> (int) whole(v, min, max));
    }

    static Rule millis(long min, long max) {
      return wholeNumber(min, max, "milliseconds from " + min + " to " + max);
    }

    static Rule wholeNumber(long min, long max, String range) {
      return new Rule(range, v -> whole(v, min, max));
    }

    static Rule percentage() {
      return new Rule("a percentage from 0 to 100", v -> decimal(v, 0, 100));
    }

    static Rule rate(int max) {
      return new Rule(
          "users per second, a number above 0 and at most " + max,
          v -> {
            double rate = decimal(v, 0, max);
            if (rate <= 0) {
              throw new Problem("must be above 0");
            }
            return rate;
          });
    }

    static Rule duration(Duration min, Duration max) {
      return duration(min, max, "");
    }

    /** {@code example} follows the range, e.g. ", e.g. 30s, 10m". */
    static Rule duration(Duration min, Duration max, String example) {
      return new Rule(
          "a duration from " + compact(min) + " to " + compact(max) + example,
          v -> {
            Duration d;
            try {
              d = Quantities.parseDuration(required(v));
            } catch (IllegalArgumentException e) {
              throw new Problem(e.getMessage());
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
              throw new Problem("out of range");
            }
            return d;
          });
    }

    static Rule size() {
      return new Rule(
          "a size from 1 byte to 1GiB, e.g. 17.5MB (10^6 bytes), 2MiB",
          v -> {
            long size;
            try {
              size = Quantities.parseSize(required(v));
            } catch (IllegalArgumentException e) {
              throw new Problem(e.getMessage());
            }
            if (size < 1 || size > MAX_RECORDING) {
              throw new Problem("out of range");
            }
            return size;
          });
    }

    static Rule recordingFile() {
      return new Rule(
          "empty (generated bytes) or a readable file of at most 1GiB",
          v -> {
            Path p = optional(v);
            if (p == null) {
              return null;
            }
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
              throw new Problem("no readable file at " + p.toAbsolutePath());
            }
            try {
              long size = Files.size(p);
              if (size < 1 || size > MAX_RECORDING) {
                throw new Problem("file size " + size + " bytes is out of range");
              }
            } catch (IOException e) {
              throw new Problem(e.getMessage());
            }
            return p;
          });
    }

    static Rule optionalPath(String range) {
      return new Rule(range, Rule::optional);
    }

    static Rule path(String range) {
      return new Rule(range, v -> optional(required(v)));
    }

    static Rule bool(String range) {
      return new Rule(
          range,
          v -> {
            String b = required(v).toLowerCase(Locale.ROOT);
            if (!b.equals("true") && !b.equals("false")) {
              throw new Problem("not a boolean");
            }
            return Boolean.parseBoolean(b);
          });
    }

    static Rule baseUrl() {
      return new Rule(
          "empty (embedded stand-in service) or an absolute http(s) URL",
          v -> {
            if (v.isEmpty()) {
              return v;
            }
            try {
              URI uri = new URI(v);
              if (uri.getScheme() == null
                  || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                  || uri.getHost() == null) {
                throw new Problem("not an absolute http(s) URL with a host");
              }
            } catch (URISyntaxException e) {
              throw new Problem("malformed URL: " + e.getMessage());
            }
            return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
          });
    }

    static Rule urlPath() {
      return new Rule(
          "a URL path starting with '/' (#{examId} and #{studentId} allowed)",
          v -> {
            if (!PATH.matcher(required(v)).matches() || v.contains("..")) {
              throw new Problem("not a URL path");
            }
            return v;
          });
    }

    static Rule method() {
      return new Rule(
          "POST or PUT",
          v -> {
            String m = required(v).toUpperCase(Locale.ROOT);
            if (!m.equals("POST") && !m.equals("PUT")) {
              throw new Problem("unsupported method");
            }
            return m;
          });
    }

    static Rule field() {
      return new Rule(
          "a form field name: 1-64 of [A-Za-z0-9_.-]",
          v -> {
            if (!FIELD.matcher(required(v)).matches()) {
              throw new Problem("not a form field name");
            }
            return v;
          });
    }

    static Rule pairs() {
      return new Rule(
          "empty or name=value pairs separated by ',' (e.g. client=web,v=2)",
          v -> {
            Map<String, String> fields = new LinkedHashMap<>();
            if (v.isEmpty()) {
              return fields;
            }
            for (String pair : v.split(",")) {
              int eq = pair.indexOf('=');
              if (eq <= 0 || !FIELD.matcher(pair.substring(0, eq).trim()).matches()) {
                throw new Problem("'" + pair + "' is not name=value");
              }
              fields.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            return Collections.unmodifiableMap(fields);
          });
    }

    static Rule header() {
      return new Rule(
          "empty or one header 'Name: value' sent with every request",
          v -> {
            if (!v.isEmpty() && !HEADER.matcher(v).matches()) {
              throw new Problem("not 'Name: value'");
            }
            return v;
          });
    }

    private static String required(String v) {
      if (v.isEmpty()) {
        throw new Problem("must not be empty");
      }
      return v;
    }

    private static long whole(String v, long min, long max) {
      long n;
      try {
        n = Long.parseLong(required(v));
      } catch (NumberFormatException e) {
        throw new Problem("not an integer");
      }
      if (n < min || n > max) {
        throw new Problem("out of range");
      }
      return n;
    }

    private static double decimal(String v, double min, double max) {
      double d;
      try {
        d = Double.parseDouble(required(v));
      } catch (NumberFormatException e) {
        throw new Problem("not a number");
      }
      if (!(d >= min && d <= max)) {
        throw new Problem("out of range");
      }
      return d;
    }

    private static Path optional(String v) {
      try {
        return v.isEmpty() ? null : Path.of(v);
      } catch (InvalidPathException e) {
        throw new Problem("not a file path");
      }
    }

    /** A bound as the user writes it: 0, 100ms, 1h, 1d. */
    private static String compact(Duration d) {
      if (d.isZero()) {
        return "0";
      }
      if (d.toMillis() % 86_400_000 == 0) {
        return d.toDays() + "d";
      }
      if (d.toMillis() % 3_600_000 == 0) {
        return d.toHours() + "h";
      }
      return d.toMillis() + "ms";
    }
  }
}
