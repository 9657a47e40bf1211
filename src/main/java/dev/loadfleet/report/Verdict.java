package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reader should know first about a run, one sentence each, judged from summary.json alone: a
 * stop, assertions, lost and partial hosts, saturated injectors, hosts whose KO % or p95 stand
 * apart, late starters, clock offsets, and the service's own count.
 *
 * <p>When a host stands apart:
 *
 * <ul>
 *   <li><b>p95</b>: above twice the median of the other hosts' p95, and at least {@value
 *       #P95_FLOOR_MS} ms above it (below that, scheduling noise on a busy injector dominates), on
 *       at least {@value #MIN_REQUESTS} requests (a percentile of fewer is noise).
 *   <li><b>KO %</b>: above the other hosts' pooled KO rate by more than 1 percentage point and by
 *       more than three standard errors of a rate at the others' level over this host's requests,
 *       {@code 3 * sqrt(p * (1 - p) / n)}. Three standard errors means chance alone flags a host
 *       about once in 700 runs; the point keeps a difference that is real but immaterial (0.01 %
 *       against 0.05 % over a million requests) out of the verdict.
 *   <li><b>Lateness</b>: a first user more than {@value #LATE_MS} ms from T0 either way.
 * </ul>
 */
final class Verdict {
  static final long LATE_MS = 500;
  static final long P95_FLOOR_MS = 10;
  static final long MIN_REQUESTS = 20;
  static final double KO_MARGIN_POINTS = 1.0;

  /** How a finding reads: bad and warn are flagged, info is context, good says all is well. */
  enum Level {
    BAD,
    WARN,
    INFO,
    GOOD;

    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One sentence of the verdict.
   *
   * @param topic what it is about: stopped, assertions, log, state, saturation, ko, p95, lateness,
   *     clock, service or all
   * @param about the host it is about, or "" for the run
   */
  record Finding(Level level, String topic, String about, String text) {}

  private Verdict() {}

  static List<Finding> of(JsonNode summary) {
    List<Finding> out = new ArrayList<>();
    stopped(summary, out);
    assertions(summary, out);
    List<JsonNode> hosts = new ArrayList<>();
    summary.path("inputs").forEach(hosts::add);
    for (JsonNode h : summary.path("hostsWithoutLog")) {
      String state = h.path("state").asText("no log");
      out.add(
          new Finding(
              Level.BAD,
              "log",
              name(h),
              name(h)
                  + " sent no log ("
                  + state
                  + message(h)
                  + "), so none of its requests are in the report."));
    }
    for (JsonNode h : hosts) {
      finished(h, out);
    }
    for (JsonNode h : hosts) {
      saturated(h, out);
    }
    koApart(hosts, out);
    p95Apart(hosts, out);
    late(summary, hosts, out);
    clocks(hosts, out);
    service(summary, out);
    if (out.stream().noneMatch(f -> f.level() == Level.BAD || f.level() == Level.WARN)) {
      out.add(
          0,
          new Finding(
              Level.GOOD,
              "all",
              "",
              "Nothing stands out: "
                  + hosts.size()
                  + (hosts.size() == 1 ? " host" : " hosts")
                  + " finished, none saturated, none late, and their KO % and p95 are alike."));
    }
    return out;
  }

  static ArrayNode json(List<Finding> findings) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (Finding f : findings) {
      a.addObject()
          .put("level", f.level().id())
          .put("topic", f.topic())
          .put("about", f.about())
          .put("text", f.text());
    }
    return a;
  }

  private static void stopped(JsonNode summary, List<Finding> out) {
    JsonNode s = summary.path("stopped");
    if (s.isMissingNode() || s.isNull()) {
      return;
    }
    out.add(new Finding(Level.BAD, "stopped", "", stopSentence(s)));
  }

  /** "The run was stopped early by the operator at 10:41:07 UTC: detail." */
  static String stopSentence(JsonNode s) {
    StringBuilder b = new StringBuilder("The run was stopped early");
    String by = s.path("by").asText("");
    if (!by.isEmpty()) {
      b.append(" by ").append(byWords(by));
    }
    String at = at(s);
    if (!at.isEmpty()) {
      b.append(" at ").append(at);
    }
    String detail = s.path("detail").asText("");
    if (!detail.isEmpty()) {
      b.append(": ").append(trimPeriod(detail));
    }
    JsonNode criterion = s.path("criterion");
    if (criterion.isObject()
        && criterion.has("name")
        && !detail.contains(criterion.path("name").asText())) {
      b.append(" (criterion ").append(criterion.path("name").asText()).append(')');
    }
    return b.append('.').toString();
  }

  /** The stop's instant in words, from an ISO text or epoch milliseconds. */
  static String at(JsonNode s) {
    JsonNode at = s.path("at");
    if (at.isNumber()) {
      return Human.instant(at.asLong());
    }
    if (at.isTextual()) {
      try {
        return Human.instant(java.time.Instant.parse(at.asText()).toEpochMilli());
      } catch (java.time.format.DateTimeParseException e) {
        return at.asText();
      }
    }
    return "";
  }

  private static String byWords(String by) {
    return switch (by) {
      case "ctrl-c" -> "Ctrl+C on the launcher";
      case "operator" -> "the operator (loadfleet stop)";
      case "criterion" -> "a stop criterion";
      case "launcher" -> "the launcher";
      default -> by;
    };
  }

  private static void assertions(JsonNode summary, List<Finding> out) {
    JsonNode asserts = summary.path("assertions");
    List<String> failed = new ArrayList<>();
    for (JsonNode a : asserts) {
      if (!a.path("passed").asBoolean()) {
        failed.add(a.path("assertion").asText() + " (actual " + a.path("actual").asText() + ")");
      }
    }
    if (!failed.isEmpty()) {
      out.add(
          new Finding(
              Level.BAD,
              "assertions",
              "",
              failed.size()
                  + " of "
                  + asserts.size()
                  + " Gatling assertions failed: "
                  + String.join("; ", failed)
                  + "."));
    } else if (!summary.path("assertionsPassed").asBoolean(true)) {
      out.add(new Finding(Level.BAD, "assertions", "", "Gatling judged the assertions failed."));
    } else if (asserts.size() > 0) {
      out.add(
          new Finding(
              Level.INFO,
              "assertions",
              "",
              (asserts.size() == 1
                      ? "The Gatling assertion"
                      : "All " + asserts.size() + " Gatling assertions")
                  + " held."));
    }
  }

  private static void finished(JsonNode h, List<Finding> out) {
    String state = h.path("state").asText("");
    if (!state.isEmpty() && !state.equals("ok")) {
      out.add(
          new Finding(
              Level.BAD,
              "state",
              name(h),
              name(h)
                  + " did not finish ("
                  + state
                  + message(h)
                  + "): the report holds its requests up to its last written record only."));
    } else if (h.path("truncated").asBoolean()) {
      out.add(
          new Finding(
              Level.BAD,
              "log",
              name(h),
              name(h)
                  + "'s log ends inside a record (injector killed?), so its last requests are"
                  + " missing from the report."));
    }
  }

  private static void saturated(JsonNode h, List<Finding> out) {
    List<String> flags = new ArrayList<>();
    for (JsonNode f : h.path("saturation")) {
      if (f.has("text")) {
        flags.add(f.get("text").asText());
      }
    }
    if (!flags.isEmpty()) {
      out.add(
          new Finding(
              Level.BAD,
              "saturation",
              name(h),
              name(h)
                  + " was saturated, so its response times then include its own queueing: "
                  + String.join("; ", flags)
                  + "."));
    }
  }

  private static void koApart(List<JsonNode> hosts, List<Finding> out) {
    for (JsonNode h : hosts) {
      long n = h.path("requests").asLong();
      long others = 0;
      long othersKo = 0;
      for (JsonNode o : hosts) {
        if (o != h) {
          others += o.path("requests").asLong();
          othersKo += o.path("ko").asLong();
        }
      }
      if (n == 0 || others == 0) {
        continue;
      }
      double rate = h.path("ko").asLong() / (double) n;
      double p = othersKo / (double) others;
      double margin = Math.max(KO_MARGIN_POINTS / 100, 3 * Math.sqrt(p * (1 - p) / n));
      if (rate - p > margin) {
        out.add(
            new Finding(
                Level.BAD,
                "ko",
                name(h),
                name(h)
                    + "'s KO rate of "
                    + Human.percent(100 * rate)
                    + " stands apart from the other hosts' "
                    + Human.percent(100 * p)
                    + " (more than "
                    + points(100 * margin)
                    + " above it): look at its network path or the service node it reached."));
      }
    }
  }

  private static void p95Apart(List<JsonNode> hosts, List<Finding> out) {
    for (JsonNode h : hosts) {
      if (h.path("requests").asLong() < MIN_REQUESTS || !h.has("p95Ms")) {
        continue;
      }
      List<Long> others = new ArrayList<>();
      for (JsonNode o : hosts) {
        if (o != h && o.has("p95Ms") && o.path("requests").asLong() > 0) {
          others.add(o.get("p95Ms").asLong());
        }
      }
      if (others.isEmpty()) {
        continue;
      }
      double median = median(others);
      long p95 = h.get("p95Ms").asLong();
      if (p95 > 2 * median && p95 - median >= P95_FLOOR_MS) {
        out.add(
            new Finding(
                Level.BAD,
                "p95",
                name(h),
                name(h)
                    + "'s p95 of "
                    + Human.ms(p95)
                    + " is more than twice the other hosts' median of "
                    + Human.ms(Math.round(median))
                    + ": a slow injector or a slow path to the service."));
      }
    }
  }

  /** Percentage points: "1 point", "2.4 points". */
  static String points(double p) {
    String n = Human.decimals(p, 2).replaceAll("\\.?0+$", "");
    return n + (n.equals("1") ? " point" : " points");
  }

  static double median(List<Long> values) {
    List<Long> s = new ArrayList<>(values);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
  }

  private static void late(JsonNode summary, List<JsonNode> hosts, List<Finding> out) {
    boolean t0 = "t0".equals(summary.path("latenessFrom").asText());
    String from = t0 ? "T0" : "the earliest host's first user";
    for (JsonNode h : hosts) {
      if (!h.has("startLatenessMs")) {
        continue;
      }
      long late = h.get("startLatenessMs").asLong();
      if (Math.abs(late) > LATE_MS) {
        out.add(
            new Finding(
                Level.WARN,
                "lateness",
                name(h),
                name(h)
                    + " started its first user "
                    + Human.duration(Math.abs(late))
                    + (late > 0 ? " after " : " before ")
                    + from
                    + " (more than "
                    + LATE_MS
                    + " ms "
                    + (late > 0 ? "late" : "early, a sign of a wrong clock offset")
                    + ")"
                    + (t0
                        ? ""
                        : "; no common start instant was given (logs merged by `loadfleet report`)")
                    + "."));
      }
    }
  }

  private static void clocks(List<JsonNode> hosts, List<Finding> out) {
    boolean measured = hosts.stream().anyMatch(h -> h.has("clockUncertaintyMs"));
    boolean any = hosts.stream().anyMatch(h -> h.path("clockOffsetMs").asLong() != 0);
    if (!measured) {
      if (any) {
        List<String> given = new ArrayList<>();
        for (JsonNode h : hosts) {
          if (h.path("clockOffsetMs").asLong() != 0) {
            given.add(name(h) + " " + Human.signedMs(h.path("clockOffsetMs").asLong()));
          }
        }
        out.add(
            new Finding(
                Level.INFO,
                "clock",
                "",
                "Clock offsets given on the command line (host minus reference), corrected in every"
                    + " chart: "
                    + String.join(", ", given)
                    + "."));
      } else if (hosts.size() > 1) {
        out.add(
            new Finding(
                Level.INFO,
                "clock",
                "",
                "No clock offsets were measured (logs merged by `loadfleet report`): each log's"
                    + " times are taken as its host wrote them."));
      }
      return;
    }
    List<String> off = new ArrayList<>();
    long within = 0;
    long worstUncertainty = 0;
    String worstHost = "";
    for (JsonNode h : hosts) {
      long o = h.path("clockOffsetMs").asLong();
      long u = h.path("clockUncertaintyMs").asLong();
      if (u > worstUncertainty) {
        worstUncertainty = u;
        worstHost = name(h);
      }
      if (Math.abs(o) > 100) {
        off.add(name(h) + " " + Human.signedMs(o) + " \u00b1 " + u + " ms");
      } else {
        within = Math.max(within, Math.abs(o) + u);
      }
    }
    String text =
        off.isEmpty()
            ? "Every host's clock is within "
                + within
                + " ms of the launcher's (offsets corrected in every chart)."
            : "Clock offsets (host minus launcher), corrected in every chart: "
                + String.join(", ", off)
                + (off.size() < hosts.size() ? "; the others within " + within + " ms" : "")
                + ".";
    out.add(new Finding(Level.INFO, "clock", "", text));
    if (worstUncertainty > 100) {
      out.add(
          new Finding(
              Level.WARN,
              "clock",
              worstHost,
              worstHost
                  + "'s clock offset is uncertain by \u00b1 "
                  + worstUncertainty
                  + " ms, so its start and its charts may be off by as much against the others."));
    }
  }

  private static void service(JsonNode summary, List<Finding> out) {
    JsonNode s = summary.path("service");
    if (s.isMissingNode()) {
      return;
    }
    String host = s.path("host").asText();
    long ok = s.path("okUploads").asLong();
    if (s.path("stored").isNull()) {
      out.add(
          new Finding(
              Level.WARN,
              "service",
              host,
              "The service's count on "
                  + host
                  + " could not be read ("
                  + trimPeriod(s.path("problem").asText())
                  + "), so the "
                  + Human.count(ok)
                  + " OK uploads are unconfirmed."));
      return;
    }
    long stored = s.path("stored").asLong();
    if (stored == ok) {
      out.add(
          new Finding(
              Level.INFO,
              "service",
              host,
              "The service on "
                  + host
                  + " stored "
                  + Human.count(stored)
                  + " recordings, as many as the report's OK uploads."));
    } else {
      out.add(
          new Finding(
              Level.BAD,
              "service",
              host,
              "The service on "
                  + host
                  + " stored "
                  + Human.count(stored)
                  + " recordings but the report counts "
                  + Human.count(ok)
                  + " OK uploads ("
                  + (stored < ok
                      ? Human.count(ok - stored)
                          + " acknowledged uploads are missing on the service"
                      : Human.count(stored - ok)
                          + " more stored than acknowledged: other writers, or files from earlier runs")
                  + ")."));
    }
  }

  private static String name(JsonNode h) {
    return h.path("name").asText();
  }

  private static String message(JsonNode h) {
    String m = h.path("message").asText("");
    return m.isEmpty() ? "" : ": " + trimPeriod(m);
  }

  private static String trimPeriod(String s) {
    String t = s.strip();
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
  }
}
