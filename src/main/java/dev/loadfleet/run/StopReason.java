package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Why a run ended before its plan: when, who or what asked, and in words what it was (a fired
 * criterion names itself and the values that fired it). Every early end (Ctrl+C, {@code loadfleet
 * stop}, a stop criterion, the launcher's own stop) reaches the run as one of these, through {@link
 * Interruption#request(StopReason)}; run.json records it as {@code "stopped"}, and the report
 * carries it into summary.json and onto its pages.
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
    @JsonValue
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static By of(String id) {
      return EnumText.of(values(), By::id, id, "stopped by");
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

  /** {@code loadfleet stop} from a launcher process, now; {@code who} names the user. */
  public static StopReason operator(String who) {
    return new StopReason(System.currentTimeMillis(), By.OPERATOR, "`loadfleet stop` by " + who);
  }

  /** The launcher's own stop, now, for the reason {@code detail} gives. */
  public static StopReason launcher(String detail) {
    return new StopReason(System.currentTimeMillis(), By.LAUNCHER, detail);
  }

  /** In words, e.g. "at 10:41:07 by operator: `loadfleet stop` by alice". */
  public String describe() {
    return "at "
        + DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault())
            .format(Instant.ofEpochMilli(atEpochMs))
        + " by "
        + by.id()
        + ": "
        + detail;
  }

  /** As summary.json's {@code stopped} entry: at (ISO instant), atEpochMs, by and detail. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("at", Instant.ofEpochMilli(atEpochMs).toString());
    n.put("atEpochMs", atEpochMs);
    n.put("by", by.id());
    n.put("detail", detail);
    return n;
  }
}
