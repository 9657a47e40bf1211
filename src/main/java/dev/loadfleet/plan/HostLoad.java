package dev.loadfleet.plan;

/**
 * What one inventory host is asked to carry and what it can carry.
 *
 * @param users the host's users (exact share, or estimated from its weight, rounded up)
 * @param usersEstimated true when {@code users} was estimated from the weight
 * @param bitsPerSecond upload bandwidth those users need
 * @param usableBitsPerSecond the host's NIC speed times the plan's headroom
 * @param descriptors descriptors the injector needs open (compare with `ulimit -n`)
 */
public record HostLoad(
    HostCapacity host,
    int users,
    boolean usersEstimated,
    double bitsPerSecond,
    double usableBitsPerSecond,
    long descriptors) {

  /** Fraction of the NIC's declared speed in use at plan (0.7 = 70 %). */
  public double nicUtilisation() {
    return bitsPerSecond / host.nic().bitsPerSecond();
  }
}
