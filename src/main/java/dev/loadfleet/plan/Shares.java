package dev.loadfleet.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits users and ramp rate over hosts by weight: Hamilton's largest-remainder method, so shares
 * sum exactly to the total; a host capped by its {@code maxUsers} gets its cap and the rest is
 * split again over the others. Each host ramps at {@code rampRate * users_i / users}, so all ramps
 * last as long and add up to the asked ramp. Student-id ranges follow the host order, disjoint.
 */
public final class Shares {
  /** Weights are compared as integers of this resolution, so the arithmetic is exact. */
  private static final double WEIGHT_SCALE = 1_000_000;

  /**
   * The largest integer weight: users (below 2^31) times it stays below 2^63. Weights too large for
   * {@link #WEIGHT_SCALE} are scaled down together, keeping their ratios.
   */
  private static final double MAX_SCALED_WEIGHT = 1e9;

  private Shares() {}

  /** What the split needs to know about a host. {@code maxUsers} 0 = no cap. */
  public record Slot(String host, double weight, int maxUsers) {}

  /**
   * @throws IllegalArgumentException when the caps cannot hold {@code users}, naming the shortfall
   */
  public static List<Share> split(int users, double rampRate, List<Slot> slots) {
    if (users < 0 || slots.isEmpty()) {
      throw new IllegalArgumentException("need users >= 0 and at least one host");
    }
    int n = slots.size();
    double largest = 0;
    for (Slot slot : slots) {
      if (!(slot.weight() > 0) || !Double.isFinite(slot.weight()) || slot.maxUsers() < 0) {
        throw new IllegalArgumentException(
            "host " + slot.host() + ": weight must be a finite number above 0, maxUsers >= 0");
      }
      largest = Math.max(largest, slot.weight());
    }
    double scale = Math.min(WEIGHT_SCALE, MAX_SCALED_WEIGHT / largest);
    long[] weight = new long[n];
    for (int i = 0; i < n; i++) {
      weight[i] = Math.max(1, Math.round(slots.get(i).weight() * scale));
    }
    int[] alloc = new int[n];
    boolean[] capped = new boolean[n];
    int remaining = users;
    // Water-filling: whoever would exceed its cap is pinned at the cap; repeat over the rest.
    boolean changed = true;
    while (changed) {
      changed = false;
      long free = 0;
      for (int i = 0; i < n; i++) {
        free += capped[i] ? 0 : weight[i];
      }
      if (free == 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        int cap = slots.get(i).maxUsers();
        // quota > cap  <=>  remaining * w > cap * free (exact, in 128-bit arithmetic)
        if (!capped[i] && cap > 0 && greater(remaining, weight[i], cap, free)) {
          capped[i] = true;
          alloc[i] = cap;
          remaining -= cap;
          changed = true;
        }
      }
    }
    long free = 0;
    for (int i = 0; i < n; i++) {
      free += capped[i] ? 0 : weight[i];
    }
    if (free == 0 && remaining > 0) {
      int capacity = users - remaining;
      throw new IllegalArgumentException(
          users
              + " users do not fit: the hosts' maxUsers add up to "
              + capacity
              + " (short by "
              + remaining
              + "); add hosts or raise maxUsers");
    }
    List<Integer> open = new ArrayList<>();
    long[] rest = new long[n];
    int given = 0;
    for (int i = 0; i < n; i++) {
      if (!capped[i]) {
        long numerator = (long) remaining * weight[i];
        alloc[i] = (int) (numerator / free);
        rest[i] = numerator % free;
        given += alloc[i];
        open.add(i);
      }
    }
    // Largest remainders get the users left by rounding down; ties go to the earlier host.
    open.sort(Comparator.<Integer>comparingLong(i -> rest[i]).reversed().thenComparingInt(i -> i));
    for (int k = 0; k < remaining - given; k++) {
      alloc[open.get(k)]++;
    }
    List<Share> shares = new ArrayList<>();
    int offset = 0; // the users handed out so far: at most users, an int
    for (int i = 0; i < n; i++) {
      double rate = users == 0 ? 0 : rampRate * alloc[i] / users;
      shares.add(new Share(slots.get(i).host(), alloc[i], rate, offset));
      offset += alloc[i];
    }
    return List.copyOf(shares);
  }

  /** {@code a * b > c * d} for non-negative longs, exactly: the products may pass 2^63. */
  private static boolean greater(long a, long b, long c, long d) {
    long high = Math.multiplyHigh(a, b);
    long otherHigh = Math.multiplyHigh(c, d);
    return high != otherHigh ? high > otherHigh : Long.compareUnsigned(a * b, c * d) > 0;
  }
}
