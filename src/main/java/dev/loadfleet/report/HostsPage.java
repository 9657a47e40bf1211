package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * hosts.html: one table, one row per injector, so a reviewer sees at a glance which host had more
 * errors or slower responses (the worst KO % and p95 are marked). Built from summary.json's
 * entries, so the page and the JSON never disagree.
 */
final class HostsPage {
  private static final String[][] COLUMNS = {
    {"requests", "Requests"},
    {"koPercent", "KO %"},
    {"meanMs", "Mean (ms)"},
    {"p95Ms", "p95 (ms)"},
    {"p99Ms", "p99 (ms)"},
    {"maxMs", "Max (ms)"},
    {"peakConcurrentUsers", "Peak users"},
    {"requestsPerSecond", "Req/s"},
  };

  private HostsPage() {}

  static String render(
      String title,
      List<ObjectNode> hosts,
      ObjectNode global,
      Set<String> annotationKeys,
      Map<String, String> charts) {
    StringBuilder b = new StringBuilder();
    b.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Injectors: ")
        .append(esc(title))
        .append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("th,td{border:1px solid #ccc;padding:4px 10px;text-align:right}")
        .append("th:first-child,td:first-child{text-align:left}thead th{background:#eee}")
        .append(
            "td.worst{background:#f8d7da;font-weight:bold}tr.total"
                + " td{font-weight:bold;background:#f4f4f4}")
        .append("\n</style></head><body>\n<h1>Injectors</h1>\n<p>")
        .append(esc(title))
        .append(" &middot; <a href=\"index.html\">Gatling report (all injectors merged)</a>")
        .append(" &middot; <a href=\"summary.json\">summary.json</a></p>\n")
        .append(
            "<p>Percentiles are exact over each host's own requests; marked cells are the worst"
                + " host for that column.</p>\n<table>\n<thead><tr><th>Host</th>");
    for (String[] c : COLUMNS) {
      b.append("<th>").append(c[1]).append("</th>");
    }
    for (String k : annotationKeys) {
      b.append("<th>").append(esc(k)).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    String worstKo = hosts.size() > 1 ? worst(hosts, "koPercent") : null;
    String worstP95 = hosts.size() > 1 ? worst(hosts, "p95Ms") : null;
    for (ObjectNode h : hosts) {
      String name = h.path("name").asText();
      b.append("<tr><td>").append(esc(name)).append("</td>");
      for (String[] c : COLUMNS) {
        boolean mark =
            (c[0].equals("koPercent") && name.equals(worstKo) && h.path("ko").asLong() > 0)
                || (c[0].equals("p95Ms") && name.equals(worstP95));
        b.append(mark ? "<td class=\"worst\">" : "<td>").append(cell(h.get(c[0]))).append("</td>");
      }
      for (String k : annotationKeys) {
        b.append("<td>").append(cell(h.get(k))).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("<tr class=\"total\"><td>all injectors</td>");
    for (String[] c : COLUMNS) {
      b.append("<td>").append(cell(global.get(c[0]))).append("</td>");
    }
    b.append("<td></td>".repeat(annotationKeys.size())).append("</tr>\n</tbody></table>\n");
    if (!charts.isEmpty()) {
      // The launcher's own SVG (dev.loadfleet.health.HealthChart), built with the JDK's XML
      // writer, so it is embedded as it is: the folder stays one self-contained page.
      b.append("<h2>Injector health over the run</h2>\n");
      charts.forEach(
          (host, svg) ->
              b.append("<h3 id=\"health-")
                  .append(esc(host))
                  .append("\">")
                  .append(esc(host))
                  .append("</h3>\n")
                  .append(svg.replaceFirst("^<\\?xml[^>]*\\?>\\s*", ""))
                  .append('\n'));
    }
    b.append("</body></html>\n");
    return b.toString();
  }

  /** The union of annotation field names, in first-seen order. */
  static Set<String> annotationKeys(Iterable<JsonNode> annotations) {
    Set<String> keys = new LinkedHashSet<>();
    for (JsonNode a : annotations) {
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        keys.add(it.next());
      }
    }
    return keys;
  }

  private static String worst(List<ObjectNode> hosts, String field) {
    String name = null;
    double worst = Double.NEGATIVE_INFINITY;
    for (ObjectNode h : hosts) {
      JsonNode v = h.get(field);
      if (v != null && v.isNumber() && v.asDouble() > worst) {
        worst = v.asDouble();
        name = h.path("name").asText();
      }
    }
    return name;
  }

  /**
   * A value as a reader wants it: scalars as they are; an object as {@code key value} lines (the
   * launcher's health figures); a list of objects by their {@code text} (saturation flags).
   */
  private static String cell(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "&ndash;";
    }
    if (v.isValueNode()) {
      return esc(v.asText());
    }
    List<String> lines = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(e -> lines.add(e.has("text") ? esc(e.get("text").asText()) : cell(e)));
      return lines.isEmpty() ? "none" : String.join("<br>", lines);
    }
    v.fields().forEachRemaining(e -> lines.add(esc(e.getKey()) + " " + cell(e.getValue())));
    return "<span class=\"obj\">" + String.join("<br>", lines) + "</span>";
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
