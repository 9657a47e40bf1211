package dev.loadfleet.check;

/**
 * {@code clockOffsetMs}: the host's clock minus the launcher's, in ms, positive when the host is
 * ahead, measured over SSH round trips; the true offset is within {@code offsetMs ± uncertaintyMs}
 * (half the fastest round trip). A host timestamp minus the offset is the launcher's time.
 */
public record ClockOffset(long offsetMs, long uncertaintyMs) {
  public static final ClockOffset ZERO = new ClockOffset(0, 0);

  @Override
  public String toString() {
    return (offsetMs >= 0 ? "+" : "") + offsetMs + " ±" + uncertaintyMs;
  }
}
