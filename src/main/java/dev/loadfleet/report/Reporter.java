package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.InvalidLogException;
import dev.loadfleet.merge.LogMerger;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.MergeResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds one report from several injectors' logs: merges them into {@code outDir/simulation.log},
 * runs Gatling's own report generator on it (so the HTML is exactly Gatling's), then writes
 * summary.json and hosts.html beside it and links the host page from Gatling's index.html.
 *
 * <p>Gatling's reports-only mode reads {@code <results folder>/<run folder>/simulation.log} and
 * writes the report into that run folder, so the results folder is outDir's parent and the run
 * folder outDir's name: the HTML lands in outDir itself.
 */
public final class Reporter {
  public static final String MERGED_LOG = "simulation.log";
  public static final String SUMMARY = "summary.json";
  public static final String HOSTS_PAGE = "hosts.html";

  /**
   * A host annotation naming an SVG file (the launcher's health chart): drawn on hosts.html, inline
   * so the report folder stands alone, and kept as a path in summary.json.
   */
  public static final String HEALTH_CHART = "healthChart";

  /** Gatling's console output while it builds the report. */
  public static final String GATLING_CONSOLE = "gatling-report.log";

  /** The longest Gatling's report generator may take on one merged log. */
  public static final Duration REPORT_TIMEOUT = Duration.ofMinutes(60);

  private static final String LINK_MARKER = "<!-- loadfleet:hosts-link -->";

  private Reporter() {}

  /** Merges and reports with Gatling on this JVM's classpath. */
  public static ReportResult generate(ReportRequest request)
      throws IOException, InterruptedException {
    return generate(request, GatlingProcess.onThisClasspath());
  }

  /** Merges and reports, forking {@code gatling} (for example with a conf/ folder first). */
  public static ReportResult generate(ReportRequest request, GatlingProcess gatling)
      throws IOException, InterruptedException {
    Path outDir = request.outDir().toAbsolutePath().normalize();
    if (outDir.getParent() == null) {
      throw new IOException(
          "report folder " + outDir + " has no parent; choose a folder below one");
    }
    List<MergeInput> inputs = request.inputs();
    List<Path> logs = new ArrayList<>();
    for (MergeInput input : inputs) {
      logs.add(input.logFile());
    }
    ReportFolder folder = ReportFolder.prepare(outDir, request.force(), logs);
    Path console = outDir.resolve(GATLING_CONSOLE);
    try {
      return generate(request, gatling, outDir, folder);
    } catch (IOException | InterruptedException | RuntimeException e) {
      folder.failed(Files.exists(console));
      throw e;
    }
  }

  private static ReportResult generate(
      ReportRequest request, GatlingProcess gatling, Path outDir, ReportFolder folder)
      throws IOException, InterruptedException {
    List<MergeInput> inputs = request.inputs();
    TrafficStats global = new TrafficStats();
    List<TrafficStats> perInput = new ArrayList<>();
    inputs.forEach(i -> perInput.add(new TrafficStats()));
    MergeResult merged =
        LogMerger.merge(
            inputs,
            outDir.resolve(MERGED_LOG),
            (input, record) -> {
              global.add(record);
              perInput.get(input).add(record);
            });
    folder.merged(merged.output());
    List<String> warnings = new ArrayList<>();
    if (folder.note() != null) {
      warnings.add(folder.note());
    }
    warnings.addAll(merged.warnings());
    if (global.requests() == 0) {
      throw new InvalidLogException(
          "the logs hold no request records ("
              + merged.records()
              + " records merged); Gatling builds no report without requests");
    }

    Path console = outDir.resolve(GATLING_CONSOLE);
    Files.deleteIfExists(console);
    int code =
        gatling.reportsOnly(
            outDir.getParent(), outDir.getFileName().toString(), console, REPORT_TIMEOUT);
    Path index = outDir.resolve("index.html");
    if ((code != GatlingProcess.SUCCESS && code != GatlingProcess.ASSERTIONS_FAILED)
        || !Files.isRegularFile(index)) {
      String output =
          Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
      String hint =
          output.contains("io.gatling.app.Gatling")
                  && (output.contains("ClassNotFoundException")
                      || output.contains("find or load main class"))
              ? "; Gatling is not on this JVM's classpath: run loadfleet from the injector bundle"
                  + " (bin/loadfleet), whose lib/ holds Gatling"
              : "";
      throw new IOException(
          "Gatling's report generator failed (exit "
              + code
              + ") on "
              + outDir.resolve(MERGED_LOG)
              + "; its output is in "
              + console
              + hint);
    }
    boolean passed = code == GatlingProcess.SUCCESS;

    List<AssertionOutcome> assertions =
        AssertionOutcome.parseConsole(Files.readAllLines(console, StandardCharsets.UTF_8));
    int expected = merged.header().assertions().size();
    if (assertions.size() != expected) {
      warnings.add(
          "read "
              + assertions.size()
              + " assertion outcomes from "
              + console
              + " but the simulation has "
              + expected
              + "; the verdict ("
              + (passed ? "passed" : "failed")
              + ") is Gatling's exit code");
    }

    ObjectNode summary = summary(request, merged, global, perInput, assertions, passed, warnings);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path summaryFile = outDir.resolve(SUMMARY);
    json.writeValue(summaryFile.toFile(), summary);

    List<ObjectNode> hosts = new ArrayList<>();
    summary.withArray("inputs").forEach(n -> hosts.add((ObjectNode) n));
    Set<String> keys = HostsPage.annotationKeys(request.hostAnnotations().values());
    keys.remove(HEALTH_CHART);
    Path hostsPage = outDir.resolve(HOSTS_PAGE);
    Files.writeString(
        hostsPage,
        HostsPage.render(
            merged.header().simulationClass(),
            hosts,
            (ObjectNode) summary.get("global"),
            keys,
            charts(request, warnings)),
        StandardCharsets.UTF_8);
    linkHostsPage(index, merged.inputs().size(), request.stopped(), warnings);
    return new ReportResult(index, summaryFile, hostsPage, passed, warnings);
  }

  /** Each host's chart (SVG markup) named by its {@link #HEALTH_CHART} annotation. */
  private static Map<String, String> charts(ReportRequest request, List<String> warnings) {
    Map<String, String> charts = new LinkedHashMap<>();
    request
        .hostAnnotations()
        .forEach(
            (host, annotation) -> {
              JsonNode chart = annotation.path(HEALTH_CHART);
              if (!chart.isTextual()) {
                return;
              }
              try {
                charts.put(host, Files.readString(Path.of(chart.asText()), StandardCharsets.UTF_8));
              } catch (IOException e) {
                warnings.add(
                    "health chart of "
                        + host
                        + " not drawn: cannot read "
                        + chart.asText()
                        + ": "
                        + e);
              }
            });
    return charts;
  }

  private static ObjectNode summary(
      ReportRequest request,
      MergeResult merged,
      TrafficStats global,
      List<TrafficStats> perInput,
      List<AssertionOutcome> assertions,
      boolean passed,
      List<String> warnings) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    long start = merged.header().startMs();
    ObjectNode root = f.objectNode();
    root.put("simulation", merged.header().simulationClass());
    root.put("gatlingVersion", merged.header().gatlingVersion());
    root.put("runDescription", merged.header().runDescription());
    root.put("runStart", Instant.ofEpochMilli(start).toString());
    root.put("report", "index.html");
    root.put("hostsPage", HOSTS_PAGE);
    root.put("mergedLog", MERGED_LOG);
    root.put(
        "percentiles",
        "exact nearest-rank over all requests; Gatling's HTML uses a t-digest estimate");
    root.put("assertionsPassed", passed);
    ArrayNode asserts = root.putArray("assertions");
    for (AssertionOutcome a : assertions) {
      asserts
          .addObject()
          .put("assertion", a.assertion())
          .put("passed", a.passed())
          .put("actual", a.actual());
    }
    ObjectNode g = global.toJson(start);
    g.put("records", merged.records());
    root.set("global", g);
    ArrayNode inputs = root.putArray("inputs");
    for (int i = 0; i < merged.inputs().size(); i++) {
      MergeResult.Input in = merged.inputs().get(i);
      ObjectNode n = inputs.addObject();
      n.put("name", in.name());
      n.put("log", in.log().toAbsolutePath().normalize().toString());
      n.put("runStart", Instant.ofEpochMilli(in.header().startMs()).toString());
      n.put("clockOffsetMs", in.clockOffsetMs());
      n.put("records", in.records());
      n.put("truncated", in.truncated());
      n.setAll(perInput.get(i).toJson(start));
      JsonNode annotation = request.hostAnnotations().get(in.name());
      if (annotation instanceof ObjectNode o) {
        // The launcher's fields sit beside the measured ones but never replace them.
        o.fields().forEachRemaining(e -> n.putIfAbsent(e.getKey(), e.getValue()));
      } else if (annotation != null) {
        n.set("annotation", annotation);
      }
    }
    // Hosts the launcher knows of whose log did not come home, or was empty: named, with why.
    ArrayNode without = root.putArray("hostsWithoutLog");
    Set<String> reported = new java.util.HashSet<>();
    merged.inputs().forEach(in -> reported.add(in.name()));
    request
        .hostAnnotations()
        .forEach(
            (name, annotation) -> {
              if (!reported.contains(name)) {
                ObjectNode n = without.addObject().put("name", name);
                if (annotation instanceof ObjectNode o) {
                  n.setAll(o.deepCopy());
                }
              }
            });
    request
        .stopped()
        .ifPresent(
            s ->
                root.putObject("stopped")
                    .put("at", Instant.ofEpochMilli(s.atEpochMs()).toString())
                    .put("atEpochMs", s.atEpochMs())
                    .put("by", s.by())
                    .put("detail", s.detail()));
    ArrayNode w = root.putArray("warnings");
    warnings.forEach(w::add);
    return root;
  }

  /**
   * The banner of a stopped run: when, by whom or what, and that the report ends at the stop. Red
   * like Gatling's KO figures, above Gatling's own page.
   */
  private static String stoppedBanner(ReportRequest.Stopped s) {
    return "<div class=\"loadfleet-stopped\" style=\"padding:8px 16px;background:#f8d7da;"
        + "color:#721c24;font-family:sans-serif;font-weight:bold\">Stopped early at "
        + HostsPage.esc(Instant.ofEpochMilli(s.atEpochMs()).toString())
        + " by "
        + HostsPage.esc(s.by())
        + ": "
        + HostsPage.esc(s.detail())
        + ". This report covers the run up to the stop.</div>";
  }

  /**
   * Puts a link to hosts.html at the top of Gatling's index.html, so the per-host page is one click
   * from the report. Only a marked block is added; Gatling's content is untouched.
   */
  private static void linkHostsPage(
      Path index, int inputs, Optional<ReportRequest.Stopped> stopped, List<String> warnings)
      throws IOException {
    String html = Files.readString(index, StandardCharsets.UTF_8);
    if (html.contains(LINK_MARKER)) {
      return;
    }
    int body = html.indexOf("<body");
    int at = body < 0 ? -1 : html.indexOf('>', body);
    if (at < 0) {
      warnings.add(
          "could not link " + HOSTS_PAGE + " from " + index + " (no <body>); open it directly");
      return;
    }
    String link =
        LINK_MARKER
            + "<div style=\"padding:6px 16px;background:#fff3cd;font-family:sans-serif\">"
            + "Merged by loadfleet from "
            + inputs
            + " injector"
            + (inputs == 1 ? "" : "s")
            + ": <a href=\""
            + HOSTS_PAGE
            + "\">per-host breakdown</a>"
            + " &middot; <a href=\""
            + SUMMARY
            + "\">summary.json</a></div>"
            + stopped.map(Reporter::stoppedBanner).orElse("");
    Files.writeString(
        index, html.substring(0, at + 1) + link + html.substring(at + 1), StandardCharsets.UTF_8);
  }
}
