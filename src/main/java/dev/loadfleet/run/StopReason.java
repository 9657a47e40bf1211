package dev.loadfleet.run;

import java.util.Locale;

/**
 * Why a run ended before its plan: when, who or what asked, and in words what it was (a fired
 * criterion names itself and the values that fired it). Every early end (Ctrl+C, {@code loadfleet
 * stop}, a stop criterion, the launcher's own stop) reaches the run as one of these, through {@link
 * Interruption#request(StopReason)}.
 *
 * @param atEpochMs when the stop was asked for, in the launcher's clock
 * @param by who or what asked
 * @param detail one sentence for people, e.g. "KO > 10% for 30 s (KO 14.2% at 10:41:07)"
 * @param criterion the criterion that fired and the values that fired it, when {@code by} is {@link
 *     By#CRITERION} (see {@link #criterion(FiredCriterion, String)}); null otherwise
 */
public record StopReason(long atEpochMs, By by, String detail, FiredCriterion criterion) {
  /** Who or what ends a run early. */
  public enum By {
    /** Ctrl+C (SIGINT) on the launcher that runs it. */
    CTRL_C,
    /** {@code loadfleet stop} from any launcher process. */
    OPERATOR,
    /** A stop criterion held for its window. */
    CRITERION,
    /** The launcher itself, e.g. for a host it gave up on. */
    LAUNCHER;

    /** The name in run.json and summary.json: ctrl-c, operator, criterion, launcher. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public StopReason {
    if (by == null || detail == null) {
      throw new IllegalArgumentException("a stop reason needs who asked and what it was");
    }
    if (criterion != null && by != By.CRITERION) {
      throw new IllegalArgumentException("only a criterion's stop names a criterion");
    }
  }

  /** An early end by anyone but a criterion. */
  public StopReason(long atEpochMs, By by, String detail) {
    this(atEpochMs, by, detail, null);
  }

  /** A criterion that held for its window: {@code detail} says it in one sentence. */
  public static StopReason criterion(FiredCriterion fired, String detail) {
    return new StopReason(fired.firedAtMs(), By.CRITERION, detail, fired);
  }

  /** Ctrl+C on the launcher, now. */
  public static StopReason ctrlC() {
    return new StopReason(System.currentTimeMillis(), By.CTRL_C, "Ctrl+C on the launcher");
  }
}
