package dev.loadfleet.run;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a run, or a later collect of it, came to. The run stage only says what happened; the command
 * line alone turns it into an exit code.
 */
public enum RunOutcome {
  /** The run completed, was reported, and every assertion held. */
  OK,
  /** The run completed and was reported, but a Gatling assertion failed. */
  ASSERTIONS_FAILED,
  /** Reported, but some host was lost, failed or was stopped early. */
  PARTIAL,
  /** Reported, but an injector was saturated, so its latencies are not trustworthy. */
  INJECTORS_SATURATED,
  /** The pre-flight checks refused the hosts; nothing was started. */
  CHECK_FAILED,
  /**
   * Ctrl+C on the process that ran it: what ran was stopped, collected and reported if it could be
   * (marked stopped).
   */
  INTERRUPTED,
  /**
   * Stopped early on request ({@code loadfleet stop}, the launcher's own stop, or a Ctrl+C seen by
   * a later collect); reported, marked stopped.
   */
  STOPPED,
  /** A stop criterion held and ended the run; reported, with the criterion named. */
  STOP_CRITERION,
  /** Something stopped the work: nothing came home, the report failed, the bundle did not land. */
  ERROR;

  /** Whether a saturated injector fails the run or is only reported. */
  public enum OnSaturation {
    FAIL,
    WARN
  }

  /** How far the report got. */
  public enum Report {
    /** No simulation.log came home. */
    NO_LOGS,
    /** The logs came home, the report could not be built. */
    FAILED,
    ASSERTIONS_HELD,
    ASSERTIONS_FAILED
  }

  /**
   * What the collect and report stages found.
   *
   * @param ctrlC this process got Ctrl+C while it ran the run
   * @param stopped who or what stopped the run early, if anyone did (run.json's record)
   * @param unfinished the started hosts that did not finish (lost, failed, stopped), with why
   * @param saturated the hosts flagged saturated
   */
  public record Findings(
      boolean ctrlC,
      Optional<StopReason.By> stopped,
      Report report,
      List<String> unfinished,
      List<String> saturated) {
    public Findings {
      unfinished = List.copyOf(unfinished);
      saturated = List.copyOf(saturated);
    }
  }

  /**
   * The outcome, worst first: a Ctrl+C on this process, then no report, then an early stop (a stop
   * criterion apart from the other stops; a stopped run's hosts are unfinished by design), hosts
   * that did not finish, failed assertions, and saturation (unless it is only to be reported).
   */
  public static RunOutcome decide(Findings f, OnSaturation onSaturation) {
    if (f.ctrlC()) {
      return INTERRUPTED;
    }
    if (f.report() == Report.NO_LOGS || f.report() == Report.FAILED) {
      return ERROR;
    }
    if (f.stopped().isPresent()) {
      return f.stopped().get() == StopReason.By.CRITERION ? STOP_CRITERION : STOPPED;
    }
    if (!f.unfinished().isEmpty()) {
      return PARTIAL;
    }
    if (f.report() == Report.ASSERTIONS_FAILED) {
      return ASSERTIONS_FAILED;
    }
    if (!f.saturated().isEmpty() && onSaturation == OnSaturation.FAIL) {
      return INJECTORS_SATURATED;
    }
    return OK;
  }

  /** In words, e.g. "assertions failed". */
  public String words() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
