package dev.loadfleet.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.health.HealthSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The live figures from hosts' progress: intervals are differences of totals, the fleet's
 * percentiles those of the merged times, and a lost host shows as lost.
 */
class LiveBoardTest {
  private static final long T0 = 1_700_000_000_000L;

  /** One simulated injector: what it recorded, and its progress file as the launcher reads it. */
  private static final class Injector {
    final ResponseTimeRecorder recorder = new ResponseTimeRecorder();
    final Map<String, List<Long>> all = new LinkedHashMap<>();
    final Map<String, long[]> counts = new LinkedHashMap<>();
    long bytes;
    long started;

    void request(String name, boolean ok, long ms) {
      recorder.record(name, ok, ms);
      all.computeIfAbsent(name, n -> new ArrayList<>()).add(ms);
      counts.computeIfAbsent(name, n -> new long[2])[ok ? 0 : 1]++;
      if (ok && name.equals("upload")) {
        bytes += 1_000_000;
      }
    }

    /** The progress file written at {@code time}, read back as the launcher does. */
    Reading read(long time) {
      Map<String, Reading.RequestTotals> requests = new LinkedHashMap<>();
      recorder
          .snapshot()
          .forEach(
              (name, pair) -> {
                long[] c = counts.get(name);
                requests.put(
                    name,
                    new Reading.RequestTotals(
                        c[0], c[1], ResponseTimes.decode(pair.get("ok"), pair.get("ko"))));
              });
      return new Reading(time, T0, started, started, bytes, false, requests);
    }
  }

  private static HostInput host(String name, Reading r, boolean lost) {
    return new HostInput(
        name,
        HostInput.Role.INJECTOR,
        lost ? "lost" : "running",
        lost,
        "",
        10,
        0,
        1_000_000_000L,
        Optional.ofNullable(r),
        Optional.empty(),
        "");
  }

  /** Nearest rank over the raw values, as summary.json computes it. */
  private static long exact(List<Long> values, double p) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int rank = (int) Math.max(1, Math.ceil(p / 100.0 * sorted.length));
    return sorted[rank - 1];
  }

  @Test
  void fleetPercentilesAreThoseOfEveryHostsTimesTogetherWithinTheHistogramsPrecision() {
    Random random = new Random(42);
    Injector a = new Injector();
    Injector b = new Injector();
    List<Long> uploads = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // a long tail: most fast, some slow, a few beyond 2,048 ms where buckets widen
      long ms = (long) Math.exp(random.nextGaussian() * 1.2 + 6);
      Injector which = i % 3 == 0 ? b : a;
      which.request("upload", random.nextInt(20) != 0, ms);
      uploads.add(ms);
      which.request("heartbeat", true, 1 + random.nextInt(40));
    }
    LiveBoard board = new LiveBoard("r", T0);
    Frame f =
        board.next(
            T0 + 60_000,
            List.of(host("a", a.read(T0 + 59_000), false), host("b", b.read(T0 + 59_500), false)));
    Frame.RequestFigures up = f.fleet().total().byRequest().get("upload");
    assertEquals(3000, up.requests());
    for (double p : new double[] {50, 95, 99}) {
      long want = exact(uploads, p);
      long got = p == 50 ? up.p50() : p == 95 ? up.p95() : up.p99();
      assertTrue(
          got >= want && got <= ResponseTimes.highestEquivalent(want),
          "p" + p + ": live " + got + " vs exact " + want);
    }
    assertTrue(
        exact(uploads, 99) > 2048, "the test must reach the wider buckets: " + exact(uploads, 99));
    // the first reading's interval is everything since the host started
    assertEquals(6000, f.fleet().interval().requests());
  }

  @Test
  void theIntervalIsWhatHappenedSinceThePreviousPollAndTheTotalEverything() {
    Injector a = new Injector();
    a.request("heartbeat", true, 10);
    a.request("heartbeat", true, 20);
    LiveBoard board = new LiveBoard("r", T0);
    board.publish(board.next(T0 + 2000, List.of(host("a", a.read(T0 + 2000), false))));
    a.request("heartbeat", false, 500);
    a.request("heartbeat", true, 30);
    Frame f = board.next(T0 + 4000, List.of(host("a", a.read(T0 + 4000), false)));
    Frame.Window interval = f.hosts().get(0).figures().interval();
    assertEquals(2, interval.requests());
    assertEquals(1, interval.ko());
    assertEquals(50.0, interval.koPct());
    assertEquals(1.0, interval.requestsPerSec(), 1e-9, "2 requests over 2 s");
    assertEquals(500, interval.byRequest().get("heartbeat").p99());
    assertEquals(30, interval.byRequest().get("heartbeat").p50());
    Frame.Window total = f.fleet().total();
    assertEquals(4, total.requests());
    assertEquals(25.0, total.koPct());
  }

  @Test
  void aLostHostShowsAsLostNotWithItsLastNumbersAndItsGapComesBackWhole() {
    Injector a = new Injector();
    Injector b = new Injector();
    a.request("upload", true, 100);
    b.request("upload", true, 200);
    LiveBoard board = new LiveBoard("r", T0);
    board.publish(
        board.next(
            T0 + 2000,
            List.of(host("a", a.read(T0 + 2000), false), host("b", b.read(T0 + 2000), false))));
    Reading bLast = b.read(T0 + 2000);
    b.request("upload", true, 300); // done while the launcher could not see b
    a.request("upload", true, 110);
    Frame lost =
        board.next(T0 + 4000, List.of(host("a", a.read(T0 + 4000), false), host("b", bLast, true)));
    Frame.HostFigures bFigures = lost.hosts().get(1);
    assertTrue(bFigures.lost());
    assertEquals("lost", bFigures.state());
    assertNull(bFigures.figures(), "a lost host has no current figures");
    assertNull(bFigures.health());
    assertEquals(1, lost.fleet().interval().requests(), "only a's request is this interval's");
    assertEquals(3, lost.fleet().total().requests(), "b's requests before it was lost count");
    board.publish(lost);

    Frame back =
        board.next(
            T0 + 6000,
            List.of(host("a", a.read(T0 + 6000), false), host("b", b.read(T0 + 6000), false)));
    Frame.Window bInterval = back.hosts().get(1).figures().interval();
    assertNotNull(bInterval);
    assertEquals(1, bInterval.requests(), "b's request made while lost");
    assertEquals(300, bInterval.byRequest().get("upload").p50());
    assertEquals(T0 + 2000, bInterval.fromMs(), "its interval spans the gap");
  }

  @Test
  void theServicesHostHasHealthButNoRequests() {
    HealthSample s =
        new HealthSample(
            T0, 2000, 2, 93, 1.5, 4L << 30, 8L << 30, "eth0", 50e6, 1e6, -1, -1, -1, -1, -1, -1);
    LiveBoard board = new LiveBoard("r", T0);
    Frame f =
        board.next(
            T0 + 1000,
            List.of(
                new HostInput(
                    "service",
                    HostInput.Role.SERVICE,
                    "sampled",
                    false,
                    "",
                    0,
                    0,
                    1_000_000_000L,
                    Optional.empty(),
                    Optional.of(s),
                    "cpu 93%!")));
    Frame.HostFigures h = f.hosts().get(0);
    assertEquals("service", h.role());
    assertNull(h.figures());
    assertEquals(93, h.health().cpuPct());
    assertEquals(40.0, h.health().nicPct(), 1e-9, "50 MB/s of a 1 Gbit/s NIC");
    assertTrue(h.health().hot(), "CPU above 80 %");
    assertEquals(0, f.fleet().usersPlanned());
  }

  @Test
  void historyKeepsTheNewestFramesAndThinsTheOldest() {
    LiveBoard board = new LiveBoard("r", T0);
    for (int i = 0; i < LiveBoard.HISTORY + 10; i++) {
      board.publish(board.next(T0 + i * 1000L, List.of()));
    }
    List<Frame> all = board.since(0);
    assertTrue(all.size() <= LiveBoard.HISTORY, "kept " + all.size());
    assertEquals(LiveBoard.HISTORY + 10, all.get(all.size() - 1).seq(), "the newest is kept");
    long[] seqs = all.stream().mapToLong(Frame::seq).toArray();
    long[] sorted = seqs.clone();
    Arrays.sort(sorted);
    assertTrue(Arrays.equals(seqs, sorted), "oldest first");
    assertEquals(List.of(), board.since(LiveBoard.HISTORY + 10));
  }
}
