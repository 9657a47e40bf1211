package dev.loadfleet.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.units.LinkSpeed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTextTest {
  @Test
  void showsTheGuidesArithmeticStepByStep() {
    Demand demand =
        new Demand(500, 17_500_000L, Duration.ofSeconds(30), 1000, Duration.ofSeconds(10));
    String text = PlanText.render(Capacity.plan(demand, Limits.GUIDE));

    assertContains(text, "per user: 17500000 B / 30 s + 1000 B / 10 s = 0.583 MB/s = 4.67 Mbit/s");
    assertContains(text, "total:    500 x 0.583 MB/s = 292 MB/s = 2.33 Gbit/s");
    assertContains(text, "by bandwidth:      2.33 Gbit/s / (1 Gbit/s x 80 % headroom) = 2.92 -> 3");
    assertContains(text, "by users per host: 500 / 150 = 3.33 -> 4");
    assertContains(text, "needed: 4 (the larger, set by users per host), at most 125 users");
    assertContains(text, "16.7 uploads/s + 50 heartbeats/s = 66.7 requests/s");
    assertContains(text, "125 users x 2 connections + 512 for the JVM = 762");
  }

  @Test
  void measuredDefaultsAnswerTheGuidesQuestionByBandwidth() {
    Demand demand =
        new Demand(500, 17_500_000L, Duration.ofSeconds(30), 1000, Duration.ofSeconds(10));
    String text = PlanText.render(Capacity.plan(demand, Limits.DEFAULTS));

    assertContains(text, "by users per host: 500 / 1000 = 0.5 -> 1");
    assertContains(text, "needed: 3 (the larger, set by bandwidth)");
  }

  @Test
  void namesTheShortHostUnderTheInventoryTable() {
    Demand demand = new Demand(300, 17_500_000L, Duration.ofSeconds(30), 0, Duration.ZERO);
    List<HostCapacity> hosts =
        List.of(
            HostCapacity.of("fast", LinkSpeed.parse("10Gbps", "fast.nic")).withUsers(150),
            HostCapacity.of("slow", LinkSpeed.parse("100Mbps", "slow.nic")).withUsers(150));

    String text = PlanText.render(Capacity.plan(demand, Limits.DEFAULTS, hosts));

    assertContains(text, "Warnings: the inventory cannot carry the load");
    assertContains(text, "  - host slow: 150 users need 700 Mbit/s");
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), () -> "missing <" + part + "> in:\n" + text);
  }
}
