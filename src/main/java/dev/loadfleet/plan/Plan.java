package dev.loadfleet.plan;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.InventoryException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What each host will run. Issue 6 extends this with capacity arithmetic (bandwidth, injectors
 * needed); the shares stay the part every command relies on.
 */
public record Plan(int users, double rampRate, List<Share> shares) {
  public Plan {
    shares = List.copyOf(shares);
  }

  /** The shares for an inventory's hosts, in inventory order. */
  public static Plan of(Inventory inventory) throws InventoryException {
    List<Shares.Slot> slots =
        inventory.hosts().stream()
            .map(h -> new Shares.Slot(h.name(), h.weight(), h.maxUsers()))
            .toList();
    try {
      return new Plan(
          inventory.users(),
          inventory.rampRate(),
          Shares.split(inventory.users(), inventory.rampRate(), slots));
    } catch (IllegalArgumentException e) {
      throw new InventoryException(inventory.source() + ": users: " + e.getMessage());
    }
  }

  public Share share(String host) {
    return shares.stream()
        .filter(s -> s.host().equals(host))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no share for host " + host));
  }

  /** Seconds every host ramps for (all hosts ramp together). */
  public double rampSeconds() {
    return rampRate <= 0 ? 0 : users / rampRate;
  }

  public void print(Inventory inventory, PrintWriter out) {
    print(
        name -> {
          HostSpec h = inventory.host(name).orElseThrow();
          return new Shares.Slot(name, h.weight(), h.maxUsers());
        },
        out);
  }

  /** The share table, each host's weight and cap as {@code slot} gives them. */
  public void print(java.util.function.Function<String, Shares.Slot> slot, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "plan: %d users, ramp %.2f users/s (%.0f s) over %d hosts%n",
        users,
        rampRate,
        rampSeconds(),
        shares.size());
    out.printf(
        Locale.ROOT,
        "  %-20s %7s %7s %10s  %s%n",
        "host",
        "weight",
        "users",
        "ramp u/s",
        "student ids");
    for (Share s : shares) {
      Shares.Slot h = slot.apply(s.host());
      String cap = h.maxUsers() > 0 ? " (max " + h.maxUsers() + ")" : "";
      String ids = s.users() == 0 ? "-" : s.idOffset() + ".." + (s.idEnd() - 1);
      out.printf(
          Locale.ROOT,
          "  %-20s %7.2f %7d %10.3f  %s%s%n",
          s.host(),
          h.weight(),
          s.users(),
          s.rampRate(),
          ids,
          cap);
    }
    out.printf(
        Locale.ROOT,
        "  %-20s %7s %7d %10.3f%n",
        "total",
        "",
        shares.stream().mapToInt(Share::users).sum(),
        shares.stream().mapToDouble(Share::rampRate).sum());
  }
}
