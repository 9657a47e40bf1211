package dev.loadfleet.plan;

import static dev.loadfleet.units.Units.decimal;

import dev.loadfleet.units.LinkSpeed;
import dev.loadfleet.units.Units;
import java.time.Duration;

/** Renders a {@link CapacityPlan} as plain text that shows the arithmetic, for `loadfleet plan`. */
public final class PlanText {
  private PlanText() {}

  public static String render(CapacityPlan plan) {
    StringBuilder out = new StringBuilder();
    Demand d = plan.demand();
    Limits limits = plan.limits();
    out.append("Workload: ")
        .append(d.users())
        .append(" users, each uploading ")
        .append(bytes(d.recordingBytes()))
        .append(" every ")
        .append(seconds(d.uploadInterval()));
    if (!d.heartbeatInterval().isZero()) {
      out.append(", heartbeat of ")
          .append(bytes(d.heartbeatBytes()))
          .append(" every ")
          .append(seconds(d.heartbeatInterval()));
    }
    out.append("\n\nBandwidth (MB = 10^6 bytes, Mbit = 10^6 bits)\n");
    out.append("  per user: ")
        .append(d.recordingBytes())
        .append(" B / ")
        .append(seconds(d.uploadInterval()));
    if (!d.heartbeatInterval().isZero()) {
      out.append(" + ")
          .append(d.heartbeatBytes())
          .append(" B / ")
          .append(seconds(d.heartbeatInterval()));
    }
    out.append(" = ")
        .append(Units.megabytesPerSecond(plan.bytesPerSecondPerUser()))
        .append(" = ")
        .append(LinkSpeed.format(plan.bitsPerSecondPerUser()))
        .append('\n');
    out.append("  total:    ")
        .append(d.users())
        .append(" x ")
        .append(Units.megabytesPerSecond(plan.bytesPerSecondPerUser()))
        .append(" = ")
        .append(Units.megabytesPerSecond(plan.totalBytesPerSecond()))
        .append(" = ")
        .append(LinkSpeed.format(plan.totalBitsPerSecond()))
        .append("\n\nInjectors\n");
    double usable = limits.usableBits(limits.defaultNic());
    out.append("  by bandwidth:      ")
        .append(LinkSpeed.format(plan.totalBitsPerSecond()))
        .append(" / (")
        .append(limits.defaultNic())
        .append(" x ")
        .append(Capacity.percent(limits.nicHeadroom()))
        .append(" headroom) = ")
        .append(decimal(plan.totalBitsPerSecond() / usable))
        .append(" -> ")
        .append(plan.injectorsByBandwidth())
        .append('\n');
    out.append("  by users per host: ")
        .append(d.users())
        .append(" / ")
        .append(limits.maxUsersPerHost())
        .append(" = ")
        .append(decimal((double) d.users() / limits.maxUsersPerHost()))
        .append(" -> ")
        .append(plan.injectorsByUsers())
        .append('\n');
    double eachBits = plan.bitsPerSecondPerInjector();
    out.append("  needed: ")
        .append(plan.injectorsNeeded())
        .append(" (the larger, set by ")
        .append(plan.decidedBy())
        .append("), at most ")
        .append(plan.usersPerInjector())
        .append(" users and ")
        .append(LinkSpeed.format(eachBits))
        .append(" each (")
        .append(Capacity.percent(eachBits / limits.defaultNic().bitsPerSecond()))
        .append(" of ")
        .append(limits.defaultNic())
        .append(")\n\n");
    out.append("Requests: ")
        .append(decimal(plan.uploadsPerSecond()))
        .append(" uploads/s + ")
        .append(decimal(plan.heartbeatsPerSecond()))
        .append(" heartbeats/s = ")
        .append(decimal(plan.requestsPerSecond()))
        .append(" requests/s\n");
    out.append("Descriptors per injector: ")
        .append(plan.usersPerInjector())
        .append(" users x ")
        .append(limits.connectionsPerUser())
        .append(" connections + ")
        .append(limits.baseDescriptors())
        .append(" for the JVM = ")
        .append(plan.descriptorsPerInjector())
        .append(" (`ulimit -n` must be at least this)\n");
    if (!plan.hosts().isEmpty()) {
      renderHosts(plan, out);
    }
    return out.toString();
  }

  private static void renderHosts(CapacityPlan plan, StringBuilder out) {
    out.append("\nInventory\n");
    out.append(
        String.format(
            "  %-20s %7s %13s %13s %6s %11s%n",
            "host", "users", "needs", "NIC", "NIC %", "descriptors"));
    for (HostLoad load : plan.hosts()) {
      out.append(
          String.format(
              "  %-20s %7s %13s %13s %6s %11d%n",
              load.host().name(),
              load.users() + (load.usersEstimated() ? "~" : ""),
              LinkSpeed.format(load.bitsPerSecond()),
              load.host().nic(),
              decimal(load.nicUtilisation() * 100),
              load.descriptors()));
    }
    if (plan.hosts().stream().anyMatch(HostLoad::usersEstimated)) {
      out.append("  (~ estimated from the host's weight, rounded up)\n");
    }
    if (plan.warnings().isEmpty()) {
      out.append("\nThe inventory carries the load.\n");
    } else {
      out.append("\nWarnings: the inventory cannot carry the load\n");
      plan.warnings().forEach(w -> out.append("  - ").append(w).append('\n'));
    }
  }

  private static String bytes(long bytes) {
    return bytes >= 1_000_000 ? decimal(bytes / 1e6) + " MB" : bytes + " B";
  }

  private static String seconds(Duration d) {
    return decimal(d.toMillis() / 1000.0) + " s";
  }
}
