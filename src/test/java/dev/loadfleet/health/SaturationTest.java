package dev.loadfleet.health;

import static dev.loadfleet.health.SyntheticSeries.GBPS;
import static dev.loadfleet.health.SyntheticSeries.STEP_MS;
import static dev.loadfleet.health.SyntheticSeries.T0;
import static dev.loadfleet.health.SyntheticSeries.cpu;
import static dev.loadfleet.health.SyntheticSeries.nic;
import static dev.loadfleet.health.SyntheticSeries.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loadfleet.health.SaturationFlag.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaturationTest {
  private static final Saturation.Settings DEFAULTS = Saturation.Settings.DEFAULTS;

  private static List<SaturationFlag> detect(List<HealthSample> samples) {
    return Saturation.detect(samples, GBPS, 0, Long.MAX_VALUE, DEFAULTS);
  }

  @Test
  void aSingleSpikeIsNotFlagged() {
    assertEquals(List.of(), detect(cpu(40, 50, 99, 50, 40)));
  }

  @Test
  void twoHotSamplesAreTooShort() {
    assertEquals(List.of(), detect(cpu(40, 95, 95, 40)));
  }

  @Test
  void sustainedCpuIsFlaggedWithItsWindowPeakAndMean() {
    List<SaturationFlag> flags = detect(cpu(40, 85, 95, 90, 30));

    // Samples 2-4 end at T0+10 s, +15 s, +20 s; the first one's period started at T0+5 s.
    assertEquals(
        List.of(new SaturationFlag(Kind.CPU, 80, 95, 90, T0 + 5_000, T0 + 20_000, 3)), flags);
    assertEquals("CPU above 80 % for 15 s (peak 95 %, mean 90 %)", flags.get(0).describe());
  }

  @Test
  void theThresholdItselfIsNotAbove() {
    assertEquals(List.of(), detect(cpu(80, 80, 80, 80)));
  }

  @Test
  void twoStretchesAreTwoFlags() {
    List<SaturationFlag> flags = detect(cpu(90, 90, 90, 10, 90, 90, 90, 90));

    assertEquals(2, flags.size());
    assertEquals(3, flags.get(0).samples());
    assertEquals(4, flags.get(1).samples());
    assertEquals(T0 + 20_000, flags.get(1).fromMs());
  }

  @Test
  void aGapInTheSamplesBreaksTheStretch() {
    List<HealthSample> samples = new ArrayList<>();
    samples.add(sample(T0 + 5_000, STEP_MS, 95, 0));
    samples.add(sample(T0 + 10_000, STEP_MS, 95, 0));
    // The host did not answer for 30 s; the next sample's period starts after the gap.
    samples.add(sample(T0 + 45_000, STEP_MS, 95, 0));
    samples.add(sample(T0 + 50_000, STEP_MS, 95, 0));

    assertEquals(List.of(), detect(samples));
  }

  @Test
  void aGapWithinTheToleranceKeepsTheStretch() {
    List<HealthSample> samples = new ArrayList<>();
    samples.add(sample(T0 + 5_000, STEP_MS, 95, 0));
    samples.add(sample(T0 + 10_000, STEP_MS, 95, 0));
    // One sample lost: 10 s between the end of one period and the start of the next.
    samples.add(sample(T0 + 25_000, STEP_MS, 95, 0));

    List<SaturationFlag> flags = detect(samples);

    assertEquals(1, flags.size());
    assertEquals(T0, flags.get(0).fromMs());
    assertEquals(T0 + 25_000, flags.get(0).toMs());
  }

  @Test
  void aSampleAveragedOverALongSilenceDoesNotCount() {
    List<HealthSample> samples = new ArrayList<>();
    samples.add(sample(T0 + 5_000, STEP_MS, 95, 0));
    samples.add(sample(T0 + 65_000, 60_000, 95, 0));
    samples.add(sample(T0 + 70_000, STEP_MS, 95, 0));

    assertEquals(List.of(), detect(samples));
  }

  @Test
  void aNicRunningAbove90PercentOfItsDeclaredSpeedIsFlagged() {
    List<SaturationFlag> flags = detect(nic(50, 92, 96, 94, 93, 60));

    assertEquals(1, flags.size());
    SaturationFlag f = flags.get(0);
    assertEquals(Kind.NIC, f.kind());
    assertEquals(90, f.thresholdPct());
    assertEquals(96, f.peakPct(), 1e-9);
    assertEquals(93.75, f.meanPct(), 1e-9);
    assertEquals(4, f.samples());
  }

  @Test
  void theSameTrafficOnA10GbpsNicIsNotSaturated() {
    assertEquals(
        List.of(), Saturation.detect(nic(92, 96, 94, 93), 10 * GBPS, 0, Long.MAX_VALUE, DEFAULTS));
  }

  @Test
  void anUndeclaredNicSpeedSkipsTheNicCheck() {
    assertEquals(List.of(), Saturation.detect(nic(92, 96, 94, 93), 0, 0, Long.MAX_VALUE, DEFAULTS));
  }

  @Test
  void onlyTheMeasuredWindowCounts() {
    // Hot while the JVM warms up (first 4 samples), measured window starts at T0 + 20 s.
    List<HealthSample> samples = cpu(99, 99, 99, 99, 40, 40, 40);

    assertEquals(List.of(), Saturation.detect(samples, GBPS, T0 + 20_000, T0 + 35_000, DEFAULTS));
    assertEquals(1, Saturation.detect(samples, GBPS, T0, T0 + 35_000, DEFAULTS).size());
  }

  @Test
  void thresholdsAndWindowAreKnobs() {
    Saturation.Settings strict = new Saturation.Settings(60, 90, 2, 5_000, 15_000);

    assertEquals(1, Saturation.detect(cpu(40, 70, 70, 40), GBPS, 0, Long.MAX_VALUE, strict).size());
  }
}
