package dev.loadfleet.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the report is and its verdict.
 *
 * @param reportIndex Gatling's index.html
 * @param junitXml the run as JUnit test results, for CI servers
 * @param assertionsPassed false when at least one of the simulation's assertions failed
 * @param warnings things the user should know (truncated inputs, unreadable assertion lines)
 * @param serviceCount the service's count beside the OK uploads, as one console line, when the
 *     launcher asked the service's host
 */
public record ReportResult(
    Path reportIndex,
    Path summaryJson,
    Path hostsPage,
    Path junitXml,
    boolean assertionsPassed,
    List<String> warnings,
    Optional<String> serviceCount) {
  public ReportResult {
    warnings = List.copyOf(warnings);
  }
}
