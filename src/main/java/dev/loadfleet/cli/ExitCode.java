package dev.loadfleet.cli;

import dev.loadfleet.run.RunOutcome;
import java.io.PrintWriter;

/**
 * Every exit code the launcher can return; scripts and CI branch on these numbers. The run stage
 * says what happened ({@link RunOutcome}); {@link #of} is the one place that turns that into a
 * number.
 */
public enum ExitCode {
  /** The work was done and every assertion held. */
  OK(0),
  /** Bad input or a failure that stopped the work (the message says which file, host or field). */
  ERROR(1),
  /** The command line itself was wrong. */
  USAGE(2),
  /** The run and the report completed, but at least one Gatling assertion failed. */
  ASSERTIONS_FAILED(3),
  /** A report was produced, but some host was lost, failed or was stopped early. */
  PARTIAL(4),
  /** A report was produced, but an injector was saturated, so its latencies are not trustworthy. */
  INJECTORS_SATURATED(5),
  /** Pre-flight checks refused the hosts; nothing was started. */
  CHECK_FAILED(6),
  /** The run was stopped early on request; what ran was collected and reported, marked stopped. */
  STOPPED(7),
  /** A stop criterion held and ended the run; the report names it and the values that fired it. */
  STOP_CRITERION(8),
  /** {@code compare} found a regression beyond {@code --max-regression}. */
  REGRESSION(9),
  /** The operator interrupted the run; remote injectors were stopped and what ran was reported. */
  INTERRUPTED(130);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The exit code of a run's outcome. */
  public static ExitCode of(RunOutcome outcome) {
    return switch (outcome) {
      case OK -> OK;
      case ASSERTIONS_FAILED -> ASSERTIONS_FAILED;
      case PARTIAL -> PARTIAL;
      case INJECTORS_SATURATED -> INJECTORS_SATURATED;
      case CHECK_FAILED -> CHECK_FAILED;
      case INTERRUPTED -> INTERRUPTED;
      case STOPPED -> STOPPED;
      case STOP_CRITERION -> STOP_CRITERION;
      case ERROR -> ERROR;
    };
  }

  /** The exit code of a run's outcome, after a last line saying both. */
  static ExitCode result(RunOutcome outcome, PrintWriter out) {
    ExitCode code = of(outcome);
    out.println("result: " + outcome.words() + " (exit " + code.code() + ")");
    out.flush();
    return code;
  }
}
