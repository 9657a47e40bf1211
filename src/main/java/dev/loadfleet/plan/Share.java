package dev.loadfleet.plan;

/**
 * One host's part of the run: student ids {@code idOffset .. idOffset + users - 1}.
 *
 * @param rampRate users/s this host starts, so that every host ramps for the same time
 */
public record Share(String host, int users, double rampRate, int idOffset) {
  /** The first id after this host's range. */
  public int idEnd() {
    return idOffset + users;
  }
}
