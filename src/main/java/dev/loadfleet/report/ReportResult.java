package dev.loadfleet.report;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the report is and its verdict.
 *
 * @param reportIndex Gatling's index.html
 * @param assertionsPassed false when at least one of the simulation's assertions failed
 * @param warnings things the user should know (truncated inputs, unreadable assertion lines)
 */
public record ReportResult(
    Path reportIndex,
    Path summaryJson,
    Path hostsPage,
    boolean assertionsPassed,
    List<String> warnings) {
  public ReportResult {
    warnings = List.copyOf(warnings);
  }
}
