package dev.loadfleet.run;

import static dev.loadfleet.run.RunOutcome.OnSaturation.FAIL;
import static dev.loadfleet.run.RunOutcome.OnSaturation.WARN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loadfleet.run.RunOutcome.Findings;
import dev.loadfleet.run.RunOutcome.Report;
import dev.loadfleet.run.StopReason.By;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exit decision at the end of a run or a collect, branch by branch. */
class RunOutcomeTest {
  private static final List<String> NONE = List.of();
  private static final List<String> ONE_LOST = List.of("host1 lost (no answer for 15 s)");
  private static final List<String> ALL_STOPPED = List.of("host0 stopped", "host1 stopped");
  private static final List<String> HOST0 = List.of("host0");
  private static final Optional<By> NOT_STOPPED = Optional.empty();

  private static Findings found(Report report, List<String> unfinished, List<String> saturated) {
    return new Findings(false, NOT_STOPPED, report, unfinished, saturated);
  }

  private static Findings stopped(By by, Report report) {
    return new Findings(false, Optional.of(by), report, ALL_STOPPED, HOST0);
  }

  @Test
  void aCtrlCOnThisProcessWinsOverEverythingElseWhetherOrNotAReportCameOfIt() {
    assertEquals(
        RunOutcome.INTERRUPTED,
        RunOutcome.decide(
            new Findings(true, Optional.of(By.CTRL_C), Report.ASSERTIONS_FAILED, ONE_LOST, HOST0),
            FAIL));
    assertEquals(
        RunOutcome.INTERRUPTED,
        RunOutcome.decide(
            new Findings(true, Optional.of(By.CTRL_C), Report.NO_LOGS, ONE_LOST, NONE), FAIL));
    assertEquals(
        RunOutcome.INTERRUPTED,
        RunOutcome.decide(
            new Findings(true, Optional.of(By.OPERATOR), Report.FAILED, NONE, NONE), WARN),
        "Ctrl+C after `loadfleet stop` asked first: still this process's interrupt");
  }

  @Test
  void noLogsOrAFailedReportIsAnErrorAlsoForAStoppedRun() {
    assertEquals(RunOutcome.ERROR, RunOutcome.decide(found(Report.NO_LOGS, ONE_LOST, NONE), FAIL));
    assertEquals(RunOutcome.ERROR, RunOutcome.decide(found(Report.FAILED, NONE, HOST0), FAIL));
    assertEquals(
        RunOutcome.ERROR,
        RunOutcome.decide(stopped(By.OPERATOR, Report.FAILED), FAIL),
        "exit 7 promises a report");
  }

  @Test
  void aReportedStopOnRequestIsStoppedWhateverItsHostsAssertionsAndSaturation() {
    for (By by : List.of(By.OPERATOR, By.LAUNCHER)) {
      assertEquals(
          RunOutcome.STOPPED,
          RunOutcome.decide(stopped(by, Report.ASSERTIONS_FAILED), FAIL),
          by.id());
      assertEquals(
          RunOutcome.STOPPED,
          RunOutcome.decide(stopped(by, Report.ASSERTIONS_HELD), FAIL),
          by.id());
    }
  }

  @Test
  void aRunStoppedByCtrlCAndCollectedLaterIsStoppedNotInterrupted() {
    assertEquals(
        RunOutcome.STOPPED, RunOutcome.decide(stopped(By.CTRL_C, Report.ASSERTIONS_HELD), FAIL));
  }

  @Test
  void aStopCriterionHasItsOwnOutcome() {
    assertEquals(
        RunOutcome.STOP_CRITERION,
        RunOutcome.decide(stopped(By.CRITERION, Report.ASSERTIONS_FAILED), FAIL));
  }

  @Test
  void aHostThatDidNotFinishMakesTheRunPartialBeforeAssertionsAndSaturation() {
    assertEquals(
        RunOutcome.PARTIAL,
        RunOutcome.decide(found(Report.ASSERTIONS_FAILED, ONE_LOST, HOST0), FAIL));
  }

  @Test
  void aFailedAssertionComesBeforeSaturation() {
    assertEquals(
        RunOutcome.ASSERTIONS_FAILED,
        RunOutcome.decide(found(Report.ASSERTIONS_FAILED, NONE, HOST0), FAIL));
  }

  @Test
  void saturationFailsTheRunUnlessItIsOnlyToBeReported() {
    Findings saturated = found(Report.ASSERTIONS_HELD, NONE, HOST0);
    assertEquals(RunOutcome.INJECTORS_SATURATED, RunOutcome.decide(saturated, FAIL));
    assertEquals(RunOutcome.OK, RunOutcome.decide(saturated, WARN), "--ignore-saturation");
  }

  @Test
  void aCompleteRunWhoseAssertionsHeldIsOk() {
    assertEquals(RunOutcome.OK, RunOutcome.decide(found(Report.ASSERTIONS_HELD, NONE, NONE), FAIL));
  }
}
