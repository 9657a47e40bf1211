package dev.loadfleet.live;

import dev.loadfleet.health.HealthSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A board fed as a run would feed it: injectors recording uploads and heartbeats, health samples,
 * one poll at a time, for tests of what shows the figures.
 */
final class Boards {
  final LiveBoard board;
  final List<String> hosts;
  final Map<String, ResponseTimeRecorder> recorders = new LinkedHashMap<>();
  final Map<String, Map<String, long[]>> counts = new LinkedHashMap<>();
  final Map<String, Long> bytes = new LinkedHashMap<>();
  final Random random = new Random(7);
  long now;
  String lost;

  Boards(long t0, String... hosts) {
    this.board = new LiveBoard("test-run", t0);
    this.hosts = List.of(hosts);
    this.now = t0;
    for (String h : hosts) {
      recorders.put(h, new ResponseTimeRecorder());
      counts.put(h, new LinkedHashMap<>());
      bytes.put(h, 0L);
    }
  }

  /** Every host does some requests for {@code ms}, then the board gets its frame. */
  Frame poll(long ms) {
    now += ms;
    List<HostInput> inputs = new ArrayList<>();
    for (String h : hosts) {
      boolean isLost = h.equals(lost);
      if (!isLost) {
        for (int i = 0; i < 10; i++) {
          request(h, "heartbeat", random.nextInt(20) != 0, 5 + random.nextInt(30));
        }
        request(h, "upload", true, 300 + random.nextInt(900));
      }
      inputs.add(
          new HostInput(
              h,
              HostInput.Role.INJECTOR,
              isLost ? "lost" : "running",
              isLost,
              isLost ? "no answer for 15 s" : "",
              10,
              0,
              1_000_000_000L,
              Optional.of(reading(h)),
              isLost ? Optional.empty() : Optional.of(sample(30 + random.nextInt(40))),
              isLost ? "" : "cpu ok"));
    }
    inputs.add(
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
            Optional.of(sample(50 + random.nextInt(30))),
            ""));
    Frame f = board.next(now, inputs);
    board.publish(f);
    return f;
  }

  private void request(String host, String name, boolean ok, long ms) {
    recorders.get(host).record(name, ok, ms);
    counts.get(host).computeIfAbsent(name, n -> new long[2])[ok ? 0 : 1]++;
    if (ok && name.equals("upload")) {
      bytes.merge(host, 2_000_000L, Long::sum);
    }
  }

  private Reading reading(String host) {
    Map<String, Reading.RequestTotals> requests = new LinkedHashMap<>();
    recorders
        .get(host)
        .snapshot()
        .forEach(
            (name, pair) -> {
              long[] c = counts.get(host).get(name);
              requests.put(
                  name,
                  new Reading.RequestTotals(
                      c[0], c[1], ResponseTimes.decode(pair.get("ok"), pair.get("ko"))));
            });
    return new Reading(now, board.t0(), 10, 10, bytes.get(host), false, requests);
  }

  private HealthSample sample(double cpu) {
    return new HealthSample(
        now,
        2000,
        2,
        cpu,
        1.2,
        4L << 30,
        8L << 30,
        "eth0",
        20e6,
        1e6,
        300,
        400L << 20,
        40,
        100L << 20,
        512L << 20,
        1.5);
  }
}
