package dev.loadfleet.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The statistics in a Gatling 3.15.1 HTML report, read back from its pages: the stats table of
 * index.html (one row per request and group, total columns) and the total/OK/KO table of every
 * request and group page. Gatling 3.15.1 writes no stats.json; these tables are its figures.
 */
public final class GatlingReportTables {
  /** index.html columns 2..14, in order. */
  public static final List<String> INDEX_COLUMNS =
      List.of(
          "count", "ok", "ko", "ko%", "cnt/s", "min", "p50", "p75", "p95", "p99", "max", "mean",
          "stddev");

  private static final Pattern ROW =
      Pattern.compile("<tr id=\"([^\"]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL =
      Pattern.compile("<td class=\"value [a-z]+ col-(\\d+)\">([^<]*)</td>");
  private static final Pattern DETAIL =
      Pattern.compile(
          "<td class=\"title\">([^<]*)(?:</abbr>)?</td>\\s*<td class=\"total\">([^<]*)</td>\\s*"
              + "<td class=\"ok\">([^<]*)</td>\\s*<td class=\"ko\">([^<]*)</td>");

  private GatlingReportTables() {}

  /** Row id (ROOT, req_..., group_...) to its 13 values, as printed. */
  public static Map<String, List<String>> index(Path reportFolder) throws IOException {
    String html = Files.readString(reportFolder.resolve("index.html"), StandardCharsets.UTF_8);
    int start = html.indexOf("id=\"container_statistics_head\"");
    Map<String, List<String>> rows = new TreeMap<>();
    Matcher m = ROW.matcher(html);
    m.region(start, html.length());
    while (m.find()) {
      List<String> values = new ArrayList<>();
      Matcher c = CELL.matcher(m.group(2));
      while (c.find()) {
        values.add(c.group(2).trim());
      }
      if (values.size() == INDEX_COLUMNS.size()) {
        rows.put(m.group(1), values);
      }
    }
    return rows;
  }

  /** Page file name to (row title to [total, ok, ko]) for every request and group page. */
  public static Map<String, Map<String, List<String>>> details(Path reportFolder)
      throws IOException {
    Map<String, Map<String, List<String>>> pages = new TreeMap<>();
    try (Stream<Path> s = Files.list(reportFolder)) {
      for (Path p :
          s.filter(f -> f.getFileName().toString().matches("(req|group)_.*\\.html")).toList()) {
        Map<String, List<String>> rows = new TreeMap<>();
        Matcher m = DETAIL.matcher(Files.readString(p, StandardCharsets.UTF_8));
        while (m.find()) {
          rows.put(
              m.group(1).trim(), List.of(m.group(2).trim(), m.group(3).trim(), m.group(4).trim()));
        }
        pages.put(p.getFileName().toString(), rows);
      }
    }
    return pages;
  }

  /** True for index columns and detail rows that Gatling estimates with a t-digest. */
  public static boolean isPercentile(String column) {
    return column.matches("p\\d+") || column.endsWith("percentile");
  }
}
