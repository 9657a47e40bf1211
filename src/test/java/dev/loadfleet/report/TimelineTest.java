package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.merge.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hosts page's series are downsampled on the server: however long the run and however many
 * records it holds, every series has at most {@link Timeline#MAX_BUCKETS} points, and each point
 * still holds exact figures for its stretch of time (counts, the peak of active users, nearest-rank
 * percentiles), checked against a computation over the records themselves.
 */
class TimelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HOSTS = 3;

  @ParameterizedTest(name = "a run of {0} s")
  @ValueSource(
      ints = {
        3,
        999,
        1_000,
        1_001,
        3_600,
        86_400,
        7 * 86_400 // up to the longest time a log may hold
      })
  void everySeriesHasAtMostMaxBucketsPointsEachExact(int seconds) {
    long lengthMs = seconds * 1000L;
    // about 20,000 requests per host whatever the length: the points stay bounded by time, and a
    // record lands in the same point as its neighbours in time
    int records = 20_000;
    Timeline timeline = new Timeline(HOSTS);
    List<List<int[]>> sent = new ArrayList<>(); // per host: start, response time, ok
    List<List<int[]>> users = new ArrayList<>(); // per host: time, +1 or -1
    Random rnd = new Random(seconds);
    for (int h = 0; h < HOSTS; h++) {
      sent.add(new ArrayList<>());
      users.add(new ArrayList<>());
    }
    for (int k = 0; k < records; k++) {
      int t = (int) (lengthMs * k / records);
      for (int h = 0; h < HOSTS; h++) {
        if (k % 10 == 0) {
          timeline.add(h, new LogRecord.User(0, true, t));
          users.get(h).add(new int[] {t, 1});
        }
        int rt = 1 + rnd.nextInt(50 * (h + 1));
        boolean ok = rnd.nextInt(20) != 0;
        String name = k % 3 == 0 ? "upload" : "heartbeat";
        timeline.add(h, new LogRecord.Request(List.of(), name, t, t + rt, ok, ok ? "" : "500"));
        sent.get(h).add(new int[] {t, rt, ok ? 1 : 0, k % 3 == 0 ? 1 : 0});
        if (k % 10 == 9) {
          // user records reach the timeline in time order, as they leave the merge
          timeline.add(h, new LogRecord.User(0, false, t));
          users.get(h).add(new int[] {t, -1});
        }
      }
    }

    long last = lengthMs * (records - 1) / records;
    long width = timeline.widthMs();
    int n = timeline.buckets();
    assertTrue(n <= Timeline.MAX_BUCKETS, n + " points");
    assertEquals(last / width + 1, n, "the points end with the last record");
    assertEquals(1, Long.bitCount(width / 1000), "one second, doubled: " + width + " ms");
    assertTrue(
        width == 1000 || last / (width / 2) >= Timeline.MAX_BUCKETS,
        "no wider than it must be: " + width + " ms");

    ObjectNode data = HostsPage.data(input(timeline), hosts(), List.of("heartbeat", "upload"));
    assertEquals(width, data.get("interval").asLong());
    for (int h = 0; h < HOSTS; h++) {
      JsonNode host = data.get("hosts").get(h);
      for (JsonNode series :
          List.of(
              host.get("users"),
              host.get("rps"),
              host.get("kops"),
              host.at("/times/upload/p95"),
              host.at("/times/heartbeat/p99"))) {
        assertEquals(n, series.size(), "every series on the same grid");
      }

      TreeMap<Integer, List<Integer>> uploads = new TreeMap<>();
      long[] started = new long[n];
      long[] ko = new long[n];
      for (int[] r : sent.get(h)) {
        int b = (int) (r[0] / width);
        started[b]++;
        ko[b] += 1 - r[2];
        if (r[2] == 1 && r[3] == 1) {
          uploads.computeIfAbsent(b, x -> new ArrayList<>()).add(r[1]);
        }
      }
      Timeline.Host th = timeline.host(h);
      for (int b = 0; b < n; b++) {
        assertEquals(started[b], th.started(b), "requests started in point " + b);
        assertEquals(ko[b], th.ko(b), "KOs in point " + b);
        List<Integer> times = uploads.getOrDefault(b, List.of());
        JsonNode p95 = host.at("/times/upload/p95").get(b);
        if (times.isEmpty()) {
          assertTrue(p95.isNull(), "no upload in point " + b);
        } else {
          assertEquals(nearestRank(times, 95), p95.asInt(), "exact p95 of point " + b);
        }
      }
      int[] active = activeUsers(users.get(h), width, n);
      for (int b = 0; b < n; b++) {
        assertEquals(active[b], host.get("users").get(b).asInt(), "active users in point " + b);
      }
    }
  }

  /** The most users active at once in each point, from the user records in time order. */
  private static int[] activeUsers(List<int[]> events, long width, int n) {
    List<int[]> sorted = new ArrayList<>(events);
    sorted.sort((a, b) -> Integer.compare(a[0], b[0])); // stable: equal times keep their order
    int[] out = new int[n];
    int level = 0;
    int next = 0;
    for (int b = 0; b < n; b++) {
      int peak = level;
      while (next < sorted.size() && sorted.get(next)[0] < (b + 1) * width) {
        level += sorted.get(next++)[1];
        peak = Math.max(peak, level);
      }
      out[b] = peak;
    }
    return out;
  }

  private static int nearestRank(List<Integer> values, double p) {
    List<Integer> s = new ArrayList<>(values);
    s.sort(null);
    int rank = (int) Math.max(1, Math.ceil(p / 100 * s.size()));
    return s.get(rank - 1);
  }

  private static HostsPage.Input input(Timeline timeline) {
    return new HostsPage.Input(JSON.createObjectNode(), timeline, 0, Map.of(), Optional.empty());
  }

  private static List<JsonNode> hosts() {
    List<JsonNode> out = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      out.add(JSON.createObjectNode().put("name", "lf-" + h));
    }
    return out;
  }
}
