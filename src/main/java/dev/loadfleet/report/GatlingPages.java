package dev.loadfleet.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the report reads from and adds to the pages Gatling wrote: its global row (t-digest
 * estimates, shown beside the exact figures), the link to its details pages, and the ways back to
 * the hosts page. Only marked blocks are added; Gatling's own content is untouched.
 */
final class GatlingPages {
  static final String LINK_MARKER = "<!-- loadfleet:hosts-link -->";
  static final String TAB_MARKER = "<!-- loadfleet:tab -->";

  private static final Pattern HEADER =
      Pattern.compile("<th id=\"(col-\\d+)\"[^>]*>(.*?)</th>", Pattern.DOTALL);
  private static final Pattern ROOT_ROW =
      Pattern.compile("<tr id=\"ROOT\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL =
      Pattern.compile("<td class=\"[^\"]*\\b(col-\\d+)\"[^>]*>\\s*([^<]*?)\\s*</td>");
  private static final Pattern PERCENTILE = Pattern.compile("(\\d+)th pct");
  private static final Pattern DETAILS =
      Pattern.compile("<a id=\"details_link\" href=\"([^\"]+)\"");

  /** Gatling's sub-menu: its spacer and the tabs in it, each a div holding one link. */
  private static final Pattern SUB_MENU =
      Pattern.compile(
          "<div class=\"sous-menu-spacer\">(?:\\s*<div class=\"item[^\"]*\"><a [^>]*>[^<]*</a></div>)+");

  private GatlingPages() {}

  /**
   * Gatling's response-time figures of the "All Requests" row of index.html, in ms: its t-digest
   * percentiles ({@code p50Ms}, {@code p75Ms}, ... as configured), {@code minMs}, {@code maxMs},
   * {@code meanMs}, {@code stdDevMs}. Empty when the page has no such row.
   */
  static Optional<Map<String, Long>> estimates(Path index) throws IOException {
    String html = Files.readString(index, StandardCharsets.UTF_8);
    Map<String, String> labels = new LinkedHashMap<>();
    Matcher h = HEADER.matcher(html);
    while (h.find()) {
      labels.putIfAbsent(h.group(1), h.group(2).replaceAll("<[^>]+>", "").trim());
    }
    Matcher row = ROOT_ROW.matcher(html);
    if (!row.find()) {
      return Optional.empty();
    }
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher c = CELL.matcher(row.group(1));
    while (c.find()) {
      String key = key(labels.getOrDefault(c.group(1), ""));
      if (key != null && c.group(2).matches("-?\\d+")) {
        out.put(key, Long.parseLong(c.group(2)));
      }
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  private static String key(String label) {
    Matcher p = PERCENTILE.matcher(label);
    if (p.matches()) {
      return "p" + p.group(1) + "Ms";
    }
    return switch (label) {
      case "Min" -> "minMs";
      case "Max" -> "maxMs";
      case "Mean" -> "meanMs";
      case "Std Dev" -> "stdDevMs";
      default -> null;
    };
  }

  /** The first details page index.html links ("Details"), if any. */
  static Optional<String> detailsLink(Path index) throws IOException {
    Matcher m = DETAILS.matcher(Files.readString(index, StandardCharsets.UTF_8));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Links the hosts page from every Gatling page of {@code dir}: a tab beside Gatling's "Global"
   * and "Details", and on index.html a line at the top naming the injectors.
   *
   * @param banner the line's HTML (already escaped)
   */
  static void link(Path dir, String banner, List<String> warnings) throws IOException {
    List<Path> pages;
    try (Stream<Path> s = Files.list(dir)) {
      pages =
          s.filter(p -> p.getFileName().toString().endsWith(".html"))
              .filter(p -> !Reporter.OWN_PAGES.contains(p.getFileName().toString()))
              .sorted()
              .toList();
    }
    for (Path page : pages) {
      String html = Files.readString(page, StandardCharsets.UTF_8);
      String linked = withTab(html);
      if (page.getFileName().toString().equals("index.html")) {
        linked = withBanner(linked, banner);
        if (!linked.contains(LINK_MARKER)) {
          warnings.add(
              "could not link "
                  + Reporter.HOSTS_PAGE
                  + " from "
                  + page
                  + " (no <body>); open it directly");
        }
      }
      if (!linked.equals(html)) {
        Files.writeString(page, linked, StandardCharsets.UTF_8);
      }
    }
  }

  /** Adds the "Injectors" tab to the page's sub-menu, once. */
  static String withTab(String html) {
    if (html.contains(TAB_MARKER)) {
      return html;
    }
    Matcher m = SUB_MENU.matcher(html);
    if (!m.find()) {
      return html;
    }
    String tab =
        "\n"
            + TAB_MARKER
            + "<div class=\"item\"><a href=\""
            + Reporter.HOSTS_PAGE
            + "\">Injectors</a></div>";
    return html.substring(0, m.end()) + tab + html.substring(m.end());
  }

  private static String withBanner(String html, String banner) {
    if (html.contains(LINK_MARKER)) {
      return html;
    }
    int body = html.indexOf("<body");
    int at = body < 0 ? -1 : html.indexOf('>', body);
    if (at < 0) {
      return html;
    }
    return html.substring(0, at + 1) + LINK_MARKER + banner + html.substring(at + 1);
  }
}
