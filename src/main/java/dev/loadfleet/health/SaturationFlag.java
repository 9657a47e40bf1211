package dev.loadfleet.health;

/**
 * A sustained stretch during which an injector host ran above a threshold, so the latencies it
 * measured then are suspect.
 *
 * @param kind what ran hot
 * @param thresholdPct the threshold crossed, in % (CPU busy, or NIC % of declared speed)
 * @param peakPct the highest sample in the stretch
 * @param meanPct the time-weighted mean over the stretch
 * @param fromMs start of the stretch (start of its first sample's period), epoch ms
 * @param toMs end of the stretch (end of its last sample's period), epoch ms
 * @param samples how many samples the stretch holds
 */
public record SaturationFlag(
    Kind kind,
    double thresholdPct,
    double peakPct,
    double meanPct,
    long fromMs,
    long toMs,
    int samples) {

  /** What ran above its threshold. */
  public enum Kind {
    /** CPU busy % of all cores. */
    CPU,
    /** Bytes sent per second as a % of the NIC's declared speed. */
    NIC
  }

  public long durationMs() {
    return toMs - fromMs;
  }

  /** "CPU above 80 % for 25 s (peak 97 %, mean 91 %)". */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%s above %.0f %% for %d s (peak %.0f %%, mean %.0f %%)",
        kind,
        thresholdPct,
        durationMs() / 1000,
        peakPct,
        meanPct);
  }
}
