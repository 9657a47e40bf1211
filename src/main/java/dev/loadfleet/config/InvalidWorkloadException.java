package dev.loadfleet.config;

/**
 * A workload knob is missing, unknown or out of range. The message names the key, where its value
 * came from (profile file or {@code -D}), what is wrong and the accepted range, so it can be shown
 * to the operator as it is: its control characters, wherever they came from (a value, a key, a
 * profile name), are shown escaped as {@code \xNN} and never reach the terminal raw.
 */
public final class InvalidWorkloadException extends IllegalArgumentException {
  public InvalidWorkloadException(String message) {
    super(ConfigFile.escaped(message));
  }
}
