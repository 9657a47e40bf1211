package dev.loadfleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.LogRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact figures for a stream of records (one input, or the whole merged run), built in one pass:
 * over all requests and per request name. Percentiles are exact (nearest rank over an {@link
 * ExactHistogram}) rather than Gatling's t-digest estimate; memory follows the distinct response
 * times in milliseconds, never the number of records.
 */
final class TrafficStats {
  /** The name of the request that uploads a recording: what the service's count is compared to. */
  static final String UPLOAD = "upload";

  private final Requests all = new Requests();
  private final Map<String, Requests> byName = new LinkedHashMap<>();
  private long okUploads;
  private int users;
  private int peakUsers;
  private long usersStarted;
  private long firstUserMs = Long.MAX_VALUE;
  private long firstMs = Long.MAX_VALUE;
  private long lastMs = Long.MIN_VALUE;

  /** Counts a record whose times are relative to the run start. */
  void add(LogRecord record) {
    add(record, record instanceof LogRecord.Request r ? key(r) : null);
  }

  /** As {@link #add(LogRecord)}, given a request's {@link #key}. */
  void add(LogRecord record, String requestKey) {
    if (record instanceof LogRecord.Request r) {
      int time = r.end() - r.start();
      all.add(time, r.ok());
      byName.computeIfAbsent(requestKey, k -> new Requests()).add(time, r.ok());
      if (r.ok() && r.name().equals(UPLOAD)) {
        okUploads++;
      }
      span(r.start(), r.end());
    } else if (record instanceof LogRecord.User u) {
      // In record order, as Gatling counts them: the exact peak rather than a per-second maximum.
      if (u.start()) {
        users++;
        usersStarted++;
        peakUsers = Math.max(peakUsers, users);
        firstUserMs = Math.min(firstUserMs, u.time());
        span(u.time(), u.time());
      } else {
        users--;
        span(Long.MAX_VALUE, u.time());
      }
    } else if (record instanceof LogRecord.Group g) {
      span(g.start(), g.end());
    }
  }

  /** A request's name as Gatling's tables show it: its groups, then its name. */
  static String key(LogRecord.Request r) {
    return r.groups().isEmpty() ? r.name() : String.join(" / ", r.groups()) + " / " + r.name();
  }

  /** {@link #key}s without a new string per grouped request: groups and names repeat. */
  static final class Keys {
    private final Map<List<String>, Map<String, String>> byGroups = new HashMap<>();

    String of(LogRecord.Request r) {
      if (r.groups().isEmpty()) {
        return r.name();
      }
      Map<String, String> names = byGroups.computeIfAbsent(r.groups(), g -> new HashMap<>());
      String key = names.get(r.name());
      if (key == null) {
        key = key(r);
        names.put(r.name(), key);
      }
      return key;
    }
  }

  private void span(long start, long end) {
    firstMs = Math.min(firstMs, start);
    lastMs = Math.max(lastMs, end);
  }

  long requests() {
    return all.count();
  }

  long ko() {
    return all.ko();
  }

  int peakUsers() {
    return peakUsers;
  }

  /** OK requests named {@value #UPLOAD}, in any group. */
  long okUploads() {
    return okUploads;
  }

  /** When the first user started, in ms from the run start; empty when none did. */
  java.util.OptionalLong firstUserMs() {
    return firstUserMs == Long.MAX_VALUE
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(firstUserMs);
  }

  /** Nearest-rank percentile over all requests, or -1 when there is none. */
  int percentile(double p) {
    return all.times.percentile(p);
  }

  /**
   * The span in whole seconds as Gatling's report counts "Cnt/s": the run's span rounded up, at
   * least one.
   */
  long seconds() {
    long d = durationMs();
    return d <= 0 ? 1 : (long) Math.ceil(d / 1000.0);
  }

  long durationMs() {
    return firstMs == Long.MAX_VALUE ? 0 : lastMs - firstMs;
  }

  ObjectNode toJson(long runStartMs) {
    ObjectNode n = all.toJson(seconds());
    n.put("usersStarted", usersStarted);
    n.put("peakConcurrentUsers", peakUsers);
    if (firstMs != Long.MAX_VALUE) {
      n.put("start", Instant.ofEpochMilli(runStartMs + firstMs).toString());
      n.put("end", Instant.ofEpochMilli(runStartMs + lastMs).toString());
    }
    n.put("durationMs", durationMs());
    return n;
  }

  /**
   * One entry per request name, in the order first seen; throughput over this stream's whole span,
   * as Gatling divides every row of its table by the run's duration.
   */
  ArrayNode perRequestJson() {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    byName.forEach((name, r) -> a.add(r.toJson(seconds()).put("name", name)));
    return a;
  }

  /** Counts and exact response times of a set of requests. */
  static final class Requests {
    private final ExactHistogram times = ExactHistogram.dense();
    private long ok;

    void add(int timeMs, boolean isOk) {
      times.add(timeMs);
      if (isOk) {
        ok++;
      }
    }

    long count() {
      return times.count();
    }

    long ko() {
      return times.count() - ok;
    }

    ObjectNode toJson(long seconds) {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      long requests = count();
      n.put("requests", requests);
      n.put("ok", ok);
      n.put("ko", ko());
      n.put("koPercent", round2(requests == 0 ? 0 : ko() * 100.0 / requests));
      if (requests > 0) {
        n.put("minMs", times.min());
        n.put("meanMs", round2(times.mean()));
        n.put("p50Ms", times.percentile(50));
        n.put("p75Ms", times.percentile(75));
        n.put("p95Ms", times.percentile(95));
        n.put("p99Ms", times.percentile(99));
        n.put("maxMs", times.max());
      }
      n.put("requestsPerSecond", round2((double) requests / seconds));
      return n;
    }
  }

  static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
