package dev.loadfleet.run;

import java.util.List;

/**
 * A stop criterion that held for its window, with the values that made it fire: what run.json and
 * summary.json record under the stop's "criterion".
 *
 * @param name how it reads, e.g. "ko > 10% for 30s"
 * @param metric ko, p50, p95, p99 or injectorSaturated
 * @param request the request name it is about, or null for all requests
 * @param threshold as written back, e.g. "> 10%" or "> 15s" (null for injectorSaturated)
 * @param windowMs how long it had to hold
 * @param heldSinceMs from when it held, launcher clock (epoch ms)
 * @param firedAtMs when it fired, launcher clock (epoch ms)
 * @param host the injector it held on (injectorSaturated), or null for the fleet
 * @param values every value it held with, oldest first
 */
public record FiredCriterion(
    String name,
    String metric,
    String request,
    String threshold,
    long windowMs,
    long heldSinceMs,
    long firedAtMs,
    String host,
    List<Value> values) {

  public FiredCriterion {
    values = List.copyOf(values);
  }

  /**
   * One poll's value.
   *
   * @param atMs the end of the interval it covers, launcher clock (epoch ms)
   * @param value in the metric's unit: % for ko and injectorSaturated's CPU, ms for percentiles
   * @param text in words, e.g. "KO 14.2%" or "CPU 93%, NIC 12%"
   */
  public record Value(long atMs, double value, String text) {}
}
