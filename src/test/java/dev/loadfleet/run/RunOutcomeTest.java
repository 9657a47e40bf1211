package dev.loadfleet.run;

import static dev.loadfleet.run.RunOutcome.OnSaturation.FAIL;
import static dev.loadfleet.run.RunOutcome.OnSaturation.WARN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loadfleet.run.RunOutcome.Findings;
import dev.loadfleet.run.RunOutcome.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exit decision at the end of a run or a collect, branch by branch. */
class RunOutcomeTest {
  private static final List<String> NONE = List.of();
  private static final List<String> ONE_LOST = List.of("host1 lost (no answer for 15 s)");
  private static final List<String> HOST0 = List.of("host0");

  @Test
  void anInterruptWinsOverEverythingElseWhetherOrNotAReportCameOfIt() {
    assertEquals(
        RunOutcome.INTERRUPTED,
        RunOutcome.decide(new Findings(true, Report.ASSERTIONS_FAILED, ONE_LOST, HOST0), FAIL));
    assertEquals(
        RunOutcome.INTERRUPTED,
        RunOutcome.decide(new Findings(true, Report.NO_LOGS, ONE_LOST, NONE), FAIL));
    assertEquals(
        RunOutcome.INTERRUPTED,
        RunOutcome.decide(new Findings(true, Report.FAILED, NONE, NONE), WARN));
  }

  @Test
  void noLogsOrAFailedReportIsAnError() {
    assertEquals(
        RunOutcome.ERROR,
        RunOutcome.decide(new Findings(false, Report.NO_LOGS, ONE_LOST, NONE), FAIL));
    assertEquals(
        RunOutcome.ERROR, RunOutcome.decide(new Findings(false, Report.FAILED, NONE, HOST0), FAIL));
  }

  @Test
  void aHostThatDidNotFinishMakesTheRunPartialBeforeAssertionsAndSaturation() {
    assertEquals(
        RunOutcome.PARTIAL,
        RunOutcome.decide(new Findings(false, Report.ASSERTIONS_FAILED, ONE_LOST, HOST0), FAIL));
  }

  @Test
  void aFailedAssertionComesBeforeSaturation() {
    assertEquals(
        RunOutcome.ASSERTIONS_FAILED,
        RunOutcome.decide(new Findings(false, Report.ASSERTIONS_FAILED, NONE, HOST0), FAIL));
  }

  @Test
  void saturationFailsTheRunUnlessItIsOnlyToBeReported() {
    Findings saturated = new Findings(false, Report.ASSERTIONS_HELD, NONE, HOST0);
    assertEquals(RunOutcome.INJECTORS_SATURATED, RunOutcome.decide(saturated, FAIL));
    assertEquals(RunOutcome.OK, RunOutcome.decide(saturated, WARN), "--ignore-saturation");
  }

  @Test
  void aCompleteRunWhoseAssertionsHeldIsOk() {
    assertEquals(
        RunOutcome.OK,
        RunOutcome.decide(new Findings(false, Report.ASSERTIONS_HELD, NONE, NONE), FAIL));
  }
}
