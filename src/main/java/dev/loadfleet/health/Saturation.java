package dev.loadfleet.health;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Finds the stretches where an injector host was saturated: its CPU, or its NIC against the
 * declared speed, stayed above a threshold for a sustained window. A single hot sample is noise (a
 * GC pause, a burst of uploads starting together); a sustained one means the injector, not the
 * service, set the pace, and the latencies measured then include the injector's own queueing.
 *
 * <p>Sustained: at least {@link Settings#minSamples()} consecutive samples, all above the
 * threshold, together covering at least {@link Settings#minDurationMs()}. A gap between samples
 * longer than {@link Settings#maxGapMs()} (the host stopped answering), or a sample averaging over
 * a period that long, ends the stretch: what happened in the gap is unknown.
 */
public final class Saturation {
  private Saturation() {}

  /**
   * The detection knobs.
   *
   * @param cpuThresholdPct CPU busy % above which a sample is hot
   * @param nicThresholdPct NIC % of declared speed above which a sample is hot
   */
  public record Settings(
      double cpuThresholdPct,
      double nicThresholdPct,
      int minSamples,
      long minDurationMs,
      long maxGapMs) {

    /** 80 % CPU, 90 % NIC, 3 samples covering 10 s, gaps up to 15 s (3 missed 5 s samples). */
    public static final Settings DEFAULTS = new Settings(80, 90, 3, 10_000, 15_000);

    public Settings {
      if (minSamples < 1 || minDurationMs < 0 || maxGapMs <= 0) {
        throw new IllegalArgumentException(
            "saturation settings: minSamples must be at least 1, minDurationMs at least 0 and"
                + " maxGapMs above 0");
      }
    }
  }

  /**
   * The saturated stretches of one host within the measured window, CPU ones first.
   *
   * @param samples the host's samples in time order
   * @param nicBitsPerSecond the host's declared NIC speed; 0 or less skips the NIC check
   * @param windowFromMs start of the measured window (e.g. the first user's start), epoch ms
   * @param windowToMs end of the measured window, epoch ms
   */
  public static List<SaturationFlag> detect(
      List<HealthSample> samples,
      long nicBitsPerSecond,
      long windowFromMs,
      long windowToMs,
      Settings settings) {
    List<HealthSample> measured =
        samples.stream().filter(s -> s.timeMs() > windowFromMs && s.fromMs() < windowToMs).toList();
    List<SaturationFlag> flags = new ArrayList<>();
    flags.addAll(
        stretches(
            measured,
            SaturationFlag.Kind.CPU,
            settings.cpuThresholdPct(),
            HealthSample::cpuBusyPct,
            settings));
    if (nicBitsPerSecond > 0) {
      flags.addAll(
          stretches(
              measured,
              SaturationFlag.Kind.NIC,
              settings.nicThresholdPct(),
              s -> s.nicTxPct(nicBitsPerSecond),
              settings));
    }
    return List.copyOf(flags);
  }

  private static List<SaturationFlag> stretches(
      List<HealthSample> samples,
      SaturationFlag.Kind kind,
      double threshold,
      ToDoubleFunction<HealthSample> value,
      Settings settings) {
    List<SaturationFlag> flags = new ArrayList<>();
    List<HealthSample> run = new ArrayList<>();
    HealthSample previous = null;
    for (HealthSample s : samples) {
      boolean contiguous =
          previous == null || s.fromMs() - previous.timeMs() <= settings.maxGapMs();
      boolean hot = value.applyAsDouble(s) > threshold && s.periodMs() <= settings.maxGapMs();
      if (!hot || !contiguous) {
        close(run, kind, threshold, value, settings, flags);
      }
      if (hot) {
        run.add(s);
      }
      previous = s;
    }
    close(run, kind, threshold, value, settings, flags);
    return flags;
  }

  /** Flags the stretch in {@code run} if it is sustained, then empties it. */
  private static void close(
      List<HealthSample> run,
      SaturationFlag.Kind kind,
      double threshold,
      ToDoubleFunction<HealthSample> value,
      Settings settings,
      List<SaturationFlag> flags) {
    if (!run.isEmpty()) {
      long from = run.get(0).fromMs();
      long to = run.get(run.size() - 1).timeMs();
      if (run.size() >= settings.minSamples() && to - from >= settings.minDurationMs()) {
        double peak = run.stream().mapToDouble(value).max().orElseThrow();
        double weighted =
            run.stream().mapToDouble(s -> value.applyAsDouble(s) * s.periodMs()).sum();
        long period = run.stream().mapToLong(HealthSample::periodMs).sum();
        double mean =
            period > 0
                ? weighted / period
                : run.stream().mapToDouble(value).average().orElseThrow();
        flags.add(new SaturationFlag(kind, threshold, peak, mean, from, to, run.size()));
      }
      run.clear();
    }
  }
}
