package dev.loadfleet.plan;

import dev.loadfleet.units.LinkSpeed;
import java.util.OptionalInt;

/**
 * One injector as the capacity planner sees it, built by the caller from the inventory host
 * (dev.loadfleet.config.HostSpec: name, weight), its declared NIC, the cores and memory `check`
 * found, and its share from dev.loadfleet.plan.Shares when computed.
 *
 * @param cpus cores; 0 when unknown (the CPU check is skipped)
 * @param memoryBytes total memory; 0 when unknown (the memory check is skipped)
 * @param weight relative share of the users, used when {@code users} is empty
 * @param users the host's exact share when already computed (e.g. by the share planner); empty to
 *     estimate it from the weight
 */
public record HostCapacity(
    String name, LinkSpeed nic, int cpus, long memoryBytes, double weight, OptionalInt users) {

  public HostCapacity {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a host has no name: give every inventory host a name");
    }
    if (nic == null) {
      throw new IllegalArgumentException("host " + name + ": nic is missing (e.g. 1Gbps)");
    }
    if (cpus < 0 || memoryBytes < 0) {
      throw new IllegalArgumentException(
          "host " + name + ": cpus and memory cannot be negative (use 0 for unknown)");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException(
          "host " + name + ": weight is " + weight + ", it must be above zero (e.g. 1)");
    }
    if (users.isPresent() && users.getAsInt() < 0) {
      throw new IllegalArgumentException("host " + name + ": users cannot be negative");
    }
  }

  /** A host known only by name and NIC, weight 1. */
  public static HostCapacity of(String name, LinkSpeed nic) {
    return new HostCapacity(name, nic, 0, 0, 1, OptionalInt.empty());
  }

  public HostCapacity withUsers(int exactUsers) {
    return new HostCapacity(name, nic, cpus, memoryBytes, weight, OptionalInt.of(exactUsers));
  }

  public HostCapacity withResources(int cores, long memory) {
    return new HostCapacity(name, nic, cores, memory, weight, users);
  }
}
