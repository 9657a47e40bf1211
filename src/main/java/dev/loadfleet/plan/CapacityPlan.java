package dev.loadfleet.plan;

import java.util.List;

/**
 * The planner's answer: bandwidth, injectors, requests and descriptors for a {@link Demand}, and
 * for an inventory the load on each host plus warnings where it cannot carry it.
 *
 * @param injectorsByBandwidth ceil(total bits/s / usable bits/s of one default-NIC injector)
 * @param injectorsByUsers ceil(users / maxUsersPerHost), the guide's formula
 * @param descriptorsPerInjector descriptors each of {@code injectorsNeeded} evenly loaded injectors
 *     needs
 * @param hosts one entry per inventory host; empty without an inventory
 * @param warnings every reason the inventory cannot carry the load, each naming the host and by how
 *     much; empty when it can (or without an inventory)
 */
public record CapacityPlan(
    Demand demand,
    Limits limits,
    int injectorsByBandwidth,
    int injectorsByUsers,
    long descriptorsPerInjector,
    List<HostLoad> hosts,
    List<String> warnings) {

  public CapacityPlan {
    hosts = List.copyOf(hosts);
    warnings = List.copyOf(warnings);
  }

  /** Injectors the workload needs: the larger of the bandwidth and the users-per-host counts. */
  public int injectorsNeeded() {
    return Math.max(injectorsByBandwidth, injectorsByUsers);
  }

  /** Which limit decided {@link #injectorsNeeded()}: "bandwidth" or "users per host". */
  public String decidedBy() {
    return injectorsByBandwidth > injectorsByUsers ? "bandwidth" : "users per host";
  }

  /** Upload plus heartbeat body bytes per second one user sends. */
  public double bytesPerSecondPerUser() {
    return demand.bytesPerSecondPerUser();
  }

  public double bitsPerSecondPerUser() {
    return bytesPerSecondPerUser() * 8;
  }

  public double totalBytesPerSecond() {
    return bytesPerSecondPerUser() * demand.users();
  }

  public double totalBitsPerSecond() {
    return totalBytesPerSecond() * 8;
  }

  /** Users on each of {@link #injectorsNeeded()} evenly loaded injectors (the busiest one). */
  public int usersPerInjector() {
    return (int) Math.ceil((double) demand.users() / injectorsNeeded());
  }

  /** Upload bandwidth of the busiest of {@link #injectorsNeeded()} evenly loaded injectors. */
  public double bitsPerSecondPerInjector() {
    return usersPerInjector() * bitsPerSecondPerUser();
  }

  /** Requests per second at steady state, uploads and heartbeats together. */
  public double requestsPerSecond() {
    return uploadsPerSecond() + heartbeatsPerSecond();
  }

  public double uploadsPerSecond() {
    return demand.users() * demand.uploadsPerSecondPerUser();
  }

  public double heartbeatsPerSecond() {
    return demand.users() * demand.heartbeatsPerSecondPerUser();
  }

  /** True when an inventory was given and it can carry the load. */
  public boolean fits() {
    return !hosts.isEmpty() && warnings.isEmpty();
  }
}
