package dev.loadfleet.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.LogRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact figures for a stream of records (one input, or the whole merged run), built in one pass.
 * Memory grows with the number of distinct response times in milliseconds (a histogram), never with
 * the number of records, so percentiles are exact (nearest rank) rather than Gatling's t-digest
 * estimate, which may differ from them by a millisecond or so.
 */
final class TrafficStats {
  private final Map<Integer, long[]> histogram = new HashMap<>();
  private long requests;
  private long ok;
  private long sum;
  private int min = Integer.MAX_VALUE;
  private int max = Integer.MIN_VALUE;
  private int users;
  private int peakUsers;
  private long usersStarted;
  private long firstMs = Long.MAX_VALUE;
  private long lastMs = Long.MIN_VALUE;

  /** Counts a record whose times are relative to {@code runStartMs}. */
  void add(LogRecord record) {
    if (record instanceof LogRecord.Request r) {
      int time = r.end() - r.start();
      requests++;
      if (r.ok()) {
        ok++;
      }
      sum += time;
      min = Math.min(min, time);
      max = Math.max(max, time);
      histogram.computeIfAbsent(time, k -> new long[1])[0]++;
      span(r.start(), r.end());
    } else if (record instanceof LogRecord.User u) {
      // In record order, as Gatling counts them: the exact peak rather than a per-second maximum.
      if (u.start()) {
        users++;
        usersStarted++;
        peakUsers = Math.max(peakUsers, users);
        span(u.time(), u.time());
      } else {
        users--;
        span(Long.MAX_VALUE, u.time());
      }
    } else if (record instanceof LogRecord.Group g) {
      span(g.start(), g.end());
    }
  }

  private void span(long start, long end) {
    firstMs = Math.min(firstMs, start);
    lastMs = Math.max(lastMs, end);
  }

  long requests() {
    return requests;
  }

  long ko() {
    return requests - ok;
  }

  int peakUsers() {
    return peakUsers;
  }

  /** Nearest-rank percentile, or -1 when there is no request. */
  int percentile(double p) {
    if (requests == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * requests));
    int[] values = histogram.keySet().stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(values);
    long seen = 0;
    for (int v : values) {
      seen += histogram.get(v)[0];
      if (seen >= rank) {
        return v;
      }
    }
    return values[values.length - 1];
  }

  double mean() {
    return requests == 0 ? 0 : (double) sum / requests;
  }

  double koPercent() {
    return requests == 0 ? 0 : ko() * 100.0 / requests;
  }

  /**
   * Requests per second as Gatling's report computes "Cnt/s": count over the run's span rounded up
   * to whole seconds.
   */
  double requestsPerSecond() {
    long seconds = durationMs() <= 0 ? 1 : (long) Math.ceil(durationMs() / 1000.0);
    return (double) requests / seconds;
  }

  long durationMs() {
    return firstMs == Long.MAX_VALUE ? 0 : lastMs - firstMs;
  }

  ObjectNode toJson(long runStartMs) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("requests", requests);
    n.put("ok", ok);
    n.put("ko", ko());
    n.put("koPercent", round2(koPercent()));
    if (requests > 0) {
      n.put("minMs", min);
      n.put("meanMs", round2(mean()));
      n.put("p50Ms", percentile(50));
      n.put("p95Ms", percentile(95));
      n.put("p99Ms", percentile(99));
      n.put("maxMs", max);
    }
    n.put("usersStarted", usersStarted);
    n.put("peakConcurrentUsers", peakUsers);
    n.put("requestsPerSecond", round2(requestsPerSecond()));
    if (firstMs != Long.MAX_VALUE) {
      n.put("start", Instant.ofEpochMilli(runStartMs + firstMs).toString());
      n.put("end", Instant.ofEpochMilli(runStartMs + lastMs).toString());
    }
    n.put("durationMs", durationMs());
    return n;
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
