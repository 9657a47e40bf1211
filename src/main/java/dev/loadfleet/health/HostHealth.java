package dev.loadfleet.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One host's health over a run: its samples, its saturated stretches in the measured window, and
 * what the report shows of them (summary.json fields).
 *
 * @param nicBitsPerSecond the host's declared NIC speed
 */
public record HostHealth(
    String host,
    long nicBitsPerSecond,
    Saturation.Settings settings,
    List<HealthSample> samples,
    List<SaturationFlag> flags) {

  public HostHealth {
    samples = List.copyOf(samples);
    flags = List.copyOf(flags);
  }

  /**
   * Checks a host's samples for saturation within the measured window.
   *
   * @param windowFromMs start of the measured window, epoch ms
   * @param windowToMs end of the measured window, epoch ms
   */
  public static HostHealth assess(
      String host,
      List<HealthSample> samples,
      long nicBitsPerSecond,
      long windowFromMs,
      long windowToMs,
      Saturation.Settings settings) {
    return new HostHealth(
        host,
        nicBitsPerSecond,
        settings,
        samples,
        Saturation.detect(samples, nicBitsPerSecond, windowFromMs, windowToMs, settings));
  }

  /** True when the host ran saturated: its latencies in the flagged windows are not trustworthy. */
  public boolean saturated() {
    return !flags.isEmpty();
  }

  /**
   * The fields this host adds to its entry in summary.json and hosts.html (the Reporter's
   * hostAnnotations): {@code health} (peaks, means and minima over the run; -1 where the host could
   * not tell, e.g. heap and GC of a JVM run with -XX:-UsePerfData) and {@code saturation} (one
   * object per flagged stretch; empty when the host was never saturated).
   */
  public ObjectNode annotation() {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode out = json.objectNode();
    ObjectNode health = out.putObject("health");
    health.put("samples", samples.size());
    health.put("nicBitsPerSecond", nicBitsPerSecond);
    if (!samples.isEmpty()) {
      health.put("cpuBusyPctPeak", max(HealthSample::cpuBusyPct));
      health.put("cpuBusyPctMean", mean(HealthSample::cpuBusyPct));
      health.put("load1Peak", max(HealthSample::load1));
      health.put("netTxBytesPerSecPeak", max(HealthSample::netTxBytesPerSec));
      health.put("netTxBytesPerSecMean", mean(HealthSample::netTxBytesPerSec));
      health.put("nicPctPeak", max(s -> s.nicTxPct(nicBitsPerSecond)));
      health.put(
          "memAvailableBytesMin",
          samples.stream().mapToLong(HealthSample::memAvailableBytes).min().orElseThrow());
      health.put("openFdsPeak", (long) max(s -> s.openFds()));
      health.put("processRssBytesPeak", (long) max(s -> s.processRssBytes()));
      health.put("heapUsedBytesPeak", (long) max(s -> s.heapUsedBytes()));
      health.put("heapCommittedBytesPeak", (long) max(s -> s.heapCommittedBytes()));
      health.put("gcPctPeak", max(HealthSample::gcPct));
    }
    ArrayNode saturation = out.putArray("saturation");
    for (SaturationFlag f : flags) {
      ObjectNode flag = saturation.addObject();
      flag.put("kind", f.kind().name());
      flag.put("thresholdPct", f.thresholdPct());
      flag.put("peakPct", f.peakPct());
      flag.put("meanPct", f.meanPct());
      flag.put("from", Instant.ofEpochMilli(f.fromMs()).toString());
      flag.put("to", Instant.ofEpochMilli(f.toMs()).toString());
      flag.put("fromMs", f.fromMs());
      flag.put("toMs", f.toMs());
      flag.put("samples", f.samples());
      flag.put("text", f.describe());
    }
    return out;
  }

  private double max(ToDoubleFunction<HealthSample> value) {
    return samples.stream().mapToDouble(value).max().orElseThrow();
  }

  /** Mean weighted by each sample's period, so a sample after a gap counts for its length. */
  private double mean(ToDoubleFunction<HealthSample> value) {
    double weighted =
        samples.stream().mapToDouble(s -> value.applyAsDouble(s) * s.periodMs()).sum();
    long period = samples.stream().mapToLong(HealthSample::periodMs).sum();
    return period > 0 ? weighted / period : samples.stream().mapToDouble(value).average().orElse(0);
  }
}
