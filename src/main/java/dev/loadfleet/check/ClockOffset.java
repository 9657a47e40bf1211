package dev.loadfleet.check;

/**
 * The host's clock minus the launcher's, in ms, measured over SSH round trips: the true offset is
 * within {@code offsetMs ± uncertaintyMs} (half the fastest round trip).
 */
public record ClockOffset(long offsetMs, long uncertaintyMs) {
  public static final ClockOffset ZERO = new ClockOffset(0, 0);

  @Override
  public String toString() {
    return (offsetMs >= 0 ? "+" : "") + offsetMs + " ms ±" + uncertaintyMs;
  }
}
