package dev.loadfleet.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Fixtures: the sampler's command run on the build machine (2 CPUs, 24 GiB) while a JVM sent 64 KiB
 * writes over loopback for 6 s ("injector-blasting"), while a busy loop ran on the other core too
 * ("cpu-busy"), after that JVM exited ("injector-gone"), and without a pid ("host-only").
 */
class ProcSamplerTest {
  private static final long T1 = 1_764_133_000_000L;

  @Test
  void aBlastingInjectorsCpuNetworkAndProcess() {
    HealthSample s = pair("injector-blasting", 1000, Optional.of("lo"));

    assertEquals(T1 + 1000, s.timeMs());
    assertEquals(1020, s.periodMs(), "uptime 614.56 -> 615.58");
    assertEquals(2, s.cpus());
    // jiffies: user +14, system +75, idle +58, softirq +39: busy 128 of 186.
    assertEquals(100.0 * 128 / 186, s.cpuBusyPct(), 1e-9);
    assertEquals(1.63, s.load1());
    assertEquals((7_051_272_021L - 5_371_281_022L) / 1.02, s.netTxBytesPerSec(), 1e-3);
    assertEquals("lo", s.netInterface());
    assertEquals(24_190_180L * 1024, s.memAvailableBytes());
    assertEquals(24_684_084L * 1024, s.memTotalBytes());
    assertEquals(10, s.openFds());
    assertEquals(89_072L * 1024, s.processRssBytes());
    assertEquals(21, s.processThreads());
  }

  @Test
  void bothCoresBusyIsAHundredPercent() {
    HealthSample s = pair("cpu-busy", 1500, Optional.empty());

    assertEquals(100.0, s.cpuBusyPct(), 1e-9, "idle and iowait did not move");
    assertEquals(1540, s.periodMs());
  }

  @Test
  void withoutANamedInterfaceTheDefaultRoutesIsCounted() {
    HealthSample s = pair("injector-blasting", 1000, Optional.empty());

    assertEquals("eth0", s.netInterface(), "/proc/net/route's 00000000 destination");
    assertEquals(0.0, s.netTxBytesPerSec(), "loopback traffic never left through eth0");
  }

  @Test
  void anInjectorThatExitedHasNoProcessFigures() {
    ProcSnapshot gone = Fixtures.snapshot("injector-gone.txt", T1);

    assertEquals(-1, gone.openFds());
    assertEquals(-1, gone.processRssBytes());
    assertEquals(-1, gone.processThreads());
  }

  @Test
  void aHostWithoutPidIsSampledAlone() {
    ProcSampler sampler = new ProcSampler(OptionalInt.empty(), Optional.empty());

    assertEquals(
        Optional.empty(),
        sampler.accept(Fixtures.text("host-only-1.txt"), T1),
        "the first output only primes the counters");
    HealthSample s = sampler.accept(Fixtures.text("host-only-2.txt"), T1 + 1000).orElseThrow();

    assertEquals(-1, s.openFds());
    assertEquals(2, s.cpus());
    assertTrue(s.periodMs() > 900 && s.periodMs() < 1500, "sampled 1 s apart: " + s.periodMs());
  }

  @Test
  void theRawProcFilesOfAnIdleMomentParseToo() {
    String output =
        section("uptime", "raw-uptime.txt")
            + section("stat", "raw-stat.txt")
            + section("loadavg", "raw-loadavg.txt")
            + section("meminfo", "raw-meminfo.txt")
            + section("net/dev", "raw-net_dev.txt")
            + section("status", "self-status.txt")
            + "@@loadfleet end\n";

    ProcSnapshot s = ProcSnapshot.parse(output, T1);

    assertEquals(345.55, s.uptimeSeconds());
    assertEquals(4899 + 1422 + 62358 + 127 + 18 + 29, s.cpuJiffies());
    assertEquals(62358 + 127, s.idleJiffies());
    assertEquals(0.10, s.load1());
    assertEquals(24_435_112L * 1024, s.memAvailableBytes());
    assertEquals(new ProcSnapshot.NetCounters(84_703_248L, 324_521L), s.net().get("eth0"));
    assertEquals(4, s.net().size(), "lo, ifb0, ifb1, eth0");
    assertEquals(Optional.empty(), s.defaultRoute(), "no net/route section");
    assertEquals(1736L * 1024, s.processRssBytes());
    assertEquals(-1, s.openFds(), "no fds section: unknown, not zero");
  }

  @Test
  void anOutputCutShortIsRefused() {
    String text = Fixtures.text("injector-blasting-1.txt");
    String cut = text.substring(0, text.indexOf("@@loadfleet meminfo"));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProcSnapshot.parse(cut, T1));
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
  }

  @Test
  void mangledNumbersAreRefusedAsNotProcText() {
    String mangled =
        Fixtures.text("injector-blasting-1.txt")
            .replace("MemTotal:       24684084", "MemTotal: 2x");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProcSnapshot.parse(mangled, T1));
    assertTrue(e.getMessage().contains("not in the format Linux writes"), e.getMessage());
    assertTrue(e.getMessage().contains("For input string: \"2x\""), e.getMessage());
  }

  @Test
  void anUnknownInterfaceIsNamedWithTheOnesThatExist() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> pair("injector-blasting", 1000, Optional.of("wlan0")));
    assertTrue(e.getMessage().contains("no network interface 'wlan0'"), e.getMessage());
    assertTrue(e.getMessage().contains("eth0"), e.getMessage());
  }

  @Test
  void theCommandCarriesOnlyTheValidatedPid() {
    String command = new ProcSampler(OptionalInt.of(4242), Optional.of("eth0; rm -rf /")).command();

    assertTrue(command.contains("cat /proc/4242/status 2>/dev/null; "), command);
    assertTrue(!command.contains("rm -rf"), "the interface is chosen when parsing, never sent");
    assertTrue(!command.contains("'") && !command.contains("\""), "safe inside sh -c '...'");
    assertThrows(
        IllegalArgumentException.class, () -> new ProcSampler(OptionalInt.of(0), Optional.empty()));
  }

  @Test
  void theCommandRunsOnThisMachineAndSamplesThisJvm() throws Exception {
    long pid = ProcessHandle.current().pid();
    ProcSampler sampler = new ProcSampler(OptionalInt.of((int) pid), Optional.empty());

    sampler.accept(Fixtures.shell(sampler.command()), System.currentTimeMillis());
    Thread.sleep(300);
    HealthSample s =
        sampler.accept(Fixtures.shell(sampler.command()), System.currentTimeMillis()).orElseThrow();

    assertEquals(Runtime.getRuntime().availableProcessors(), s.cpus());
    assertTrue(s.openFds() > 3, "this JVM holds jars and pipes open: " + s.openFds());
    assertTrue(s.processRssBytes() > 10L << 20, "a JVM's RSS: " + s.processRssBytes());
    assertTrue(s.cpuBusyPct() >= 0 && s.cpuBusyPct() <= 100, "cpu " + s.cpuBusyPct());
    assertTrue(s.memAvailableBytes() > 0 && s.memAvailableBytes() <= s.memTotalBytes());
  }

  /** The sample between fixtures NAME-1.txt and NAME-2.txt, received {@code ms} apart. */
  private static HealthSample pair(String name, long ms, Optional<String> netInterface) {
    return ProcSampler.between(
        Fixtures.snapshot(name + "-1.txt", T1),
        Fixtures.snapshot(name + "-2.txt", T1 + ms),
        netInterface);
  }

  private static String section(String name, String fixture) {
    return "@@loadfleet " + name + "\n" + Fixtures.text(fixture);
  }
}
