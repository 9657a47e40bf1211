package dev.loadfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.units.LinkSpeed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityTest {
  /** The guide's recording: 17.5 MB, decimal, as its 291 MB/s only works out in decimal MB. */
  private static final long RECORDING = 17_500_000L;

  private static Demand guide(int users) {
    return new Demand(users, RECORDING, Duration.ofSeconds(30), 0, Duration.ZERO);
  }

  @Test
  void guideTable500UsersNeeds2point33GbpsAnd4Injectors() {
    CapacityPlan plan = Capacity.plan(guide(500), Limits.GUIDE);

    assertEquals(291.67e6, plan.totalBytesPerSecond(), 0.01e6, "the guide's 291 MB/s");
    assertEquals(2.333e9, plan.totalBitsPerSecond(), 0.001e9, "the guide's ~2.3 Gbps");
    assertEquals(3, plan.injectorsByBandwidth(), "2.33 Gbit/s over 800 Mbit/s usable per NIC");
    assertEquals(4, plan.injectorsByUsers(), "the guide's formula: 500/150 -> 4");
    assertEquals(4, plan.injectorsNeeded(), "inside the guide's 3-4 workers");
    assertEquals(125, plan.usersPerInjector(), "inside the guide's 125-167 users each");
    assertEquals(583.3e6, plan.bitsPerSecondPerInjector(), 0.1e6, "125 x 4.67 Mbit/s");
  }

  @Test
  void guideTable1000UsersNeeds4point67GbpsAnd7Injectors() {
    CapacityPlan plan = Capacity.plan(guide(1000), Limits.GUIDE);

    assertEquals(4.667e9, plan.totalBitsPerSecond(), 0.001e9, "the guide's ~4.6 Gbps");
    assertEquals(6, plan.injectorsByBandwidth());
    assertEquals(7, plan.injectorsByUsers(), "the guide's formula: 1000/150 -> 7");
    assertEquals(7, plan.injectorsNeeded(), "inside the guide's 6-8 workers");
  }

  @Test
  void binaryMegabytesWouldGiveTheLargerFigure() {
    Demand mebibytes =
        new Demand(500, 17_500L * 1024 * 1024 / 1000, Duration.ofSeconds(30), 0, Duration.ZERO);
    // 17.5 MiB: 305.8 MB/s, 2.45 Gbit/s, not the guide's 291 MB/s: so the guide meant MB = 10^6.
    assertEquals(2.447e9, Capacity.plan(mebibytes, Limits.GUIDE).totalBitsPerSecond(), 0.001e9);
  }

  @Test
  void bandwidthDecidesWhenTheUserCapIsRaised() {
    CapacityPlan plan = Capacity.plan(guide(500), Limits.GUIDE.withMaxUsersPerHost(1000));

    assertEquals(3, plan.injectorsNeeded());
    assertEquals("bandwidth", plan.decidedBy());
    assertEquals(167, plan.usersPerInjector());
  }

  @Test
  void heartbeatsAddBandwidthAndRequests() {
    Demand demand =
        new Demand(500, RECORDING, Duration.ofSeconds(30), 1000, Duration.ofSeconds(10));
    CapacityPlan plan = Capacity.plan(demand, Limits.GUIDE);

    assertEquals(17_500_000.0 / 30 + 100, plan.bytesPerSecondPerUser(), 1e-6);
    assertEquals(500.0 / 30, plan.uploadsPerSecond(), 1e-9);
    assertEquals(50, plan.heartbeatsPerSecond(), 1e-9);
    assertEquals(500.0 / 30 + 50, plan.requestsPerSecond(), 1e-9);
  }

  @Test
  void descriptorsCountConnectionsPerUserPlusTheJvmBase() {
    CapacityPlan plan = Capacity.plan(guide(500), Limits.GUIDE);

    assertEquals(125 * 2 + 512, plan.descriptorsPerInjector());
  }

  @Test
  void zeroUsersIsAnErrorNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> guide(0));
    assertTrue(e.getMessage().startsWith("users is 0"), e.getMessage());
  }

  @Test
  void zeroUploadIntervalIsAnErrorNamingTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Demand(10, RECORDING, Duration.ZERO, 0, Duration.ZERO));
    assertTrue(e.getMessage().startsWith("uploadInterval"), e.getMessage());
  }

  @Test
  void inventoryThatCarriesTheLoadHasNoWarnings() {
    List<HostCapacity> hosts =
        List.of(
            HostCapacity.of("a", LinkSpeed.ONE_GBPS).withUsers(125),
            HostCapacity.of("b", LinkSpeed.ONE_GBPS).withUsers(125),
            HostCapacity.of("c", LinkSpeed.ONE_GBPS).withUsers(125),
            HostCapacity.of("d", LinkSpeed.ONE_GBPS).withUsers(125));

    CapacityPlan plan = Capacity.plan(guide(500), Limits.GUIDE, hosts);

    assertTrue(plan.fits(), plan.warnings().toString());
    assertEquals(125 * 2 + 512, plan.hosts().get(0).descriptors());
    assertEquals(0.583, plan.hosts().get(0).nicUtilisation(), 0.001);
  }

  @Test
  void aHostWithA100MbitNicIsNamedWithItsShortfall() {
    List<HostCapacity> hosts =
        List.of(
            HostCapacity.of("big", LinkSpeed.parse("10Gbps", "big.nic")).withUsers(450),
            HostCapacity.of("small", LinkSpeed.parse("100Mbps", "small.nic")).withUsers(50));

    CapacityPlan plan = Capacity.plan(guide(500), Limits.GUIDE.withMaxUsersPerHost(1000), hosts);

    assertFalse(plan.fits());
    assertEquals(1, plan.warnings().size(), plan.warnings().toString());
    // 50 users x 4.67 Mbit/s = 233 Mbit/s against 80 Mbit/s usable: 153 Mbit/s short; 17 users fit.
    assertEquals(
        "host small: 50 users need 233 Mbit/s, its 100 Mbit/s NIC carries 80 Mbit/s at 80 %:"
            + " short by 153 Mbit/s (33 users too many); move users away",
        plan.warnings().get(0));
  }

  @Test
  void threeHostsFor500UsersAreEachAboveTheUserCap() {
    List<HostCapacity> hosts =
        List.of(
            HostCapacity.of("a", LinkSpeed.ONE_GBPS),
            HostCapacity.of("b", LinkSpeed.ONE_GBPS),
            HostCapacity.of("c", LinkSpeed.ONE_GBPS));

    CapacityPlan plan = Capacity.plan(guide(500), Limits.GUIDE, hosts);

    assertEquals(167, plan.hosts().get(0).users(), "500/3 rounded up");
    assertEquals(
        List.of(
            "host a: 167 users is above the limit of 150 users per injector by 17;"
                + " lower its weight or add an injector",
            "host b: 167 users is above the limit of 150 users per injector by 17;"
                + " lower its weight or add an injector",
            "host c: 167 users is above the limit of 150 users per injector by 17;"
                + " lower its weight or add an injector"),
        plan.warnings());
  }

  @Test
  void weightsSplitTheEstimateAndTheTotalShortfallIsCounted() {
    List<HostCapacity> hosts =
        List.of(
            new HostCapacity(
                "strong", LinkSpeed.ONE_GBPS, 8, 16L << 30, 2, java.util.OptionalInt.empty()),
            new HostCapacity(
                "weak", LinkSpeed.ONE_GBPS, 2, 4L << 30, 1, java.util.OptionalInt.empty()));

    CapacityPlan plan = Capacity.plan(guide(300), Limits.GUIDE.withMaxUsersPerHost(1000), hosts);

    assertEquals(200, plan.hosts().get(0).users());
    assertEquals(100, plan.hosts().get(1).users());
    // 1.4 Gbit/s against 2 x 800 Mbit/s: the total fits; strong's 933 Mbit/s does not.
    assertTrue(plan.warnings().stream().noneMatch(w -> w.startsWith("inventory")));
    assertTrue(
        plan.warnings().get(0).startsWith("host strong: 200 users need 933 Mbit/s"),
        plan.warnings().toString());
    // The guide's 4 cores per 150 users: weak's 2 cores carry 75 users, so 25 too many.
    assertTrue(
        plan.warnings()
            .contains(
                "host weak: 100 users need 2.67 cores at 0.0267 per user, it has 2: short by 0.667"
                    + " cores (25 users too many); lower its weight or add an injector"),
        plan.warnings().toString());
    // 8 GiB per 150 users: weak's 4 GiB carry 75 users.
    assertTrue(
        plan.warnings()
            .contains(
                "host weak: 100 users need 5.33 GiB of memory at 0.0533 GiB per user, it has 4 GiB:"
                    + " short by 1.33 GiB of memory (25 users too many); lower its weight or add an"
                    + " injector"),
        plan.warnings().toString());
    assertEquals(3, plan.warnings().size(), plan.warnings().toString());
  }

  @Test
  void anInventoryShortInTotalSaysHowManyInjectorsToAdd() {
    List<HostCapacity> hosts =
        List.of(
            HostCapacity.of("a", LinkSpeed.ONE_GBPS).withUsers(500),
            HostCapacity.of("b", LinkSpeed.ONE_GBPS).withUsers(500));

    CapacityPlan plan = Capacity.plan(guide(1000), Limits.GUIDE.withMaxUsersPerHost(1000), hosts);

    assertEquals(
        "inventory: its NICs carry 1.6 Gbit/s at 80 % of their speed, the load needs 4.67 Gbit/s:"
            + " short by 3.07 Gbit/s; add 4 injector(s) with a 1 Gbit/s NIC or faster NICs",
        plan.warnings().get(0));
  }

  @Test
  void sharesThatDoNotAddUpAreReported() {
    List<HostCapacity> hosts = List.of(HostCapacity.of("a", LinkSpeed.ONE_GBPS).withUsers(100));

    CapacityPlan plan = Capacity.plan(guide(120), Limits.GUIDE, hosts);

    assertEquals(
        "inventory: the hosts' shares add up to 100 users but the workload asks for 120:"
            + " recompute the shares",
        plan.warnings().get(0));
  }

  @Test
  void measuredDefaultsLetTheNicDecide() {
    // loadfleet's measured limits: no 150-user cap, so bandwidth sets the count.
    CapacityPlan five = Capacity.plan(guide(500), Limits.DEFAULTS);
    assertEquals(3, five.injectorsNeeded(), "2.33 Gbit/s at 0.8 Gbit/s per 1 Gbps injector");
    CapacityPlan thousand = Capacity.plan(guide(1000), Limits.DEFAULTS);
    assertEquals(6, thousand.injectorsNeeded(), "4.67 Gbit/s at 0.8 Gbit/s each");
    assertTrue(five.warnings().isEmpty() && thousand.warnings().isEmpty());
  }
}
