package dev.loadfleet.report;

import java.util.Arrays;

/**
 * Every response time of a set of requests, in whole milliseconds, kept exactly: percentiles are
 * the nearest rank over all of them, never an estimate.
 *
 * <p>Values arrive in a raw buffer; when it fills they are sorted and folded into two parallel
 * arrays of distinct values and their counts. Memory therefore follows the number of distinct
 * milliseconds seen (a few thousand for most runs), not the number of requests, and a million
 * values cost one sort of a buffer at a time rather than a map entry each.
 *
 * <p>A {@link #dense()} histogram, for the few that see a whole stream's requests, counts values
 * from 0 to {@value #DENSE_LIMIT} ms straight into an array indexed by the value (grown to the
 * largest seen, so at most 512 KiB): no sort per value, the one cost that grows with the requests.
 * The array folds into the sorted form when a figure is read. Other values take the raw buffer.
 */
final class ExactHistogram {
  private static final int MIN_BUFFER = 256;
  private static final int[] NONE = new int[0];
  private static final long[] NO_COUNTS = new long[0];

  /** A dense histogram counts values below this in its array: a bit over a minute. */
  static final int DENSE_LIMIT = 1 << 16;

  private final boolean dense;
  private long[] low = NO_COUNTS; // dense: count of each value below DENSE_LIMIT, not yet folded
  private long lowCount;
  private int[] raw = new int[16];
  private int rawSize;
  private int[] values = NONE; // distinct, ascending
  private long[] counts = NO_COUNTS;
  private int distinct;
  private long count;
  private long sum;

  /** A histogram for a small stretch of requests: memory follows its distinct values. */
  ExactHistogram() {
    this(false);
  }

  private ExactHistogram(boolean dense) {
    this.dense = dense;
  }

  /** A histogram for a whole stream's requests: values up to a minute cost no sort. */
  static ExactHistogram dense() {
    return new ExactHistogram(true);
  }

  void add(int value) {
    if (dense && value >= 0 && value < DENSE_LIMIT) {
      if (value >= low.length) {
        low = Arrays.copyOf(low, Math.max(64, Integer.highestOneBit(value) << 1));
      }
      low[value]++;
      lowCount++;
      count++;
      sum += value;
      return;
    }
    if (rawSize == raw.length) {
      if (raw.length < Math.max(MIN_BUFFER, 2 * distinct)) {
        raw = Arrays.copyOf(raw, raw.length * 2);
      } else {
        compact();
      }
    }
    raw[rawSize++] = value;
    count++;
    sum += value;
  }

  /** Adds every value of {@code other} (left unchanged). */
  void addAll(ExactHistogram other) {
    other.compact();
    compact();
    merge(other.values, other.counts, other.distinct);
    count += other.count;
    sum += other.sum;
  }

  long count() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }

  int min() {
    compact();
    return distinct == 0 ? -1 : values[0];
  }

  int max() {
    compact();
    return distinct == 0 ? -1 : values[distinct - 1];
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} % of all values at or
   * below it; -1 when empty.
   */
  int percentile(double p) {
    compact();
    if (count == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
    long seen = 0;
    for (int i = 0; i < distinct; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return values[i];
      }
    }
    return values[distinct - 1];
  }

  /** The distinct values kept, for tests: memory follows this, not {@link #count()}. */
  int distinctValues() {
    compact();
    return distinct;
  }

  private void compact() {
    if (lowCount > 0) {
      int n = 0;
      for (long c : low) {
        n += c == 0 ? 0 : 1;
      }
      int[] v = new int[n];
      long[] c = new long[n];
      int m = 0;
      for (int i = 0; i < low.length; i++) {
        if (low[i] != 0) {
          v[m] = i;
          c[m++] = low[i];
        }
      }
      Arrays.fill(low, 0);
      lowCount = 0;
      merge(v, c, n);
    }
    if (rawSize == 0) {
      return;
    }
    Arrays.sort(raw, 0, rawSize);
    int n = 0;
    int[] v = new int[rawSize];
    long[] c = new long[rawSize];
    for (int i = 0; i < rawSize; i++) {
      if (n > 0 && v[n - 1] == raw[i]) {
        c[n - 1]++;
      } else {
        v[n] = raw[i];
        c[n] = 1;
        n++;
      }
    }
    rawSize = 0;
    if (raw.length > 4 * MIN_BUFFER && raw.length > 4 * Math.max(distinct, n)) {
      raw = new int[MIN_BUFFER];
    }
    merge(v, c, n);
  }

  /** Folds sorted distinct values with their counts into this histogram's own arrays. */
  private void merge(int[] v, long[] c, int n) {
    if (n == 0) {
      return;
    }
    int[] mv = new int[distinct + n];
    long[] mc = new long[distinct + n];
    int i = 0;
    int j = 0;
    int m = 0;
    while (i < distinct || j < n) {
      if (j == n || (i < distinct && values[i] < v[j])) {
        mv[m] = values[i];
        mc[m++] = counts[i++];
      } else if (i == distinct || v[j] < values[i]) {
        mv[m] = v[j];
        mc[m++] = c[j++];
      } else {
        mv[m] = values[i];
        mc[m++] = counts[i++] + c[j++];
      }
    }
    values = m == mv.length ? mv : Arrays.copyOf(mv, m);
    counts = m == mc.length ? mc : Arrays.copyOf(mc, m);
    distinct = m;
  }
}
