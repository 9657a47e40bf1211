package dev.loadfleet.report;

import java.util.List;
import java.util.stream.Stream;

/**
 * The frame of loadfleet's own pages in the look of Gatling's report: the same stylesheet, scripts
 * (jQuery, Highstock) and header, the same left-hand menu and tabs, all from the {@code style/} and
 * {@code js/} folders Gatling wrote into the report folder. Nothing is loaded from the network, so
 * the report opens from a file on an offline laptop.
 */
final class GatlingLook {
  /** Gatling's scripts, in its pages' order. */
  private static final List<String> SCRIPTS =
      List.of(
          "js/jquery-3.7.1.slim.min.js",
          "js/bootstrap.min.js",
          "js/gatling.js",
          "js/menu.js",
          "js/ellipsis.js",
          "js/highstock.js",
          "js/highcharts-more.js",
          "js/theme.js");

  /** The stylesheet and scripts, relative to the page. */
  static final List<String> ASSETS =
      Stream.concat(
              Stream.of(
                  "style/style.css",
                  "style/bootstrap.min.css",
                  "style/favicon.ico",
                  "style/logo-light.svg",
                  "style/logo-dark.svg"),
              SCRIPTS.stream())
          .toList();

  /**
   * Our own few rules, on Gatling's variables so they follow its light and dark themes: the
   * verdict's marks, figures set apart, and the per-host headings.
   */
  private static final String OWN_STYLE =
      """
      .lf-block{background:var(--gatling-background-light-color);border:1px solid var(--gatling-border-color);border-radius:var(--gatling-border-radius);padding:var(--gatling-spacing)}
      .lf-block h2,.lf-block h3{margin:0 0 var(--gatling-spacing) 0;font-size:var(--gatling-font-size-heading);color:var(--gatling-text-color)}
      .lf-block p{margin:var(--gatling-spacing-small) 0;color:var(--gatling-text-color)}
      ul.lf-verdict{list-style:none;margin:0;padding:0}
      ul.lf-verdict li{margin:var(--gatling-spacing-small) 0;padding:var(--gatling-spacing-small) var(--gatling-spacing);border-left:5px solid var(--gatling-gray-medium-color);background:var(--gatling-light-color);color:var(--gatling-text-color)}
      ul.lf-verdict li.bad{border-left-color:var(--gatling-danger-color)}
      ul.lf-verdict li.warn{border-left-color:var(--gatling-total-color)}
      ul.lf-verdict li.good{border-left-color:var(--gatling-success-color)}
      .lf-banner{padding:var(--gatling-spacing);border-radius:var(--gatling-border-radius);background:var(--gatling-danger-light-color);color:#1f2024;font-weight:var(--gatling-font-weight-bold)}
      .statistics-in td.lf-name,.statistics-in th.lf-name{text-align:left;white-space:nowrap}
      .statistics-in td.lf-flag{background-color:var(--gatling-danger-light-color);color:#1f2024;font-weight:var(--gatling-font-weight-bold)}
      .statistics-in td.lf-text{text-align:left;min-width:220px}
      .statistics-in td.lf-better{color:var(--gatling-success-color);font-weight:var(--gatling-font-weight-bold)}
      .statistics-in td.lf-worse{color:var(--gatling-danger-color);font-weight:var(--gatling-font-weight-bold)}
      .lf-hosts{display:flex;flex-direction:column;gap:var(--gatling-spacing-layout)}
      """;

  /** One tab of the sub-menu, as Gatling's "Global" and "Details". */
  record Tab(String label, String href, boolean open) {}

  /** One entry of the left-hand menu: an anchor on the page. */
  record Nav(String anchor, String label) {}

  private GatlingLook() {}

  /**
   * Opens the page up to the start of its content.
   *
   * @param assets whether Gatling's style/ and js/ sit beside the page; without them the page is
   *     plain but readable, and draws no charts
   */
  static void open(
      StringBuilder b,
      String title,
      String heading,
      List<Tab> tabs,
      List<Nav> nav,
      boolean assets) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n");
    if (assets) {
      b.append("<link rel=\"shortcut icon\" type=\"image/x-icon\" href=\"style/favicon.ico\">\n")
          .append("<link href=\"style/style.css\" rel=\"stylesheet\" type=\"text/css\">\n")
          .append("<link href=\"style/bootstrap.min.css\" rel=\"stylesheet\" type=\"text/css\">\n");
      for (String script : SCRIPTS) {
        b.append("<script src=\"").append(script).append("\"></script>\n");
      }
    } else {
      b.append(
          "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
              + "th,td{border:1px solid #ccc;padding:4px 8px}td.value{text-align:right}</style>\n");
    }
    b.append("<style>\n").append(OWN_STYLE).append("</style>\n");
    b.append("<title>").append(esc(title)).append("</title>\n</head>\n<body>\n");
    // Gatling's own theme switch, so a page opened after a Gatling page keeps its theme.
    b.append(
        """
        <script>
          const storedTheme = localStorage.getItem('theme') || (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
          if (storedTheme) document.documentElement.setAttribute('data-theme', storedTheme)
          function toggleTheme() {
            const currentTheme = document.documentElement.getAttribute("data-theme");
            const targetTheme = currentTheme === "light" ? "dark" : "light";
            document.documentElement.setAttribute('data-theme', targetTheme)
            localStorage.setItem('theme', targetTheme);
          };
        </script>
        <div class="app-container">
        <div class="frise"></div>
        <div class="head">
          <div class="gatling-open-source">
            <a class="gatling-logo gatling-logo-light" href="index.html" title="Gatling report"><img alt="Gatling" src="style/logo-light.svg"></a>
            <a class="gatling-logo gatling-logo-dark" href="index.html" title="Gatling report"><img alt="Gatling" src="style/logo-dark.svg"></a>
          </div>
          <div class="nav spacer"></div>
          <button id="theme-toggle" class="theme-toggle" type="button" onclick="toggleTheme()" aria-label="Toggle user interface mode">
            <span class="toggle-dark">&#9790;</span><span class="toggle-light">&#9728;</span>
          </button>
        </div>
        <div class="container details">
          <div class="nav">
            <ul>
        """);
    for (Nav n : nav) {
      b.append("<li><a class=\"item\" href=\"#")
          .append(esc(n.anchor()))
          .append("\"><span class=\"nav-label\">")
          .append(esc(n.label()))
          .append("</span></a></li>\n");
    }
    b.append(
            """
                </ul>
              </div>
              <div class="cadre">
                <div class="content">
                  <div class="content-header">
                    <div class="onglet">
            """)
        .append(esc(heading))
        .append(
            """

                    </div>
                    <div class="sous-menu" id="sousMenu">
                      <div class="sous-menu-spacer">
            """);
    for (Tab t : tabs) {
      b.append("<div class=\"item")
          .append(t.open() ? " ouvert" : "")
          .append("\"><a href=\"")
          .append(esc(t.href()))
          .append("\">")
          .append(esc(t.label()))
          .append("</a></div>\n");
    }
    b.append(
        """
                  </div>
                </div>
              </div>
              <div class="content-in">
                <div class="container-article">
                  <div class="article">
        """);
  }

  /** Closes what {@link #open} opened. */
  static void close(StringBuilder b) {
    b.append(
        """
                  </div>
                </div>
              </div>
            </div>
          </div>
        </div>
        </div>
        """);
  }

  /** A chart's place, as Gatling lays out its own. */
  static void chart(StringBuilder b, String id) {
    b.append("<div class=\"schema geant\"><div id=\"")
        .append(esc(id))
        .append("\" class=\"geant lf-chart\"></div></div>\n");
  }

  /** A titled table in Gatling's statistics style; the caller adds rows and then {@link #end}. */
  static void table(StringBuilder b, String id, String title, List<String> headers) {
    b.append("<div class=\"statistics extensible-geant collapsed\" id=\"")
        .append(esc(id))
        .append("\">\n<div class=\"title\">")
        .append(esc(title))
        .append(
            "</div>\n<div class=\"scrollable\"><table class=\"statistics-in extensible-geant\">\n")
        .append("<thead><tr>");
    for (int i = 0; i < headers.size(); i++) {
      b.append(i == 0 ? "<th class=\"header lf-name\"><span>" : "<th class=\"header\"><span>")
          .append(esc(headers.get(i)))
          .append("</span></th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
  }

  static void end(StringBuilder b) {
    b.append("</tbody></table></div>\n</div>\n");
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

  /**
   * JSON for a {@code <script>} block: "&lt;/" would end the block early, so every "&lt;" is
   * escaped the way JSON allows.
   */
  static String scriptJson(String json) {
    return json.replace("<", "\\u003c");
  }
}
