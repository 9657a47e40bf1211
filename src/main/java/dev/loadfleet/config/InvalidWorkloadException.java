package dev.loadfleet.config;

/**
 * A workload knob is missing, unknown or out of range. The message names the key, where its value
 * came from (profile file or {@code -D}), what is wrong and the accepted range, so it can be shown
 * to the operator as it is.
 */
public final class InvalidWorkloadException extends IllegalArgumentException {
  public InvalidWorkloadException(String message) {
    super(message);
  }
}
