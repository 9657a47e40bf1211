package dev.loadfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SharesTest {
  @Test
  void splitsByWeightWithLargestRemainder() {
    List<Share> shares =
        Shares.split(500, 10, List.of(slot("a", 1, 0), slot("b", 1, 0), slot("c", 1, 0)));
    assertEquals(List.of(167, 167, 166), shares.stream().map(Share::users).toList());
    assertEquals(List.of(0, 167, 334), shares.stream().map(Share::idOffset).toList());
  }

  @Test
  void capsAreRespectedAndTheRestIsSplitAgain() {
    List<Share> shares =
        Shares.split(500, 10, List.of(slot("big", 3, 0), slot("small", 1, 50), slot("mid", 1, 0)));
    assertEquals(50, shares.get(1).users());
    assertEquals(500, shares.stream().mapToInt(Share::users).sum());
    // 450 over weights 3:1 -> 337.5 / 112.5 -> one extra for the earlier host on the tie
    assertEquals(338, shares.get(0).users());
    assertEquals(112, shares.get(2).users());
  }

  @Test
  void tooManyUsersForTheCapsNamesTheShortfall() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Shares.split(101, 1, List.of(slot("a", 1, 50), slot("b", 1, 50))));
    assertTrue(e.getMessage().contains("short by 1"), e.getMessage());
  }

  @Test
  void hugeWeightsSplitAsTheirRatioWithoutOverflow() {
    // 1e300 scaled to integers overflowed a long: "Index 2 out of bounds for length 2".
    List<Share> equal = Shares.split(500, 10, List.of(slot("a", 1e300, 0), slot("b", 1e300, 0)));
    assertEquals(List.of(250, 250), equal.stream().map(Share::users).toList());
    List<Share> skewed =
        Shares.split(10, 1, List.of(slot("a", 3e300, 0), slot("b", 1e300, 0), slot("c", 1, 0)));
    assertEquals(List.of(8, 2, 0), skewed.stream().map(Share::users).toList());
  }

  @Test
  void theLargestCapsAndUserCountsSplitExactly() {
    List<Share> shares =
        Shares.split(
            Integer.MAX_VALUE,
            1,
            List.of(slot("a", 1e6, Integer.MAX_VALUE), slot("b", 1e-6, Integer.MAX_VALUE)));
    assertEquals(
        (long) Integer.MAX_VALUE, shares.stream().mapToLong(Share::users).sum(), shares.toString());
  }

  /** Property-style: many random fleets; every invariant holds for every one. */
  @Test
  void invariantsHoldOverManyRandomInputs() {
    Random random = new Random(20261126);
    for (int round = 0; round < 20_000; round++) {
      int n = 1 + random.nextInt(12);
      List<Shares.Slot> slots = new ArrayList<>();
      long capacity = 0;
      boolean unbounded = false;
      for (int i = 0; i < n; i++) {
        double weight =
            random.nextInt(4) == 0 ? 0.001 + random.nextDouble() * 5 : 1 + random.nextInt(9);
        int cap = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(400);
        slots.add(slot("h" + i, weight, cap));
        if (cap == 0) {
          unbounded = true;
        }
        capacity += cap;
      }
      int users = random.nextInt(3000);
      double ramp = 0.1 + random.nextDouble() * 50;
      if (!unbounded && users > capacity) {
        assertThrows(IllegalArgumentException.class, () -> Shares.split(users, ramp, slots));
        continue;
      }
      List<Share> shares = Shares.split(users, ramp, slots);
      String context = "round " + round + " users " + users + " slots " + slots + " -> " + shares;
      assertEquals(users, shares.stream().mapToInt(Share::users).sum(), context);
      if (users > 0) {
        assertEquals(
            ramp,
            shares.stream().mapToDouble(Share::rampRate).sum(),
            1e-9 * Math.max(1, ramp),
            context);
      }
      int nextId = 0;
      for (int i = 0; i < n; i++) {
        Share s = shares.get(i);
        int cap = slots.get(i).maxUsers();
        assertTrue(s.users() >= 0, context);
        assertTrue(cap == 0 || s.users() <= cap, context);
        assertEquals(nextId, s.idOffset(), "id ranges are contiguous and disjoint: " + context);
        nextId = s.idEnd();
        if (users > 0) {
          assertEquals(
              users / ramp,
              s.users() == 0 ? users / ramp : s.users() / s.rampRate(),
              1e-6 * users / ramp,
              "every host ramps for the same time: " + context);
        }
      }
      assertHamiltonFair(users, slots, shares, context);
    }
  }

  /**
   * Among uncapped hosts, no share is more than one user away from its exact quota, and moving a
   * user between two uncapped hosts never brings both closer to their quotas.
   */
  private static void assertHamiltonFair(
      int users, List<Shares.Slot> slots, List<Share> shares, String context) {
    double freeWeight = 0;
    int freeUsers = users;
    for (int i = 0; i < slots.size(); i++) {
      Shares.Slot slot = slots.get(i);
      if (slot.maxUsers() > 0 && shares.get(i).users() == slot.maxUsers()) {
        freeUsers -= slot.maxUsers();
      } else {
        freeWeight += slot.weight();
      }
    }
    for (int i = 0; i < slots.size(); i++) {
      Shares.Slot slot = slots.get(i);
      if (slot.maxUsers() > 0 && shares.get(i).users() == slot.maxUsers()) {
        continue;
      }
      double quota = freeUsers * slot.weight() / freeWeight;
      assertTrue(
          Math.abs(shares.get(i).users() - quota) < 1 + 1e-6,
          "quota " + quota + " host " + i + ": " + context);
    }
  }

  private static Shares.Slot slot(String name, double weight, int cap) {
    return new Shares.Slot(name, weight, cap);
  }
}
