package dev.loadfleet.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthRecorderTest {
  private static final long T = 1_764_133_000_000L;
  private static final Saturation.Settings SETTINGS =
      new Saturation.Settings(80, 90, 2, 1_000, 5_000);

  @TempDir Path hostDir;

  private HealthRecorder recorder(long nicBits) {
    return new HealthRecorder(
        "inj1", OptionalInt.of(14363), Optional.of("lo"), nicBits, hostDir, SETTINGS);
  }

  @Test
  void capturedOutputsBecomeSamplesOnDiskAndALiveLine() throws IOException {
    HealthRecorder r = recorder(10_000_000_000L);

    assertEquals(Optional.empty(), r.accept(Fixtures.text("injector-blasting-1.txt"), T));
    assertEquals("health: waiting for the second sample", r.liveLine());
    r.accept(Fixtures.text("injector-blasting-2.txt"), T + 1_000);
    r.accept(Fixtures.text("cpu-busy-1.txt"), T + 2_000);
    r.accept(Fixtures.text("cpu-busy-2.txt"), T + 3_500);

    assertEquals(3, r.samples().size());
    assertEquals(r.samples(), HealthLog.read(hostDir.resolve("health.jsonl")));
    // lo carried 1.6 GB/s = 13 Gbit/s: above a declared 10 Gbit/s in the first two samples.
    assertTrue(r.liveLine().startsWith("cpu 100%! "), r.liveLine());
    assertTrue(r.liveLine().contains(" SATURATED NIC since "), r.liveLine());
    // What collect does after the run: judge the samples as health.jsonl kept them.
    assertTrue(
        HostHealth.assess(
                "inj1",
                HealthLog.read(HealthLog.in(hostDir)),
                10_000_000_000L,
                T,
                T + 3_500,
                SETTINGS)
            .saturated());
  }

  @Test
  void aCutOutputIsReportedAndSamplingResumes() throws IOException {
    HealthRecorder r = recorder(10_000_000_000L);
    r.accept(Fixtures.text("injector-blasting-1.txt"), T);

    r.accept("@@loadfleet uptime\n615.0 99.0\n", T + 1_000);
    assertTrue(
        r.liveLine().startsWith("health: no sample (health sample: the host's output is cut"),
        r.liveLine());

    assertTrue(r.accept(Fixtures.text("injector-blasting-2.txt"), T + 2_000).isPresent());
    assertEquals(Optional.empty(), r.lastError());
  }
}
