package dev.loadfleet.plan;

import static dev.loadfleet.units.Units.decimal;

import dev.loadfleet.units.LinkSpeed;
import dev.loadfleet.units.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * Capacity arithmetic: how much bandwidth a workload needs, how many injectors carry it and, for a
 * given inventory, which host falls short and by how much. Pure arithmetic, no I/O; {@link
 * PlanText} shows the working.
 */
public final class Capacity {
  private Capacity() {}

  /** The plan without an inventory: injectors of the default NIC. */
  public static CapacityPlan plan(Demand demand, Limits limits) {
    return plan(demand, limits, List.of());
  }

  /** The plan for an inventory; {@link CapacityPlan#warnings()} say where it cannot carry it. */
  public static CapacityPlan plan(Demand demand, Limits limits, List<HostCapacity> hosts) {
    double totalBits = demand.bytesPerSecondPerUser() * 8 * demand.users();
    int byBandwidth = (int) Math.ceil(totalBits / limits.usableBits(limits.defaultNic()));
    int byUsers = ceilDiv(demand.users(), limits.maxUsersPerHost());
    int needed = Math.max(byBandwidth, byUsers);
    long fdsEach = limits.descriptorsFor(ceilDiv(demand.users(), needed));

    List<HostLoad> loads = loads(demand, limits, hosts);
    List<String> warnings = new ArrayList<>();
    if (!hosts.isEmpty()) {
      warnings.addAll(totalWarnings(demand, limits, loads, totalBits));
      for (HostLoad load : loads) {
        warnings.addAll(hostWarnings(demand, limits, load));
      }
    }
    return new CapacityPlan(demand, limits, byBandwidth, byUsers, fdsEach, loads, warnings);
  }

  private static List<HostLoad> loads(Demand demand, Limits limits, List<HostCapacity> hosts) {
    double weights = hosts.stream().mapToDouble(HostCapacity::weight).sum();
    double bitsPerUser = demand.bytesPerSecondPerUser() * 8;
    List<HostLoad> loads = new ArrayList<>();
    for (HostCapacity host : hosts) {
      boolean estimated = host.users().isEmpty();
      // Rounded up: an estimate must not hide a shortfall that the exact share would show.
      int users =
          estimated
              ? (int) Math.ceil(demand.users() * host.weight() / weights - 1e-9)
              : host.users().getAsInt();
      loads.add(
          new HostLoad(
              host,
              users,
              estimated,
              users * bitsPerUser,
              limits.usableBits(host.nic()),
              limits.descriptorsFor(users)));
    }
    return loads;
  }

  private static List<String> totalWarnings(
      Demand demand, Limits limits, List<HostLoad> loads, double totalBits) {
    List<String> warnings = new ArrayList<>();
    boolean exact = loads.stream().noneMatch(HostLoad::usersEstimated);
    int assigned = loads.stream().mapToInt(HostLoad::users).sum();
    if (exact && assigned != demand.users()) {
      warnings.add(
          "inventory: the hosts' shares add up to "
              + assigned
              + " users but the workload asks for "
              + demand.users()
              + ": recompute the shares");
    }
    double usable = loads.stream().mapToDouble(HostLoad::usableBitsPerSecond).sum();
    if (usable < totalBits) {
      double shortBits = totalBits - usable;
      int more = (int) Math.ceil(shortBits / limits.usableBits(limits.defaultNic()));
      warnings.add(
          "inventory: its NICs carry "
              + LinkSpeed.format(usable)
              + " at "
              + percent(limits.nicHeadroom())
              + " of their speed, the load needs "
              + LinkSpeed.format(totalBits)
              + ": short by "
              + LinkSpeed.format(shortBits)
              + "; add "
              + more
              + " injector(s) with a "
              + limits.defaultNic()
              + " NIC or faster NICs");
    }
    return warnings;
  }

  private static List<String> hostWarnings(Demand demand, Limits limits, HostLoad load) {
    List<String> warnings = new ArrayList<>();
    HostCapacity host = load.host();
    String who = "host " + host.name() + ": " + load.users() + " users";
    String fix = load.usersEstimated() ? "lower its weight or add an injector" : "move users away";
    double bitsPerUser = demand.bytesPerSecondPerUser() * 8;
    if (load.bitsPerSecond() > load.usableBitsPerSecond()) {
      int fitting = (int) Math.floor(load.usableBitsPerSecond() / bitsPerUser);
      warnings.add(
          who
              + " need "
              + LinkSpeed.format(load.bitsPerSecond())
              + ", its "
              + host.nic()
              + " NIC carries "
              + LinkSpeed.format(load.usableBitsPerSecond())
              + " at "
              + percent(limits.nicHeadroom())
              + ": short by "
              + LinkSpeed.format(load.bitsPerSecond() - load.usableBitsPerSecond())
              + " ("
              + (load.users() - fitting)
              + " users too many); "
              + fix);
    }
    if (load.users() > limits.maxUsersPerHost()) {
      warnings.add(
          who
              + " is above the limit of "
              + limits.maxUsersPerHost()
              + " users per injector by "
              + (load.users() - limits.maxUsersPerHost())
              + "; "
              + fix);
    }
    if (host.cpus() > 0 && limits.coresPerUser() > 0) {
      resourceWarning(load, limits.coresPerUser(), host.cpus(), Units::decimal, " cores", fix)
          .ifPresent(warnings::add);
    }
    if (host.memoryBytes() > 0 && limits.memoryBytesPerUser() > 0) {
      resourceWarning(
              load,
              limits.memoryBytesPerUser(),
              host.memoryBytes(),
              Units::gibibytes,
              " of memory",
              fix)
          .ifPresent(warnings::add);
    }
    return warnings;
  }

  /** "host b: 100 users need 2.67 cores at 0.0267 per user, it has 2: short by 0.667 cores ...". */
  private static Optional<String> resourceWarning(
      HostLoad load,
      double perUser,
      double has,
      DoubleFunction<String> unit,
      String what,
      String fix) {
    double needs = load.users() * perUser;
    if (needs <= has) {
      return Optional.empty();
    }
    int fitting = (int) Math.floor(has / perUser);
    return Optional.of(
        "host "
            + load.host().name()
            + ": "
            + load.users()
            + " users need "
            + unit.apply(needs)
            + what
            + " at "
            + unit.apply(perUser)
            + " per user, it has "
            + unit.apply(has)
            + ": short by "
            + unit.apply(needs - has)
            + what
            + " ("
            + (load.users() - fitting)
            + " users too many); "
            + fix);
  }

  static String percent(double fraction) {
    return decimal(fraction * 100) + " %";
  }

  private static int ceilDiv(long a, long b) {
    return (int) ((a + b - 1) / b);
  }
}
