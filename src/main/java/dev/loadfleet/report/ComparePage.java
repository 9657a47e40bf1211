package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * compare.html: two runs side by side in the report's look, one table per request name (all
 * requests first) with each metric's baseline, current value and change, the gate's verdict on top,
 * and the percentiles of both runs in one chart.
 */
final class ComparePage {
  private ComparePage() {}

  static String render(
      ObjectNode compare,
      Comparison.Side baseline,
      Comparison.Side current,
      Path outDir,
      boolean assets) {
    List<GatlingLook.Tab> tabs = new ArrayList<>();
    if (Files.isRegularFile(outDir.resolve("index.html"))) {
      tabs.add(new GatlingLook.Tab("Global", "index.html", false));
    }
    if (Files.isRegularFile(outDir.resolve(Reporter.HOSTS_PAGE))) {
      tabs.add(new GatlingLook.Tab("Injectors", Reporter.HOSTS_PAGE, false));
    }
    tabs.add(new GatlingLook.Tab("Comparison", Comparison.PAGE, true));
    List<GatlingLook.Nav> nav = new ArrayList<>();
    nav.add(new GatlingLook.Nav("gate", "Verdict"));
    nav.add(new GatlingLook.Nav("runs", "Runs"));
    JsonNode rows = compare.path("rows");
    for (int i = 0; i < rows.size(); i++) {
      nav.add(new GatlingLook.Nav("row-" + i, rows.get(i).path("name").asText()));
    }
    if (assets) {
      nav.add(new GatlingLook.Nav("chart-percentiles", "Percentiles chart"));
    }
    String sim = current.summary().path("simulation").asText();
    String shortSim = sim.substring(sim.lastIndexOf('.') + 1);

    StringBuilder b = new StringBuilder(1 << 14);
    GatlingLook.open(b, "Comparison: " + shortSim, shortSim, tabs, nav, assets);
    b.append("<div class=\"lf-block\" id=\"gate\"><h2>Verdict</h2>\n<ul class=\"lf-verdict\">\n");
    JsonNode regressions = compare.path("regressions");
    JsonNode limits = compare.path("limits");
    if (limits.isEmpty()) {
      b.append(
          "<li class=\"info\">No limits given (--max-regression): the comparison only shows the changes.</li>\n");
    } else if (regressions.isEmpty()) {
      List<String> l = new ArrayList<>();
      limits.forEach(x -> l.add(x.asText()));
      b.append("<li class=\"good\">No regression beyond the limits ")
          .append(GatlingLook.esc(String.join(", ", l)))
          .append(".</li>\n");
    }
    for (JsonNode r : regressions) {
      b.append("<li class=\"bad\">Regression: ")
          .append(GatlingLook.esc(r.asText()))
          .append(".</li>\n");
    }
    for (JsonNode n : compare.path("notes")) {
      b.append("<li class=\"warn\">").append(GatlingLook.esc(n.asText())).append("</li>\n");
    }
    b.append("</ul></div>\n");

    GatlingLook.table(
        b, "runs", "Runs", List.of("Run", "Simulation", "Started", "Description", "summary.json"));
    run(b, "Baseline", compare.path("baseline"));
    run(b, "Current", compare.path("current"));
    GatlingLook.end(b);

    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      GatlingLook.table(
          b,
          "row-" + i,
          row.path("name").asText(),
          List.of("Metric", "Baseline", "Current", "Change", "Relative change"));
      for (Comparison.Metric m : Comparison.Metric.values()) {
        JsonNode mj = row.path("metrics").path(m.id());
        boolean both = mj.path("baseline").isNumber() && mj.path("current").isNumber();
        String change = "-";
        String rel = "-";
        String cls = "";
        if (both) {
          double d = mj.path("change").asDouble();
          change = m.formatChange(d);
          rel =
              mj.path("relativeChangePct").isNumber()
                  ? signedPercent(mj.path("relativeChangePct").asDouble())
                  : "-";
          boolean worse = m.higherIsWorse() ? d > 0 : d < 0;
          boolean better = m.higherIsWorse() ? d < 0 : d > 0;
          cls =
              mj.path("regression").asBoolean()
                  ? " lf-flag"
                  : worse ? " lf-worse" : better ? " lf-better" : "";
        }
        b.append("<tr data-metric=\"")
            .append(m.id())
            .append("\"><td class=\"total lf-name\">")
            .append(GatlingLook.esc(Comparison.words(m)))
            .append("</td>");
        value(b, mj.path("baseline"), m);
        value(b, mj.path("current"), m);
        b.append("<td class=\"value total")
            .append(cls)
            .append("\">")
            .append(GatlingLook.esc(change))
            .append("</td>");
        b.append("<td class=\"value total")
            .append(cls)
            .append("\">")
            .append(GatlingLook.esc(rel))
            .append("</td></tr>\n");
      }
      GatlingLook.end(b);
    }
    if (assets) {
      GatlingLook.chart(b, "chart-percentiles");
    }
    GatlingLook.close(b);
    if (assets) {
      b.append("<script>\nconst LFC = ")
          .append(GatlingLook.scriptJson(chartData(rows).toString()))
          .append(";\n")
          .append(SCRIPT)
          .append("</script>\n");
    }
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static void run(StringBuilder b, String label, JsonNode side) {
    long start = 0;
    try {
      start = java.time.Instant.parse(side.path("runStart").asText()).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      // an unreadable start shows as it is written
    }
    b.append("<tr><td class=\"total lf-name\">")
        .append(label)
        .append("</td><td class=\"total lf-text\">")
        .append(GatlingLook.esc(side.path("simulation").asText()))
        .append("</td><td class=\"total lf-text\">")
        .append(GatlingLook.esc(start > 0 ? Human.instant(start) : side.path("runStart").asText()))
        .append("</td><td class=\"total lf-text\">")
        .append(GatlingLook.esc(side.path("runDescription").asText()))
        .append("</td><td class=\"total lf-text\">")
        .append(GatlingLook.esc(side.path("summary").asText()))
        .append("</td></tr>\n");
  }

  private static void value(StringBuilder b, JsonNode v, Comparison.Metric m) {
    b.append("<td class=\"value total\"");
    if (v.isNumber()) {
      b.append(" data-value=\"")
          .append(v.asText())
          .append("\">")
          .append(GatlingLook.esc(m.format(v.asDouble())));
    } else {
      b.append(">-");
    }
    b.append("</td>");
  }

  private static String signedPercent(double p) {
    return (p > 0 ? "+" : p < 0 ? "\u2212" : "") + Human.percent(Math.abs(p));
  }

  private static ObjectNode chartData(JsonNode rows) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    ArrayNode names = d.putArray("rows");
    ObjectNode series = d.putObject("series");
    for (String side : List.of("baseline", "current")) {
      for (String m : List.of("p50", "p95", "p99")) {
        series.putArray(side + " " + m);
      }
    }
    for (JsonNode row : rows) {
      names.add(row.path("name").asText());
      for (String side : List.of("baseline", "current")) {
        for (String m : List.of("p50", "p95", "p99")) {
          JsonNode v = row.path("metrics").path(m).path(side);
          ArrayNode a = (ArrayNode) series.get(side + " " + m);
          if (v.isNumber()) {
            a.add(v.asLong());
          } else {
            a.addNull();
          }
        }
      }
    }
    return d;
  }

  private static final String SCRIPT =
      """
      (function () {
        var colors = { 'baseline p50': '#92A8CD', 'baseline p95': '#4572A7', 'baseline p99': '#24275e',
                       'current p50': '#f5d1ce', 'current p95': '#f78557', 'current p99': '#f15b4f' };
        var list = [];
        for (var name in LFC.series) { list.push({ name: name, data: LFC.series[name], color: colors[name] }); }
        new Highcharts.Chart({
          chart: { renderTo: 'chart-percentiles', type: 'column', animation: false },
          credits: { enabled: false },
          title: { text: '<span class="chart_title">Response time percentiles, baseline and current (exact)</span>', useHTML: true },
          xAxis: { categories: LFC.rows },
          yAxis: { min: 0, title: { text: 'ms' } },
          legend: { borderWidth: 0, itemStyle: { fontWeight: 'normal' }, symbolRadius: 0 },
          tooltip: { shared: true, valueSuffix: ' ms' },
          plotOptions: { series: { animation: false } },
          series: list
        });
        window.lfCharts = { expected: 1, drawn: 1, done: true };
      })();
      """;
}
