package dev.loadfleet.health;

import java.util.ArrayList;
import java.util.List;

/** Health series built in code for the saturation and chart tests: one value per sample. */
public final class SyntheticSeries {
  static final long T0 = 1_764_133_200_000L;
  static final long STEP_MS = 5_000;
  static final long GBPS = 1_000_000_000L;

  private SyntheticSeries() {}

  /** Samples every 5 s from T0 with these CPU busy %, the NIC idle. */
  static List<HealthSample> cpu(double... pct) {
    List<HealthSample> out = new ArrayList<>();
    for (int i = 0; i < pct.length; i++) {
      out.add(sample(T0 + (i + 1) * STEP_MS, STEP_MS, pct[i], 0));
    }
    return out;
  }

  /** Samples every 5 s from T0 sending these % of a 1 Gbit/s NIC, the CPU at 30 %. */
  static List<HealthSample> nic(double... pctOfGbps) {
    List<HealthSample> out = new ArrayList<>();
    for (int i = 0; i < pctOfGbps.length; i++) {
      double bytesPerSec = pctOfGbps[i] / 100 * GBPS / 8;
      out.add(sample(T0 + (i + 1) * STEP_MS, STEP_MS, 30, bytesPerSec));
    }
    return out;
  }

  public static HealthSample sample(
      long timeMs, long periodMs, double cpuPct, double txBytesPerSec) {
    long total = 8L << 30;
    return new HealthSample(
        timeMs,
        periodMs,
        2,
        cpuPct,
        cpuPct / 50,
        total / 2,
        total,
        "eth0",
        txBytesPerSec,
        txBytesPerSec / 50,
        600,
        700L << 20,
        40,
        300L << 20,
        512L << 20,
        1.5);
  }
}
