package dev.loadfleet.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.InvalidLogException;
import dev.loadfleet.merge.LogMerger;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.MergeResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds one report from several injectors' logs: merges them into {@code outDir/simulation.log}
 * while counting exact figures and each host's series, runs Gatling's own report generator on it
 * (so the HTML is exactly Gatling's), then writes summary.json, hosts.html and junit.xml beside it
 * and links the hosts page from Gatling's pages.
 *
 * <p>Gatling's reports-only mode reads {@code <results folder>/<run folder>/simulation.log} and
 * writes the report into that run folder, so the results folder is outDir's parent and the run
 * folder outDir's name: the HTML lands in outDir itself.
 */
public final class Reporter {
  public static final String MERGED_LOG = "simulation.log";
  public static final String SUMMARY = "summary.json";
  public static final String HOSTS_PAGE = "hosts.html";
  public static final String JUNIT = "junit.xml";

  /** The pages loadfleet writes into a report folder; Gatling writes the others. */
  static final Set<String> OWN_PAGES = Set.of(HOSTS_PAGE, Comparison.PAGE);

  /** Gatling's console output while it builds the report. */
  public static final String GATLING_CONSOLE = "gatling-report.log";

  /** The longest Gatling's report generator may take on one merged log. */
  public static final Duration REPORT_TIMEOUT = Duration.ofMinutes(60);

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
    Timeline timeline = new Timeline(inputs.size());
    TrafficStats.Keys keys = new TrafficStats.Keys();
    MergeResult merged =
        LogMerger.merge(
            inputs,
            outDir.resolve(MERGED_LOG),
            (input, record) -> {
              String key = record instanceof LogRecord.Request r ? keys.of(r) : null;
              global.add(record, key);
              perInput.get(input).add(record, key);
              timeline.add(input, record, key);
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
    for (String host : request.health().keySet()) {
      if (!request.hostAnnotations().containsKey(host)
          && merged.inputs().stream().noneMatch(in -> in.name().equals(host))) {
        warnings.add("health samples of " + host + " not charted: no such input");
      }
    }

    ObjectNode summary =
        Summary.build(
            new Summary.Facts(
                request,
                merged,
                global,
                perInput,
                assertions,
                passed,
                GatlingPages.estimates(index),
                warnings));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path summaryFile = outDir.resolve(SUMMARY);
    json.writeValue(summaryFile.toFile(), summary);

    Path hostsPage = outDir.resolve(HOSTS_PAGE);
    Files.writeString(
        hostsPage,
        HostsPage.render(
            new HostsPage.Input(
                summary,
                timeline,
                merged.header().startMs(),
                charted(request.health(), merged),
                GatlingPages.detailsLink(index))),
        StandardCharsets.UTF_8);
    Path junit = outDir.resolve(JUNIT);
    Files.writeString(junit, JunitReport.render(summary), StandardCharsets.UTF_8);
    GatlingPages.link(outDir, banner(summary, merged.inputs().size()), warnings);
    return new ReportResult(
        index, summaryFile, hostsPage, junit, passed, warnings, Summary.serviceLine(summary));
  }

  /** The health of the hosts that have a log in the merge: the others have no series to join. */
  private static Map<String, dev.loadfleet.health.HostHealth> charted(
      Map<String, dev.loadfleet.health.HostHealth> health, MergeResult merged) {
    Map<String, dev.loadfleet.health.HostHealth> charted = new java.util.LinkedHashMap<>();
    for (MergeResult.Input in : merged.inputs()) {
      Optional.ofNullable(health.get(in.name())).ifPresent(h -> charted.put(in.name(), h));
    }
    return charted;
  }

  /** The line at the top of Gatling's index.html: the injectors, and a stop when there was one. */
  private static String banner(ObjectNode summary, int inputs) {
    StringBuilder b = new StringBuilder();
    if (summary.has("stopped")) {
      b.append(
              "<div class=\"loadfleet-stopped\" style=\"padding:6px 16px;background:#f8d7da;"
                  + "color:#1f2024;font-family:sans-serif;"
                  + "font-weight:bold\">")
          .append(GatlingLook.esc(Verdict.stopSentence(summary.get("stopped"))))
          .append("</div>");
    }
    b.append(
            "<div style=\"padding:6px 16px;background:#fff3cd;color:#1f2024;font-family:sans-serif\">")
        .append("Merged by loadfleet from ")
        .append(inputs)
        .append(" injector")
        .append(inputs == 1 ? "" : "s")
        .append(": <a href=\"")
        .append(HOSTS_PAGE)
        .append("\">per-host breakdown and verdict</a>")
        .append(" &middot; <a href=\"")
        .append(SUMMARY)
        .append("\">summary.json</a>")
        .append(" &middot; <a href=\"")
        .append(JUNIT)
        .append("\">junit.xml</a></div>");
    return b.toString();
  }
}
