package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where one host of a run is; run.json writes it in lower case ({@code "running"}). */
public enum HostState {
  /** In the plan, not started yet. */
  PLANNED,
  /** Given no users by the plan: nothing runs there. */
  IDLE,
  RUNNING,
  /** Silent for longer than the run allows; it may come back. */
  LOST,
  /** Gatling ended by itself (exit 0, or 2 when an assertion failed). */
  FINISHED,
  /** Did not start, or its injector ended badly or cannot be read. */
  FAILED,
  /** Stopped by the launcher or the operator. */
  STOPPED;

  /** Finished, failed, stopped or idle: nothing more will happen on the host. */
  public boolean terminal() {
    return this == FINISHED || this == FAILED || this == STOPPED || this == IDLE;
  }

  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static HostState of(String text) {
    return EnumText.of(values(), HostState::text, text, "host state");
  }

  @Override
  public String toString() {
    return text();
  }
}
