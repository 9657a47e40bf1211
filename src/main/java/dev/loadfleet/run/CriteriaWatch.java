package dev.loadfleet.run;

import dev.loadfleet.config.StopCriterion;
import dev.loadfleet.live.Frame;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Judges the stop criteria on the merged live figures at every poll.
 *
 * <p>At a poll, a criterion's figure is that of the requests answered since the previous poll,
 * fleet-wide (ko, p50, p95, p99, of one request name or of all), or each injector's newest health
 * sample (injectorSaturated: CPU or NIC above the saturation thresholds). A poll that brings no
 * such figure (no request of that name answered, no new sample) is no evidence either way: it
 * neither breaks nor extends a stretch. A figure beyond the threshold starts or extends the
 * stretch, from the start of the interval it covers; one within breaks it. A criterion fires at a
 * poll whose figure is beyond the threshold when the figures of its stretch cover its window, from
 * the start of the first interval to the end of the newest (the injectors' clocks, corrected): an
 * injector writes its progress every few seconds, so a poll's newest figures may end seconds before
 * the poll, and the window is judged on what was measured, not on when it was read. With the
 * condition true from some instant on, it fires at the first poll that brings figures past that
 * instant plus the window. injectorSaturated holds per injector: one host must stay saturated for
 * the window, by its samples' times.
 */
final class CriteriaWatch {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  /** Values kept per stretch for the record (a 10-minute window at 2 s polls is 300). */
  private static final int MAX_VALUES = 600;

  /** A stretch of polls over which a criterion held (for one injector, or the fleet). */
  private static final class Stretch {
    long since = -1;
    long until = -1;
    final List<FiredCriterion.Value> values = new ArrayList<>();

    boolean holding() {
      return since >= 0;
    }

    /** Extends the stretch by the figure {@code v} of the interval from {@code from} on. */
    void hold(long from, FiredCriterion.Value v) {
      if (since < 0) {
        since = from;
      }
      until = Math.max(until, v.atMs());
      values.add(v);
      if (values.size() > MAX_VALUES) {
        values.remove(0);
      }
    }

    /** How long the figures of the stretch span, first interval's start to newest's end. */
    long covered() {
      return until - since;
    }

    void breakOff() {
      since = -1;
      until = -1;
      values.clear();
    }
  }

  /**
   * What the criteria say at one poll.
   *
   * @param views each criterion's state, for the live view and the dashboard
   * @param fired the first criterion that held for its window, as the run's stop reason
   */
  record Judgement(List<Frame.CriterionView> views, Optional<StopReason> fired) {}

  private final List<StopCriterion> criteria;
  private final List<Map<String, Stretch>> stretches = new ArrayList<>();
  private final List<String> latest = new ArrayList<>();
  private final Map<String, Long> lastSample = new HashMap<>();

  CriteriaWatch(List<StopCriterion> criteria) {
    this.criteria = List.copyOf(criteria);
    for (int i = 0; i < criteria.size(); i++) {
      stretches.add(new LinkedHashMap<>());
      latest.add(null);
    }
  }

  boolean any() {
    return !criteria.isEmpty();
  }

  Judgement judge(Frame frame) {
    long now = frame.time();
    Map<String, Frame.Health> newSamples = newSamples(frame);
    List<Frame.CriterionView> views = new ArrayList<>();
    StopReason fired = null;
    for (int i = 0; i < criteria.size(); i++) {
      StopCriterion c = criteria.get(i);
      Map<String, Stretch> byKey = stretches.get(i);
      boolean confirmedNow = false;
      String firedOn = null;
      if (c.metric() == StopCriterion.Metric.INJECTOR_SATURATED) {
        for (Map.Entry<String, Frame.Health> e : newSamples.entrySet()) {
          Frame.Health h = e.getValue();
          Stretch s = byKey.computeIfAbsent(e.getKey(), k -> new Stretch());
          String text =
              String.format(
                  Locale.ROOT, "%s CPU %.0f%%, NIC %.0f%%", e.getKey(), h.cpuPct(), h.nicPct());
          latest.set(i, text);
          if (h.hot()) {
            s.hold(
                h.timeMs() - h.periodMs(), new FiredCriterion.Value(h.timeMs(), h.cpuPct(), text));
            if (s.covered() >= c.window().toMillis() && firedOn == null) {
              confirmedNow = true;
              firedOn = e.getKey();
            }
          } else {
            s.breakOff();
          }
        }
      } else {
        Optional<Evidence> ev = evidence(c, frame);
        Stretch s = byKey.computeIfAbsent("", k -> new Stretch());
        latest.set(i, null);
        if (ev.isPresent()) {
          latest.set(i, ev.get().text);
          if (c.exceeds(ev.get().value)) {
            s.hold(
                ev.get().from,
                new FiredCriterion.Value(ev.get().to, ev.get().value, ev.get().text));
            confirmedNow = s.covered() >= c.window().toMillis();
            firedOn = confirmedNow ? "" : null;
          } else {
            s.breakOff();
          }
        }
      }
      Stretch longest =
          byKey.values().stream()
              .filter(Stretch::holding)
              .min((a, b) -> Long.compare(a.since, b.since))
              .orElse(null);
      boolean firesNow = confirmedNow && fired == null;
      views.add(
          new Frame.CriterionView(
              c.text(),
              latest.get(i),
              longest == null ? null : longest.covered() / 1000.0,
              c.window().toMillis() / 1000.0,
              firesNow));
      if (firesNow) {
        fired = reason(c, byKey.get(firedOn), firedOn, now);
      }
    }
    return new Judgement(views, Optional.ofNullable(fired));
  }

  /** Each injector's sample that is newer than the one judged at the previous poll. */
  private Map<String, Frame.Health> newSamples(Frame frame) {
    Map<String, Frame.Health> fresh = new LinkedHashMap<>();
    for (Frame.HostFigures h : frame.hosts()) {
      if (!h.role().equals("injector") || h.lost() || h.health() == null) {
        continue;
      }
      Long seen = lastSample.get(h.name());
      if (seen == null || h.health().timeMs() > seen) {
        fresh.put(h.name(), h.health());
        lastSample.put(h.name(), h.health().timeMs());
      }
    }
    return fresh;
  }

  private record Evidence(long from, long to, double value, String text) {}

  /** The criterion's figure over the fleet's last interval, when there is one. */
  private static Optional<Evidence> evidence(StopCriterion c, Frame frame) {
    Frame.Window w = frame.fleet().interval();
    if (w == null) {
      return Optional.empty();
    }
    String of = c.request().map(r -> " of " + r).orElse("");
    if (c.metric() == StopCriterion.Metric.KO) {
      long requests;
      long ko;
      if (c.request().isPresent()) {
        Frame.RequestFigures r = w.byRequest().get(c.request().get());
        requests = r == null ? 0 : r.requests();
        ko = r == null ? 0 : r.ko();
      } else {
        requests = w.requests();
        ko = w.ko();
      }
      if (requests == 0) {
        return Optional.empty();
      }
      double pct = 100.0 * ko / requests;
      return Optional.of(
          new Evidence(
              w.fromMs(),
              w.toMs(),
              pct,
              String.format(Locale.ROOT, "KO%s %.1f%% (%d of %d)", of, pct, ko, requests)));
    }
    Long ms;
    if (c.request().isPresent()) {
      Frame.RequestFigures r = w.byRequest().get(c.request().get());
      ms = r == null ? null : percentile(r.p50(), r.p95(), r.p99(), c.metric());
    } else {
      ms = percentile(w.p50(), w.p95(), w.p99(), c.metric());
    }
    if (ms == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Evidence(
            w.fromMs(),
            w.toMs(),
            ms,
            c.metric().key()
                + of
                + " "
                + (ms >= 1000 ? String.format(Locale.ROOT, "%.2f s", ms / 1000.0) : ms + " ms")));
  }

  private static Long percentile(Long p50, Long p95, Long p99, StopCriterion.Metric m) {
    return switch (m) {
      case P50 -> p50;
      case P95 -> p95;
      case P99 -> p99;
      default -> null;
    };
  }

  private static StopReason reason(StopCriterion c, Stretch s, String host, long now) {
    boolean saturation = c.metric() == StopCriterion.Metric.INJECTOR_SATURATED;
    FiredCriterion fired =
        new FiredCriterion(
            c.text(),
            c.metric().key(),
            c.request().orElse(null),
            saturation ? null : (c.orEqual() ? ">= " : "> ") + c.thresholdText(),
            c.window().toMillis(),
            s.since,
            now,
            saturation ? host : null,
            s.values);
    FiredCriterion.Value last = s.values.get(s.values.size() - 1);
    double min = s.values.stream().mapToDouble(FiredCriterion.Value::value).min().orElse(0);
    double max = s.values.stream().mapToDouble(FiredCriterion.Value::value).max().orElse(0);
    String unit = c.metric() == StopCriterion.Metric.KO || saturation ? "%" : " ms";
    String detail =
        "stop criterion "
            + c.text()
            + " held"
            + (saturation ? " on " + host : "")
            + " from "
            + CLOCK.format(Instant.ofEpochMilli(s.since))
            + " to "
            + CLOCK.format(Instant.ofEpochMilli(now))
            + ": "
            + last.text()
            + " at the last poll"
            + (s.values.size() > 1
                ? String.format(
                    Locale.ROOT,
                    " (%s%s to %s%s over %d polls)",
                    number(min),
                    unit,
                    number(max),
                    unit,
                    s.values.size())
                : "");
    return StopReason.criterion(fired, detail);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
