package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a run is, as run.json says it: starting and running, then how it ended (one state per
 * {@link RunOutcome}, or failed / report failed when no report came of it).
 */
public enum RunState {
  STARTING("starting"),
  RUNNING("running"),
  /** No simulation.log came home: nothing to report. */
  FAILED("failed"),
  /** The logs came home but the report could not be built. */
  REPORT_FAILED("report failed"),
  OK("ok"),
  ASSERTIONS_FAILED("assertions_failed"),
  PARTIAL("partial"),
  INJECTORS_SATURATED("injectors_saturated"),
  CHECK_FAILED("check_failed"),
  INTERRUPTED("interrupted"),
  STOPPED("stopped"),
  STOP_CRITERION("stop_criterion"),
  ERROR("error");

  private final String text;

  RunState(String text) {
    this.text = text;
  }

  /** The state of a run that was reported and came to {@code outcome}. */
  public static RunState reported(RunOutcome outcome) {
    return valueOf(outcome.name());
  }

  @JsonValue
  public String text() {
    return text;
  }

  @JsonCreator
  public static RunState of(String text) {
    return EnumText.of(values(), RunState::text, text, "run state");
  }

  @Override
  public String toString() {
    return text;
  }
}
