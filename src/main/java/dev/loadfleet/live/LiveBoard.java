package dev.loadfleet.live;

import dev.loadfleet.health.HealthSample;
import dev.loadfleet.health.Saturation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the hosts' progress at every poll into the run's live figures ({@link Frame}s) and keeps
 * them for the dashboard. Each host's progress carries its totals since the start, response-time
 * histograms included, so the interval since the previous poll is their difference (exact, however
 * many writes a poll missed) and the fleet's figures are sums: fleet-wide percentiles are those of
 * the merged histograms, never an average of the hosts' percentiles.
 *
 * <p>One thread (the run's watch) calls {@link #next} and {@link #publish}; any thread may read.
 */
public final class LiveBoard {
  /** Frames kept for the dashboard's charts; past this the older half is thinned to every other. */
  static final int HISTORY = 4000;

  private final String runId;
  private final long t0;
  private final Saturation.Settings thresholds;
  private final Map<String, Reading> previous = new HashMap<>();
  private final List<Frame> history = new ArrayList<>();
  private volatile Frame latest;
  private volatile Totals totals = new Totals(Map.of(), Map.of(), Map.of());
  private long seq;

  /**
   * @param t0 the run's common start, launcher clock (epoch ms)
   */
  public LiveBoard(String runId, long t0) {
    this(runId, t0, Saturation.Settings.DEFAULTS);
  }

  LiveBoard(String runId, long t0, Saturation.Settings thresholds) {
    this.runId = runId;
    this.t0 = t0;
    this.thresholds = thresholds;
  }

  public String runId() {
    return runId;
  }

  public long t0() {
    return t0;
  }

  /**
   * The totals since the start as of the latest {@link #next}: per host, its latest reading (a lost
   * host keeps its last, the requests it made happened), and the fleet's per request name.
   *
   * @param up per host: answering (not lost)
   */
  public record Totals(
      Map<String, Reading> hosts,
      Map<String, Reading.RequestTotals> fleet,
      Map<String, Boolean> up) {}

  /**
   * The figures of this poll, not yet published: the run adds the stop criteria's state, then
   * {@link #publish}es it.
   *
   * @param now the poll, launcher clock (epoch ms)
   */
  public synchronized Frame next(long now, List<HostInput> inputs) {
    Tally fleetInterval = new Tally();
    Tally fleetTotal = new Tally();
    long active = 0;
    long started = 0;
    long planned = 0;
    List<Frame.HostFigures> hosts = new ArrayList<>();
    Map<String, Reading> totalsByHost = new LinkedHashMap<>();
    Map<String, Boolean> up = new LinkedHashMap<>();
    for (HostInput in : inputs) {
      up.put(in.name(), !in.lost());
      Frame.Health health =
          in.lost() ? null : in.health().map(s -> health(s, in.nicBitsPerSecond())).orElse(null);
      if (in.role() == HostInput.Role.SERVICE) {
        hosts.add(hostFigures(in, null, health));
        continue;
      }
      planned += in.usersPlanned();
      Frame.Figures figures = null;
      if (in.reading().isPresent()) {
        Reading r = in.reading().get();
        totalsByHost.put(in.name(), r);
        started += r.usersStarted();
        long offset = in.clockOffsetMs();
        long hostStart = r.injectionStart() > 0 ? r.injectionStart() : r.time();
        Tally total = new Tally();
        total.add(r, zero(hostStart), offset);
        fleetTotal.add(r, zero(hostStart), offset);
        Frame.Window interval = null;
        Reading before = previous.get(in.name());
        if (!in.lost() && (before == null || r.time() > before.time())) {
          Reading from = before == null ? zero(hostStart) : before;
          Tally tally = new Tally();
          tally.add(r, from, offset);
          fleetInterval.add(r, from, offset);
          interval = tally.window();
          previous.put(in.name(), r);
        }
        if (!in.lost()) {
          active += r.usersActive();
          figures =
              new Frame.Figures(
                  r.usersActive(), r.usersStarted(), in.usersPlanned(), interval, total.window());
        }
      }
      hosts.add(hostFigures(in, figures, health));
    }
    Frame.Window fleetTotalWindow = fleetTotal.window(t0, now);
    Frame.Figures fleet =
        new Frame.Figures(
            active,
            started,
            planned,
            fleetInterval.empty() ? null : fleetInterval.window(),
            fleetTotalWindow);
    totals = new Totals(totalsByHost, fleetTotal.requestTotals(), up);
    Frame last = latest;
    return new Frame(
        ++seq,
        now,
        now - t0,
        fleet,
        hosts,
        List.of(),
        last == null ? "watching" : last.status(),
        last == null ? null : last.stop(),
        last == null ? null : last.report());
  }

  private static Frame.HostFigures hostFigures(
      HostInput in, Frame.Figures figures, Frame.Health health) {
    return new Frame.HostFigures(
        in.name(),
        in.role().text(),
        in.state(),
        in.lost(),
        in.message(),
        figures,
        health,
        in.lost() ? "" : in.healthNote());
  }

  /** Makes {@code frame} the latest, for every reader. */
  public synchronized void publish(Frame frame) {
    history.add(frame);
    if (history.size() > HISTORY) {
      List<Frame> thinned = new ArrayList<>();
      int half = history.size() / 2;
      for (int i = 0; i < history.size(); i++) {
        if (i >= half || i % 2 == 0) {
          thinned.add(history.get(i));
        }
      }
      history.clear();
      history.addAll(thinned);
    }
    latest = frame;
  }

  /**
   * Says where the run is (e.g. "collecting", "reported") on a new frame with the latest figures.
   *
   * @param stop why the run ends early, or null
   * @param report the report's address, or null
   */
  public synchronized void status(String status, String stop, String report) {
    Frame last = latest;
    if (last == null) {
      return;
    }
    Frame f =
        new Frame(
            ++seq,
            System.currentTimeMillis(),
            System.currentTimeMillis() - t0,
            last.fleet(),
            last.hosts(),
            last.criteria(),
            status,
            stop == null ? last.stop() : stop,
            report == null ? last.report() : report);
    publish(f);
  }

  /** The latest published frame, or null before the first. */
  public Frame latest() {
    return latest;
  }

  /** The published frames after {@code seq}, oldest first. */
  public synchronized List<Frame> since(long afterSeq) {
    return history.stream().filter(f -> f.seq() > afterSeq).toList();
  }

  public Totals totals() {
    return totals;
  }

  private Frame.Health health(HealthSample s, long nicBitsPerSecond) {
    double nicPct = nicBitsPerSecond > 0 ? s.nicTxPct(nicBitsPerSecond) : 0;
    return new Frame.Health(
        s.timeMs(),
        s.periodMs(),
        s.cpus(),
        s.cpuBusyPct(),
        s.load1(),
        s.netTxBytesPerSec() / 1e6,
        s.netRxBytesPerSec() / 1e6,
        nicPct,
        s.memUsedPct(),
        s.memAvailableBytes(),
        s.processRssBytes(),
        s.heapUsedBytes(),
        s.heapCommittedBytes(),
        s.gcPct(),
        s.cpuBusyPct() > thresholds.cpuThresholdPct()
            || (nicBitsPerSecond > 0 && nicPct > thresholds.nicThresholdPct()));
  }

  /** Nothing done yet, at {@code time} (host clock): the start of a host's first interval. */
  private static Reading zero(long time) {
    return new Reading(time, time, 0, 0, 0, false, Map.of());
  }

  /** Sums of several hosts' differences between two readings each. */
  private static final class Tally {
    private long from = Long.MAX_VALUE;
    private long to = Long.MIN_VALUE;
    private long bytes;
    private double requestsPerSec;
    private double uploadBytesPerSec;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final Map<String, Double> rates = new TreeMap<>();
    private final Map<String, ResponseTimes> times = new TreeMap<>();
    private boolean any;

    /** Adds what one host did between {@code before} and {@code after}. */
    void add(Reading after, Reading before, long clockOffsetMs) {
      any = true;
      from = Math.min(from, before.time() - clockOffsetMs);
      to = Math.max(to, after.time() - clockOffsetMs);
      double seconds = (after.time() - before.time()) / 1000.0;
      long db = after.bytesUploaded() - before.bytesUploaded();
      bytes += db;
      long requests = 0;
      for (Map.Entry<String, Reading.RequestTotals> e : after.requests().entrySet()) {
        Reading.RequestTotals now = e.getValue();
        Reading.RequestTotals then = before.requests().get(e.getKey());
        long ok = now.ok() - (then == null ? 0 : then.ok());
        long ko = now.ko() - (then == null ? 0 : then.ko());
        long[] c = counts.computeIfAbsent(e.getKey(), k -> new long[2]);
        c[0] += ok;
        c[1] += ko;
        requests += ok + ko;
        if (seconds > 0) {
          rates.merge(e.getKey(), (ok + ko) / seconds, Double::sum);
        }
        ResponseTimes t =
            then == null || !then.timed() ? now.times().copy() : now.times().since(then.times());
        times.merge(
            e.getKey(),
            t,
            (a, b) -> {
              a.add(b);
              return a;
            });
      }
      if (seconds > 0) {
        requestsPerSec += requests / seconds;
        uploadBytesPerSec += db / seconds;
      }
    }

    boolean empty() {
      return !any;
    }

    /** The window the hosts' own spans cover, their rates summed. */
    Frame.Window window() {
      return build(from, to, requestsPerSec, uploadBytesPerSec, rates);
    }

    /** The window from {@code fromMs} to {@code toMs}, rates over that span (launcher clock). */
    Frame.Window window(long fromMs, long toMs) {
      double seconds = (toMs - fromMs) / 1000.0;
      Map<String, Double> r = new TreeMap<>();
      long requests = 0;
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        long n = e.getValue()[0] + e.getValue()[1];
        requests += n;
        r.put(e.getKey(), seconds > 0 ? n / seconds : 0);
      }
      return build(
          fromMs, toMs, seconds > 0 ? requests / seconds : 0, seconds > 0 ? bytes / seconds : 0, r);
    }

    private Frame.Window build(
        long fromMs, long toMs, double rps, double bytesPerSec, Map<String, Double> r) {
      long requests = 0;
      long ko = 0;
      ResponseTimes every = ResponseTimes.empty();
      times.values().forEach(every::add);
      boolean everyTimed = every.count() > 0;
      Map<String, Frame.RequestFigures> byRequest = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        long n = e.getValue()[0] + e.getValue()[1];
        long k = e.getValue()[1];
        requests += n;
        ko += k;
        ResponseTimes t = times.get(e.getKey());
        boolean timed = t != null && t.count() > 0;
        byRequest.put(
            e.getKey(),
            new Frame.RequestFigures(
                n,
                k,
                n == 0 ? null : 100.0 * k / n,
                r.getOrDefault(e.getKey(), 0.0),
                timed ? t.percentile(50) : null,
                timed ? t.percentile(95) : null,
                timed ? t.percentile(99) : null));
      }
      return new Frame.Window(
          any ? fromMs : toMs,
          toMs,
          requests,
          ko,
          requests == 0 ? null : 100.0 * ko / requests,
          rps,
          bytesPerSec / 1e6,
          byRequest,
          everyTimed ? every.percentile(50) : null,
          everyTimed ? every.percentile(95) : null,
          everyTimed ? every.percentile(99) : null);
    }

    /** The summed totals per request name (response times merged). */
    Map<String, Reading.RequestTotals> requestTotals() {
      Map<String, Reading.RequestTotals> out = new TreeMap<>();
      counts.forEach(
          (name, c) ->
              out.put(
                  name,
                  new Reading.RequestTotals(
                      c[0], c[1], times.getOrDefault(name, ResponseTimes.empty()))));
      return out;
    }
  }
}
