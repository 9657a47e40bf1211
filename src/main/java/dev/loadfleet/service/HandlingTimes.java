package dev.loadfleet.service;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Handling times of one endpoint, lock-free, in log-linear buckets (16 per power of two, so a
 * percentile is within ~6 % of the true value) over microseconds: cheap enough to record every
 * request on the event loop, precise enough for the benchmarks that compare injector setups.
 */
final class HandlingTimes {
  private static final int SUB = 16;
  private final AtomicLongArray buckets = new AtomicLongArray(64 * SUB);
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong sumMicros = new AtomicLong();
  private final AtomicLong maxMicros = new AtomicLong();

  void record(long nanos) {
    long us = Math.max(0, nanos / 1000);
    buckets.incrementAndGet(index(us));
    count.incrementAndGet();
    sumMicros.addAndGet(us);
    maxMicros.accumulateAndGet(us, Math::max);
  }

  static int index(long us) {
    if (us < SUB) {
      return (int) us;
    }
    int msb = 63 - Long.numberOfLeadingZeros(us);
    int shift = msb - 4;
    return (shift + 1) * SUB + (int) ((us >> shift) & (SUB - 1));
  }

  /** The largest value that falls into bucket {@code index}. */
  static long upperBound(int index) {
    if (index < SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    long low = (long) (SUB + index % SUB) << shift;
    return low + (1L << shift) - 1;
  }

  ServiceStats.Timing snapshot() {
    long n = count.get();
    if (n == 0) {
      return new ServiceStats.Timing(0, 0, 0, 0, 0, 0);
    }
    return new ServiceStats.Timing(
        n,
        sumMicros.get() / 1000.0 / n,
        percentile(n, 0.50),
        percentile(n, 0.95),
        percentile(n, 0.99),
        maxMicros.get() / 1000.0);
  }

  private double percentile(long n, double p) {
    long rank = (long) Math.ceil(p * n);
    long seen = 0;
    for (int i = 0; i < buckets.length(); i++) {
      seen += buckets.get(i);
      if (seen >= rank) {
        return Math.min(upperBound(i), maxMicros.get()) / 1000.0;
      }
    }
    return maxMicros.get() / 1000.0;
  }
}
