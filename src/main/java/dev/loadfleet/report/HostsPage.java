package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.health.HealthSample;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.health.SaturationFlag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * hosts.html: telling a sick injector from a sick service. In Gatling's look and beside its pages
 * (a tab next to "Global" and "Details"): the verdict first, then the exact percentiles beside
 * Gatling's estimates, the service's own count, one row per injector in human units, one chart per
 * metric with every host as a series (so an outlier stands out), and a section per host.
 *
 * <p>Every chart is on the wall-clock axis of Gatling's own charts: the merged log's clock, which
 * is the launcher's, each host's times corrected by its clock offset; the health samples were timed
 * by the launcher as they arrived. Figures come from summary.json, so the page and the JSON never
 * disagree; series come from the {@link Timeline}, already downsampled to at most {@value
 * Timeline#MAX_BUCKETS} points each, so the page stays light in a browser.
 */
final class HostsPage {
  /**
   * A guide line on the memory charts, not a saturation check: past it the kernel reclaims page
   * cache hard and the JVM's own pauses grow.
   */
  static final double MEMORY_GUIDE_PCT = 90;

  /** Everything the page shows. */
  record Input(
      ObjectNode summary,
      Timeline timeline,
      long startMs,
      Map<String, HostHealth> health,
      Optional<String> detailsPage) {}

  private HostsPage() {}

  static String render(Input in) {
    ObjectNode s = in.summary();
    List<JsonNode> hosts = new ArrayList<>();
    s.path("inputs").forEach(hosts::add);
    List<String> names = requestNames(in);
    String simulation = shortName(s.path("simulation").asText());

    List<GatlingLook.Nav> nav = new ArrayList<>();
    nav.add(new GatlingLook.Nav("verdict", "Verdict"));
    nav.add(new GatlingLook.Nav("exact", "Exact percentiles"));
    if (s.has("service")) {
      nav.add(new GatlingLook.Nav("service", "Service's count"));
    }
    nav.add(new GatlingLook.Nav("injectors", "Injectors"));
    nav.add(new GatlingLook.Nav("chart-users", "Active users"));
    nav.add(new GatlingLook.Nav("chart-rps", "Requests / sec"));
    nav.add(new GatlingLook.Nav("chart-ko", "KO / sec"));
    for (int i = 0; i < names.size(); i++) {
      nav.add(new GatlingLook.Nav("chart-p95-" + i, "p95 of " + names.get(i)));
    }
    boolean health = !in.health().isEmpty();
    if (health) {
      nav.add(new GatlingLook.Nav("chart-upload", "Upload MB/s"));
      nav.add(new GatlingLook.Nav("chart-cpu", "CPU"));
      nav.add(new GatlingLook.Nav("chart-nic", "NIC"));
      nav.add(new GatlingLook.Nav("chart-mem", "Memory"));
    }
    for (int i = 0; i < hosts.size(); i++) {
      nav.add(new GatlingLook.Nav("host-" + i, hosts.get(i).path("name").asText()));
    }
    List<GatlingLook.Tab> tabs = new ArrayList<>();
    tabs.add(new GatlingLook.Tab("Global", "index.html", false));
    in.detailsPage().ifPresent(d -> tabs.add(new GatlingLook.Tab("Details", d, false)));
    tabs.add(new GatlingLook.Tab("Injectors", Reporter.HOSTS_PAGE, true));

    StringBuilder b = new StringBuilder(1 << 16);
    GatlingLook.open(b, "Injectors: " + simulation, simulation, tabs, nav, true);
    if (s.has("stopped")) {
      b.append("<div class=\"lf-banner\" id=\"stopped\">")
          .append(GatlingLook.esc(Verdict.stopSentence(s.get("stopped"))))
          .append("</div>\n");
    }
    verdict(b, s);
    exact(b, s);
    service(b, s);
    injectors(b, s, hosts);
    b.append("<div class=\"lf-block\"><p>Every chart below shares Gatling's time axis (the")
        .append(" launcher's clock; each host's times corrected by its clock offset). A point")
        .append(" covers ")
        .append(GatlingLook.esc(Human.duration(in.timeline().widthMs())))
        .append(
            "; response times are exact percentiles of the OK requests started in it.</p></div>\n");
    GatlingLook.chart(b, "chart-users");
    GatlingLook.chart(b, "chart-rps");
    GatlingLook.chart(b, "chart-ko");
    for (int i = 0; i < names.size(); i++) {
      GatlingLook.chart(b, "chart-p95-" + i);
    }
    if (health) {
      GatlingLook.chart(b, "chart-upload");
      GatlingLook.chart(b, "chart-cpu");
      GatlingLook.chart(b, "chart-nic");
      GatlingLook.chart(b, "chart-mem");
    }
    for (int i = 0; i < hosts.size(); i++) {
      hostSection(
          b, s, i, hosts.get(i), in.health().containsKey(hosts.get(i).path("name").asText()));
    }
    GatlingLook.close(b);
    b.append("<script>\nconst LF = ")
        .append(GatlingLook.scriptJson(data(in, hosts, names).toString()))
        .append(";\n")
        .append(SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void verdict(StringBuilder b, JsonNode s) {
    b.append(
        "<div class=\"lf-block\" id=\"verdict\"><h2>Verdict</h2>\n<ul class=\"lf-verdict\">\n");
    for (JsonNode f : s.path("verdict")) {
      b.append("<li class=\"")
          .append(GatlingLook.esc(f.path("level").asText()))
          .append("\" data-topic=\"")
          .append(GatlingLook.esc(f.path("topic").asText()))
          .append("\">")
          .append(GatlingLook.esc(f.path("text").asText()))
          .append("</li>\n");
    }
    b.append("</ul></div>\n");
  }

  private static void exact(StringBuilder b, JsonNode s) {
    JsonNode g = s.path("global");
    JsonNode est = s.path("gatlingEstimates");
    GatlingLook.table(
        b,
        "exact",
        "All "
            + Human.count(g.path("requests").asLong())
            + " requests: exact figures beside Gatling's estimates",
        List.of("Figure", "Exact (loadfleet)", "Gatling's estimate", "Gatling's error"));
    String[][] rows = {
      {"minMs", "Minimum"},
      {"p50Ms", "50th percentile (median)"},
      {"p75Ms", "75th percentile"},
      {"p95Ms", "95th percentile"},
      {"p99Ms", "99th percentile"},
      {"maxMs", "Maximum"},
      {"meanMs", "Mean"},
    };
    for (String[] r : rows) {
      if (!g.has(r[0])) {
        continue;
      }
      double exact = g.get(r[0]).asDouble();
      b.append("<tr data-figure=\"")
          .append(r[0])
          .append("\"><td class=\"total lf-name\">")
          .append(r[1])
          .append("</td><td class=\"value total\" data-value=\"")
          .append(g.get(r[0]).asText())
          .append("\">")
          .append(r[0].equals("meanMs") ? Human.ms(exact) : Human.ms(g.get(r[0]).asLong()))
          .append("</td>");
      if (est.has(r[0])) {
        long e = est.get(r[0]).asLong();
        double diff = e - exact;
        b.append("<td class=\"value total\" data-value=\"")
            .append(e)
            .append("\">")
            .append(Human.ms(e))
            .append("</td><td class=\"value total\">")
            .append(
                GatlingLook.esc(
                    diff == 0
                        ? "same"
                        : signed(diff)
                            + (exact > 0 ? " (" + signedPercent(100 * diff / exact) + ")" : "")))
            .append("</td>");
      } else {
        b.append("<td class=\"value total\">-</td><td class=\"value total\">-</td>");
      }
      b.append("</tr>\n");
    }
    GatlingLook.end(b);
    b.append(
            "<div class=\"lf-block\"><p>Gatling's own tables estimate percentiles with a t-digest,")
        .append(" which can read several percent high on a long tail; the exact column is the")
        .append(
            " nearest rank over every request of the merged log, as are all percentiles on this")
        .append(" page and in summary.json. Quote the exact figures.</p></div>\n");
  }

  private static void service(StringBuilder b, JsonNode s) {
    JsonNode c = s.path("service");
    if (c.isMissingNode()) {
      return;
    }
    GatlingLook.table(
        b,
        "service",
        "The service's own count of stored recordings",
        List.of(
            "Service host",
            "Stored by the service",
            "OK uploads in this report",
            "Equal",
            "Count command"));
    boolean equal = c.path("equal").asBoolean();
    b.append("<tr><td class=\"total lf-name\">")
        .append(GatlingLook.esc(c.path("host").asText()))
        .append("</td><td class=\"value total\" data-value=\"")
        .append(c.path("stored").isNull() ? "" : c.path("stored").asText())
        .append("\">")
        .append(
            c.path("stored").isNull()
                ? "unknown: " + GatlingLook.esc(c.path("problem").asText())
                : Human.count(c.path("stored").asLong()))
        .append("</td><td class=\"value total\" data-value=\"")
        .append(c.path("okUploads").asText())
        .append("\">")
        .append(Human.count(c.path("okUploads").asLong()))
        .append("</td><td class=\"value ")
        .append(equal ? "ok" : "ko")
        .append("\">")
        .append(equal ? "yes" : "no")
        .append("</td><td class=\"total lf-text\"><code>")
        .append(GatlingLook.esc(c.path("command").asText()))
        .append("</code></td></tr>\n");
    GatlingLook.end(b);
  }

  /** The injector table's columns: header, and how a host's summary entry fills the cell. */
  private static final List<String> HEADERS =
      List.of(
          "Host",
          "State",
          "Requests",
          "KO",
          "KO %",
          "Mean",
          "Median",
          "95th percentile",
          "99th percentile",
          "Maximum",
          "Requests per second",
          "Peak active users",
          "First user after T0",
          "Clock offset (host minus launcher)",
          "CPU busy, peak",
          "NIC sent, peak",
          "Upload, peak",
          "Memory free, lowest",
          "Heap used, peak",
          "Saturated");

  private static void injectors(StringBuilder b, JsonNode s, List<JsonNode> hosts) {
    Set<String> koApart = new HashSet<>();
    Set<String> p95Apart = new HashSet<>();
    Set<String> late = new HashSet<>();
    for (JsonNode f : s.path("verdict")) {
      switch (f.path("topic").asText()) {
        case "ko" -> koApart.add(f.path("about").asText());
        case "p95" -> p95Apart.add(f.path("about").asText());
        case "lateness" -> late.add(f.path("about").asText());
        default -> {}
      }
    }
    List<String> headers = new ArrayList<>(HEADERS);
    headers.set(headers.indexOf("First user after T0"), "First user after " + reference(s));
    GatlingLook.table(b, "injectors", "Injectors", headers);
    for (JsonNode h : hosts) {
      String name = h.path("name").asText();
      JsonNode health = h.path("health");
      long nic = health.path("nicBitsPerSecond").asLong(0);
      b.append("<tr data-host=\"").append(GatlingLook.esc(name)).append("\">");
      b.append("<td class=\"total lf-name\"><a href=\"#host-")
          .append(hosts.indexOf(h))
          .append("\">")
          .append(GatlingLook.esc(name))
          .append("</a></td>");
      String state = h.path("state").asText(h.path("truncated").asBoolean() ? "log cut short" : "");
      cell(
          b, "state", state.isEmpty() ? "-" : state, null, !state.isEmpty() && !state.equals("ok"));
      cell(b, "requests", Human.count(h.path("requests").asLong()), h.get("requests"), false);
      cell(b, "ko", Human.count(h.path("ko").asLong()), h.get("ko"), false);
      cell(
          b,
          "koPercent",
          Human.percent(h.path("koPercent").asDouble()),
          h.get("koPercent"),
          koApart.contains(name));
      cell(
          b,
          "meanMs",
          h.has("meanMs") ? Human.ms(h.get("meanMs").asDouble()) : "-",
          h.get("meanMs"),
          false);
      cell(b, "p50Ms", Human.ms(h.path("p50Ms").asLong(-1)), h.get("p50Ms"), false);
      cell(
          b,
          "p95Ms",
          Human.ms(h.path("p95Ms").asLong(-1)),
          h.get("p95Ms"),
          p95Apart.contains(name));
      cell(b, "p99Ms", Human.ms(h.path("p99Ms").asLong(-1)), h.get("p99Ms"), false);
      cell(b, "maxMs", Human.ms(h.path("maxMs").asLong(-1)), h.get("maxMs"), false);
      cell(
          b,
          "requestsPerSecond",
          Human.perSecond(h.path("requestsPerSecond").asDouble()),
          h.get("requestsPerSecond"),
          false);
      cell(
          b,
          "peakConcurrentUsers",
          Human.count(h.path("peakConcurrentUsers").asLong()),
          h.get("peakConcurrentUsers"),
          false);
      cell(
          b,
          "startLatenessMs",
          h.has("startLatenessMs") ? Human.duration(h.get("startLatenessMs").asLong()) : "-",
          h.get("startLatenessMs"),
          late.contains(name));
      String clock =
          Human.signedMs(h.path("clockOffsetMs").asLong())
              + (h.has("clockUncertaintyMs")
                  ? " \u00b1 " + h.get("clockUncertaintyMs").asLong() + " ms"
                  : "");
      cell(b, "clockOffsetMs", clock, h.get("clockOffsetMs"), false);
      cell(
          b,
          "cpuBusyPctPeak",
          health.has("cpuBusyPctPeak")
              ? Human.percent(health.get("cpuBusyPctPeak").asDouble())
              : "-",
          null,
          false);
      cell(
          b,
          "nicPctPeak",
          health.has("nicPctPeak")
              ? Human.percent(health.get("nicPctPeak").asDouble())
                  + (nic > 0 ? " of " + Human.bitsPerSecond(nic) : "")
              : "-",
          null,
          false);
      cell(
          b,
          "netTxBytesPerSecPeak",
          health.has("netTxBytesPerSecPeak")
              ? Human.megabytesPerSecond(health.get("netTxBytesPerSecPeak").asDouble())
              : "-",
          null,
          false);
      cell(
          b,
          "memAvailableBytesMin",
          health.has("memAvailableBytesMin")
              ? Human.memory(health.get("memAvailableBytesMin").asDouble())
              : "-",
          null,
          false);
      cell(
          b,
          "heapUsedBytesPeak",
          health.path("heapUsedBytesPeak").asLong(-1) >= 0
              ? Human.memory(health.get("heapUsedBytesPeak").asDouble())
              : "-",
          null,
          false);
      List<String> flags = new ArrayList<>();
      h.path("saturation").forEach(f -> flags.add(f.path("text").asText()));
      b.append(
              flags.isEmpty()
                  ? "<td class=\"total lf-text\">"
                  : "<td class=\"total lf-text lf-flag\">")
          .append(
              flags.isEmpty()
                  ? (h.has("health") ? "no" : "-")
                  : GatlingLook.esc(String.join("; ", flags)))
          .append("</td></tr>\n");
    }
    for (JsonNode h : s.path("hostsWithoutLog")) {
      b.append("<tr data-host=\"")
          .append(GatlingLook.esc(h.path("name").asText()))
          .append("\"><td class=\"total lf-name\">")
          .append(GatlingLook.esc(h.path("name").asText()))
          .append("</td><td class=\"value total lf-flag\">")
          .append(GatlingLook.esc(h.path("state").asText("no log")))
          .append("</td><td class=\"total lf-text\" colspan=\"")
          .append(HEADERS.size() - 2)
          .append("\">no log came home")
          .append(h.has("message") ? ": " + GatlingLook.esc(h.path("message").asText()) : "")
          .append("</td></tr>\n");
    }
    JsonNode g = s.path("global");
    b.append(
        "<tr data-host=\"\"><td class=\"total lf-name\"><b>All injectors</b></td><td class=\"value total\"></td>");
    cell(b, "requests", Human.count(g.path("requests").asLong()), g.get("requests"), false);
    cell(b, "ko", Human.count(g.path("ko").asLong()), g.get("ko"), false);
    cell(b, "koPercent", Human.percent(g.path("koPercent").asDouble()), g.get("koPercent"), false);
    cell(
        b,
        "meanMs",
        g.has("meanMs") ? Human.ms(g.get("meanMs").asDouble()) : "-",
        g.get("meanMs"),
        false);
    cell(b, "p50Ms", Human.ms(g.path("p50Ms").asLong(-1)), g.get("p50Ms"), false);
    cell(b, "p95Ms", Human.ms(g.path("p95Ms").asLong(-1)), g.get("p95Ms"), false);
    cell(b, "p99Ms", Human.ms(g.path("p99Ms").asLong(-1)), g.get("p99Ms"), false);
    cell(b, "maxMs", Human.ms(g.path("maxMs").asLong(-1)), g.get("maxMs"), false);
    cell(
        b,
        "requestsPerSecond",
        Human.perSecond(g.path("requestsPerSecond").asDouble()),
        g.get("requestsPerSecond"),
        false);
    cell(
        b,
        "peakConcurrentUsers",
        Human.count(g.path("peakConcurrentUsers").asLong()),
        g.get("peakConcurrentUsers"),
        false);
    b.append("<td class=\"value total\"></td>".repeat(HEADERS.size() - 12)).append("</tr>\n");
    GatlingLook.end(b);
  }

  private static void cell(
      StringBuilder b, String field, String text, JsonNode value, boolean flag) {
    b.append("<td class=\"value total")
        .append(flag ? " lf-flag" : "")
        .append("\" data-field=\"")
        .append(field)
        .append('"');
    if (value != null && value.isValueNode()) {
      b.append(" data-value=\"").append(GatlingLook.esc(value.asText())).append('"');
    }
    b.append('>').append(GatlingLook.esc(text)).append("</td>");
  }

  /** What start lateness is measured from: T0, or the earliest host's first user. */
  private static String reference(JsonNode summary) {
    return "t0".equals(summary.path("latenessFrom").asText()) ? "T0" : "the earliest host's";
  }

  private static void hostSection(StringBuilder b, JsonNode s, int i, JsonNode h, boolean health) {
    String name = h.path("name").asText();
    b.append("<div class=\"lf-block\" id=\"host-")
        .append(i)
        .append("\"><h2>")
        .append(GatlingLook.esc(name))
        .append("</h2>\n<p>");
    List<String> facts = new ArrayList<>();
    facts.add(
        "state "
            + h.path("state")
                .asText(h.path("truncated").asBoolean() ? "log cut short" : "as logged"));
    if (h.has("users")) {
      facts.add(
          Human.count(h.get("users").asLong())
              + " users planned from id "
              + h.path("idOffset").asLong());
    }
    facts.add(
        Human.count(h.path("requests").asLong())
            + " requests, "
            + Human.percent(h.path("koPercent").asDouble())
            + " KO");
    if (h.has("p95Ms")) {
      facts.add("p95 " + Human.ms(h.get("p95Ms").asLong()));
    }
    if (h.has("startLatenessMs")) {
      facts.add(
          "first user " + Human.duration(h.get("startLatenessMs").asLong()) + " after the start");
    }
    facts.add(
        "clock "
            + Human.signedMs(h.path("clockOffsetMs").asLong())
            + (h.has("clockUncertaintyMs")
                ? " \u00b1 " + h.get("clockUncertaintyMs").asLong() + " ms"
                : ""));
    if (h.has("message")) {
      facts.add(h.get("message").asText());
    }
    b.append(GatlingLook.esc(String.join(" \u00b7 ", facts))).append("</p>\n");
    for (JsonNode f : h.path("saturation")) {
      b.append("<p class=\"lf-flag\">Saturated: ")
          .append(GatlingLook.esc(f.path("text").asText()))
          .append("</p>\n");
    }
    b.append("</div>\n");
    GatlingLook.chart(b, "host-" + i + "-traffic");
    GatlingLook.chart(b, "host-" + i + "-times");
    if (health) {
      GatlingLook.chart(b, "host-" + i + "-health");
    } else {
      b.append("<div class=\"lf-block\"><p>No health samples for this host: the launcher samples")
          .append(" CPU, NIC and memory during <code>loadfleet run</code>.</p></div>\n");
    }
  }

  /** The request names with OK requests on any host, in the order first seen. */
  private static List<String> requestNames(Input in) {
    List<String> names = new ArrayList<>();
    int hosts = in.summary().path("inputs").size();
    for (int i = 0; i < hosts; i++) {
      for (String n : in.timeline().host(i).requestNames()) {
        if (!names.contains(n)) {
          names.add(n);
        }
      }
    }
    return names;
  }

  /** The series the page's script draws, every one on the same grid of buckets. */
  static ObjectNode data(Input in, List<JsonNode> hosts, List<String> names) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Timeline t = in.timeline();
    int n = t.buckets();
    double seconds = t.widthMs() / 1000.0;
    ObjectNode root = f.objectNode();
    root.put("start", in.startMs());
    root.put("interval", t.widthMs());
    ArrayNode requestNames = root.putArray("requests");
    names.forEach(requestNames::add);
    ObjectNode limits = root.putObject("thresholds");
    limits.put("memory", MEMORY_GUIDE_PCT);
    ArrayNode out = root.putArray("hosts");
    for (int i = 0; i < hosts.size(); i++) {
      String name = hosts.get(i).path("name").asText();
      Timeline.Host th = t.host(i);
      ObjectNode h = out.addObject();
      h.put("name", name);
      ArrayNode users = h.putArray("users");
      for (int u : th.activeUsers(n)) {
        users.add(u);
      }
      ArrayNode rps = h.putArray("rps");
      ArrayNode kops = h.putArray("kops");
      for (int b = 0; b < n; b++) {
        rps.add(TrafficStats.round2(th.started(b) / seconds));
        kops.add(TrafficStats.round2(th.ko(b) / seconds));
      }
      ObjectNode times = h.putObject("times");
      for (String name1 : names) {
        ObjectNode p = times.putObject(name1);
        ArrayNode p50 = p.putArray("p50");
        ArrayNode p95 = p.putArray("p95");
        ArrayNode p99 = p.putArray("p99");
        for (int b = 0; b < n; b++) {
          ExactHistogram hist = th.okTimes(name1, b);
          if (hist.isEmpty()) {
            p50.addNull();
            p95.addNull();
            p99.addNull();
          } else {
            p50.add(hist.percentile(50));
            p95.add(hist.percentile(95));
            p99.add(hist.percentile(99));
          }
        }
      }
      HostHealth hh = in.health().get(name);
      if (hh != null) {
        h.set("health", health(hh, in.startMs(), t.widthMs(), n));
        limits.put("cpu", hh.settings().cpuThresholdPct());
        limits.put("nic", hh.settings().nicThresholdPct());
      }
    }
    return root;
  }

  /**
   * A host's samples on the page's grid: the highest sample ending in each bucket (a point must not
   * hide a saturated moment), and its saturated stretches as bands.
   */
  private static ObjectNode health(HostHealth hh, long start, long width, int n) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("nicBitsPerSecond", hh.nicBitsPerSecond());
    grid(o.putArray("cpu"), hh.samples(), start, width, n, HealthSample::cpuBusyPct);
    grid(o.putArray("nic"), hh.samples(), start, width, n, s -> s.nicTxPct(hh.nicBitsPerSecond()));
    grid(o.putArray("memory"), hh.samples(), start, width, n, HealthSample::memUsedPct);
    grid(o.putArray("upload"), hh.samples(), start, width, n, s -> s.netTxBytesPerSec() / 1e6);
    ArrayNode bands = o.putArray("saturated");
    for (SaturationFlag flag : hh.flags()) {
      bands
          .addObject()
          .put("kind", flag.kind().name())
          .put("from", flag.fromMs())
          .put("to", flag.toMs())
          .put("text", flag.describe());
    }
    return o;
  }

  private static void grid(
      ArrayNode out,
      List<HealthSample> samples,
      long start,
      long width,
      int n,
      ToDoubleFunction<HealthSample> value) {
    double[] max = new double[n];
    java.util.Arrays.fill(max, Double.NaN);
    for (HealthSample s : samples) {
      long i = Math.floorDiv(s.timeMs() - start, width);
      double v = value.applyAsDouble(s);
      if (i >= 0 && i < n && v >= 0 && Double.isFinite(v)) {
        max[(int) i] = Double.isNaN(max[(int) i]) ? v : Math.max(max[(int) i], v);
      }
    }
    for (double v : max) {
      if (Double.isNaN(v)) {
        out.addNull();
      } else {
        out.add(TrafficStats.round2(v));
      }
    }
  }

  private static String shortName(String simulation) {
    int dot = simulation.lastIndexOf('.');
    return dot < 0 ? simulation : simulation.substring(dot + 1);
  }

  private static String signed(double ms) {
    return (ms > 0 ? "+" : "\u2212") + Human.ms(Math.abs(ms));
  }

  private static String signedPercent(double p) {
    return (p > 0 ? "+" : "\u2212") + Human.percent(Math.abs(p));
  }

  /**
   * Draws every chart from {@code LF}, one chart per task (the all-host charts first, then each
   * host's), so the page paints and answers scrolling while the rest draw. {@code window.lfCharts}
   * counts them for tests and for anyone scripting the page; {@code doneMs} is when the last was
   * drawn, in ms from the navigation's start.
   */
  private static final String SCRIPT =
      """
      (function () {
        Highcharts.setOptions({ global: { useUTC: false } });
        var palette = ['#4572A7', '#AA4643', '#89A54E', '#80699B', '#3D96AE', '#DB843D', '#92A8CD', '#A47D7C', '#B5CA92', '#5E7BE2', '#FFA900', '#68b65c'];
        var state = { expected: 0, drawn: 0, done: false };
        window.lfCharts = state;
        function color(i) { return palette[i % palette.length]; }
        function series(name, data, i, extra) {
          var s = { name: name, data: data, color: color(i), pointStart: LF.start, pointInterval: LF.interval };
          for (var k in extra || {}) { s[k] = extra[k]; }
          return s;
        }
        function chart(id, title, yAxis, list, bands, stock) {
          var options = {
            chart: { renderTo: id, zoomType: 'x', animation: false },
            credits: { enabled: false },
            title: { text: '<span class="chart_title">' + title + '</span>', useHTML: true },
            legend: { enabled: true, borderWidth: 0, itemStyle: { fontWeight: 'normal' }, symbolRadius: 0 },
            xAxis: { type: 'datetime', ordinal: false, plotBands: bands || [] },
            yAxis: yAxis,
            tooltip: { shared: true, xDateFormat: '%H:%M:%S' },
            plotOptions: { series: { animation: false, dataGrouping: { enabled: false }, marker: { enabled: false, radius: 2 } } },
            series: list
          };
          if (stock) {
            options.navigator = { maskInside: false };
            options.rangeSelector = {
              buttonSpacing: 0,
              buttons: [{ type: 'minute', count: 1, text: '1m' }, { type: 'minute', count: 10, text: '10m' },
                        { type: 'hour', count: 1, text: '1h' }, { type: 'all', count: 1, text: 'All' }],
              selected: 3, inputEnabled: false
            };
            options.yAxis.opposite = false;
            new Highcharts.StockChart(options);
          } else {
            new Highcharts.Chart(options);
          }
          state.drawn++;
        }
        function axis(title, max) {
          return { title: { text: title }, min: 0, max: max, opposite: false };
        }
        // A threshold as a dashed series of its own, so the legend names it (Highstock 5 draws no
        // labels on plot lines); last, so the navigator keeps showing the first host.
        function threshold(value, text, yAxis) {
          var end = LF.start + LF.interval * Math.max(1, LF.hosts.length ? LF.hosts[0].users.length : 1);
          return { name: text, data: [[LF.start, value], [end, value]], color: '#f15b4f', dashStyle: 'Dash',
                   lineWidth: 1, marker: { enabled: false }, enableMouseTracking: false, yAxis: yAxis || 0 };
        }
        function band(flag, i) {
          return { from: flag.from, to: flag.to, color: Highcharts.Color(color(i)).setOpacity(0.18).get(), zIndex: 1 };
        }
        function hostsSeries(pick, extra) {
          var out = [];
          LF.hosts.forEach(function (h, i) { var d = pick(h); if (d) { out.push(series(h.name, d, i, extra)); } });
          return out;
        }
        function bands(kind) {
          var out = [];
          LF.hosts.forEach(function (h, i) {
            (h.health ? h.health.saturated : []).forEach(function (f) {
              if (!kind || f.kind === kind) { out.push(band(f, i)); }
            });
          });
          return out;
        }
        var T = LF.thresholds;
        // markers where the points lie apart (Highcharts' own rule when enabled is null): a run's
        // many points would draw thousands of SVG circles, a zoomed-in stretch shows them again
        var times = { connectNulls: true, marker: { enabled: null, radius: 2 } };
        var top = [
          function () { chart('chart-users', 'Active users per host', axis('Users'), hostsSeries(function (h) { return h.users; }, { step: 'left' }), [], true); },
          function () { chart('chart-rps', 'Requests started per second, per host', axis('Requests / s'), hostsSeries(function (h) { return h.rps; }), [], true); },
          function () { chart('chart-ko', 'KO requests per second, per host', axis('KO / s'), hostsSeries(function (h) { return h.kops; }), [], true); }
        ];
        LF.requests.forEach(function (name, r) {
          top.push(function () {
            chart('chart-p95-' + r, '95th percentile of ' + name + ' (OK, exact per point), per host', axis('ms'),
                  hostsSeries(function (h) { return h.times[name] ? h.times[name].p95 : null; }, times), [], true);
          });
        });
        var hasHealth = LF.hosts.some(function (h) { return !!h.health; });
        if (hasHealth) {
          var gaps = { connectNulls: true };
          top.push(function () { chart('chart-upload', 'Upload MB/s (bytes each host sent), per host', axis('MB/s'), hostsSeries(function (h) { return h.health && h.health.upload; }, gaps), [], true); });
          top.push(function () { chart('chart-cpu', 'CPU busy %, per host (its saturated stretches shaded in its colour)', axis('%', 100), hostsSeries(function (h) { return h.health && h.health.cpu; }, gaps).concat([threshold(T.cpu, 'CPU threshold ' + T.cpu + ' %')]), bands('CPU'), true); });
          top.push(function () { chart('chart-nic', 'NIC sent, % of declared speed, per host (saturated stretches shaded)', axis('%', 100), hostsSeries(function (h) { return h.health && h.health.nic; }, gaps).concat([threshold(T.nic, 'NIC threshold ' + T.nic + ' %')]), bands('NIC'), true); });
          top.push(function () { chart('chart-mem', 'Memory used %, per host', axis('%', 100), hostsSeries(function (h) { return h.health && h.health.memory; }, gaps).concat([threshold(T.memory, 'guide ' + T.memory + ' %')]), [], true); });
        }
        var perHost = [];
        LF.hosts.forEach(function (h, i) {
          perHost.push(function () {
            chart('host-' + i + '-traffic', h.name + ': active users, requests and KO per second',
                  [axis('Users'), { title: { text: 'per second' }, min: 0, opposite: true }],
                  [series('active users', h.users, 0, { step: 'left', color: '#4572A7' }),
                   series('requests / s', h.rps, 1, { yAxis: 1, color: '#68b65c' }),
                   series('KO / s', h.kops, 2, { yAxis: 1, color: '#f15b4f' })]);
          });
          perHost.push(function () {
            var list = [];
            var dashes = { p50: 'ShortDot', p95: 'Solid', p99: 'Dash' };
            LF.requests.forEach(function (name, r) {
              var t = h.times[name];
              if (!t) { return; }
              ['p50', 'p95', 'p99'].forEach(function (p) {
                list.push(series(name + ' ' + p, t[p], r, { dashStyle: dashes[p], connectNulls: true, marker: times.marker }));
              });
            });
            chart('host-' + i + '-times', h.name + ': response time percentiles of OK requests (exact per point; dotted p50, solid p95, dashed p99)', axis('ms'), list);
          });
          if (h.health) {
            perHost.push(function () {
              chart('host-' + i + '-health', h.name + ': CPU, NIC and memory (saturated stretches shaded), upload MB/s',
                    [axis('%', 100), { title: { text: 'MB/s' }, min: 0, opposite: true }],
                    [series('CPU busy %', h.health.cpu, 0, { connectNulls: true }),
                     series('NIC sent %', h.health.nic, 1, { connectNulls: true }),
                     series('memory used %', h.health.memory, 2, { connectNulls: true }),
                     series('upload MB/s', h.health.upload, 3, { yAxis: 1, connectNulls: true, dashStyle: 'ShortDot' }),
                     threshold(T.cpu, 'CPU threshold ' + T.cpu + ' %'),
                     threshold(T.nic, 'NIC threshold ' + T.nic + ' %')],
                    h.health.saturated.map(function (f) { return band(f, 0); }));
            });
          }
        });
        var all = top.concat(perHost);
        state.expected = all.length;
        var next = 0;
        (function drawOne() {
          if (next < all.length) {
            all[next++]();
            setTimeout(drawOne, 0);
          } else {
            state.doneMs = performance.now();
            state.done = true;
          }
        })();
      })();
      """;
}
