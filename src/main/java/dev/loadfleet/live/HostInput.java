package dev.loadfleet.live;

import dev.loadfleet.health.HealthSample;
import java.util.Optional;

/**
 * What the launcher knows of one host at a poll, for the live figures.
 *
 * @param state the host's state in words (running, lost, finished, ...)
 * @param lost silent for too long: shown as lost, its last numbers not repeated as current
 * @param message why it is in that state, if anything is to be said
 * @param usersPlanned its share of the students (0 for the service's host)
 * @param clockOffsetMs its clock minus the launcher's
 * @param nicBitsPerSecond its declared NIC speed, for the NIC %
 * @param reading its latest progress file, if one was read
 * @param health its latest health sample, if any
 * @param healthNote the health sampler's line for it, or ""
 */
public record HostInput(
    String name,
    Role role,
    String state,
    boolean lost,
    String message,
    int usersPlanned,
    long clockOffsetMs,
    long nicBitsPerSecond,
    Optional<Reading> reading,
    Optional<HealthSample> health,
    String healthNote) {

  /** What a host is to the run. */
  public enum Role {
    INJECTOR,
    /** The service's own host: sampled for health only. */
    SERVICE;

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
