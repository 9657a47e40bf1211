package dev.loadfleet.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fixtures "jvm-allocating-1/2": the sampler's output 1 s apart while a G1 JVM (-Xmx256m) churned
 * 100 KB arrays. Expected figures were decoded from the same bytes by an independent Python
 * struct-based reader when the fixtures were captured.
 */
class HsPerfDataTest {
  @Test
  void theCapturedJvmsHeapAndGcTime() {
    HsPerfData jvm = Fixtures.snapshot("jvm-allocating-2.txt", 0).jvm().orElseThrow();

    assertEquals(154, jvm.counters().size());
    assertEquals(131_694_592L, jvm.heapUsedBytes());
    assertEquals(226_492_448L, jvm.heapCommittedBytes());
    assertEquals(1.656167088, jvm.gcSeconds(), 1e-9);
  }

  @Test
  void theSampleCarriesHeapAndTheShareOfTimeInGc() {
    ProcSnapshot before = Fixtures.snapshot("jvm-allocating-1.txt", 0);
    ProcSnapshot after = Fixtures.snapshot("jvm-allocating-2.txt", 1_000);

    HealthSample s = ProcSampler.between(before, after, Optional.empty());

    assertEquals(1050, s.periodMs(), "uptime 1167.05 -> 1168.10");
    assertEquals(131_694_592L, s.heapUsedBytes());
    assertEquals(226_492_448L, s.heapCommittedBytes());
    assertEquals(100 * (1.656167088 - 1.175929377) / 1.05, s.gcPct(), 1e-6);
    assertEquals(253_408L * 1024, s.processRssBytes());
    assertEquals(20, s.processThreads());
  }

  @Test
  void withoutPerfDataTheJvmFiguresAreUnknown() {
    HealthSample s =
        ProcSampler.between(
            Fixtures.snapshot("injector-blasting-1.txt", 0),
            Fixtures.snapshot("injector-blasting-2.txt", 1_000),
            Optional.empty());

    assertEquals(-1, s.heapUsedBytes());
    assertEquals(-1, s.heapCommittedBytes());
    assertEquals(-1, s.gcPct());
  }

  @Test
  void bytesThatAreNotPerfDataAreNotParsed() {
    assertEquals(Optional.empty(), HsPerfData.parse(new byte[0]));
    assertEquals(Optional.empty(), HsPerfData.parse(new byte[64]));
  }

  @Test
  void thisJvmsOwnFileAgreesWithItsManagementBeans() throws Exception {
    long pid = ProcessHandle.current().pid();
    Path file = Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"), String.valueOf(pid));
    assertTrue(Files.isReadable(file), file + " (the JVM runs with -XX:+UsePerfData by default)");

    HsPerfData jvm = HsPerfData.parse(Files.readAllBytes(file)).orElseThrow();
    long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    double gcSeconds =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .sum()
            / 1000.0;

    // Both read the same counters at slightly different instants: allow a GC's worth of change.
    assertEquals(committed, jvm.heapCommittedBytes(), committed * 0.25, "committed heap");
    assertTrue(jvm.heapUsedBytes() > 0 && jvm.heapUsedBytes() <= jvm.heapCommittedBytes());
    assertEquals(gcSeconds, jvm.gcSeconds(), 0.5, "GC time");
  }
}
