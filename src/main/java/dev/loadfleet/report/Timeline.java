package dev.loadfleet.report;

import dev.loadfleet.merge.LogRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each input's traffic over time, on the merged log's clock (the launcher's, every host's times
 * already corrected by its offset): active users, requests and KOs started, and the exact response
 * times of OK requests per request name, in buckets of equal width.
 *
 * <p>Built in the same pass as the merge. Buckets start one second wide; when a record falls beyond
 * {@link #MAX_BUCKETS} buckets, every two neighbours are folded into one and the width doubles, so
 * a run of any length ends with at most that many points per series, each still exact (counts add,
 * histograms merge, a peak is the larger peak). This is the downsampling that keeps the hosts page
 * light in a browser: an hour at 10 M records is a thousand points per series, not 3,600.
 */
final class Timeline {
  /** The most buckets a series may have; past it the width doubles. */
  static final int MAX_BUCKETS = 1000;

  private final List<Host> hosts = new ArrayList<>();
  private long widthMs = 1000;
  private int buckets;

  Timeline(int inputs) {
    for (int i = 0; i < inputs; i++) {
      hosts.add(new Host());
    }
  }

  /** Adds one record of {@code input}, its times in ms from the merged run start. */
  void add(int input, LogRecord record) {
    add(input, record, record instanceof LogRecord.Request r ? TrafficStats.key(r) : null);
  }

  /** As {@link #add(int, LogRecord)}, given a request's {@link TrafficStats#key}. */
  void add(int input, LogRecord record, String requestKey) {
    Host h = hosts.get(input);
    if (record instanceof LogRecord.Request r) {
      int i = bucket(r.start());
      h.started[i]++;
      if (!r.ok()) {
        h.ko[i]++;
      } else {
        h.okTimes(requestKey)[i].add(r.end() - r.start());
      }
    } else if (record instanceof LogRecord.User u) {
      int i = bucket(u.time());
      h.level += u.start() ? 1 : -1;
      h.usersPeak[i] = Math.max(h.usersPeak[i], h.level);
      h.usersEnd[i] = h.level;
      h.usersSeen[i] = true;
    }
  }

  /** Width of one bucket in ms. */
  long widthMs() {
    return widthMs;
  }

  /** Buckets in use: the same for every host, so their series line up. */
  int buckets() {
    return buckets;
  }

  Host host(int input) {
    return hosts.get(input);
  }

  /** The bucket of a time (ms from the merged start); times before the start count in the first. */
  int bucket(long timeMs) {
    long i = Math.max(0, timeMs) / widthMs;
    while (i >= MAX_BUCKETS) {
      fold();
      i = Math.max(0, timeMs) / widthMs;
    }
    buckets = Math.max(buckets, (int) i + 1);
    return (int) i;
  }

  private void fold() {
    hosts.forEach(Host::fold);
    widthMs *= 2;
    buckets = (buckets + 1) / 2;
  }

  /** One input's buckets. */
  static final class Host {
    private final long[] started = new long[MAX_BUCKETS];
    private final long[] ko = new long[MAX_BUCKETS];
    private final int[] usersPeak = new int[MAX_BUCKETS];
    private final int[] usersEnd = new int[MAX_BUCKETS];
    private final boolean[] usersSeen = new boolean[MAX_BUCKETS];
    private final Map<String, ExactHistogram[]> okTimes = new LinkedHashMap<>();
    private int level;

    private ExactHistogram[] okTimes(String name) {
      return okTimes.computeIfAbsent(
          name,
          k -> {
            ExactHistogram[] a = new ExactHistogram[MAX_BUCKETS];
            Arrays.setAll(a, i -> new ExactHistogram());
            return a;
          });
    }

    /** Requests started in each bucket. */
    long started(int bucket) {
      return started[bucket];
    }

    /** KO requests among those started in each bucket. */
    long ko(int bucket) {
      return ko[bucket];
    }

    /**
     * Users active at some moment of each bucket: the most at once within it, or the count it began
     * with when that was higher.
     */
    int[] activeUsers(int buckets) {
      int[] out = new int[buckets];
      int carried = 0;
      for (int i = 0; i < buckets; i++) {
        out[i] = usersSeen[i] ? Math.max(carried, usersPeak[i]) : carried;
        if (usersSeen[i]) {
          carried = usersEnd[i];
        }
      }
      return out;
    }

    /** The request names with OK requests, in the order first seen. */
    List<String> requestNames() {
      return List.copyOf(okTimes.keySet());
    }

    /** The OK response times of {@code name} started in {@code bucket}; empty when none. */
    ExactHistogram okTimes(String name, int bucket) {
      ExactHistogram[] a = okTimes.get(name);
      return a == null ? new ExactHistogram() : a[bucket];
    }

    private void fold() {
      for (int i = 0; i < MAX_BUCKETS / 2; i++) {
        int a = 2 * i;
        int b = a + 1;
        started[i] = started[a] + started[b];
        ko[i] = ko[a] + ko[b];
        usersPeak[i] = Math.max(usersPeak[a], usersPeak[b]);
        usersEnd[i] = usersSeen[b] ? usersEnd[b] : usersEnd[a];
        usersSeen[i] = usersSeen[a] || usersSeen[b];
      }
      Arrays.fill(started, MAX_BUCKETS / 2, MAX_BUCKETS, 0);
      Arrays.fill(ko, MAX_BUCKETS / 2, MAX_BUCKETS, 0);
      Arrays.fill(usersPeak, MAX_BUCKETS / 2, MAX_BUCKETS, 0);
      Arrays.fill(usersEnd, MAX_BUCKETS / 2, MAX_BUCKETS, 0);
      Arrays.fill(usersSeen, MAX_BUCKETS / 2, MAX_BUCKETS, false);
      for (ExactHistogram[] h : okTimes.values()) {
        for (int i = 0; i < MAX_BUCKETS / 2; i++) {
          ExactHistogram merged = h[2 * i];
          merged.addAll(h[2 * i + 1]);
          h[i] = merged;
        }
        for (int i = MAX_BUCKETS / 2; i < MAX_BUCKETS; i++) {
          h[i] = new ExactHistogram();
        }
      }
    }
  }
}
