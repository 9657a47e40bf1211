package dev.loadfleet.live;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live figures for Prometheus, read from the {@link LiveBoard} at every scrape through the
 * official client's model (the client writes the text and OpenMetrics formats). Every series has a
 * {@code run} label.
 *
 * <ul>
 *   <li>fleet-wide: {@code loadfleet_requests_total{request,status}}, {@code
 *       loadfleet_upload_bytes_total}, {@code loadfleet_users_active|started|planned}, {@code
 *       loadfleet_response_time_seconds{request}} (a histogram);
 *   <li>per host: the same as {@code loadfleet_host_*} with a {@code host} label, {@code
 *       loadfleet_host_up{host,role}} (0 while lost), and the health of injectors and the service's
 *       host: CPU, load, NIC, memory, and the injector JVM's RSS, heap and GC;
 *   <li>{@code loadfleet_stop_criterion_held_seconds{criterion}} and {@code
 *       loadfleet_stop_criterion_fired{criterion}}.
 * </ul>
 *
 * A lost host keeps its counters (its requests happened) and loses its gauges: no stale value. The
 * histograms' buckets are counted exactly from the hosts' HdrHistograms.
 */
public final class LiveMetrics implements MultiCollector {
  /** Bucket bounds in seconds, from a heartbeat's milliseconds to an upload's minutes. */
  static final double[] BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120
  };

  private final LiveBoard board;

  public LiveMetrics(LiveBoard board) {
    this.board = board;
  }

  @Override
  public MetricSnapshots collect() {
    Frame frame = board.latest();
    LiveBoard.Totals totals = board.totals();
    String run = board.runId();
    List<MetricSnapshot> out = new ArrayList<>();

    // Fleet-wide.
    CounterSnapshot.Builder requests =
        CounterSnapshot.builder()
            .name("loadfleet_requests")
            .help("Requests the injectors made, by request name and OK/KO");
    HistogramSnapshot.Builder times =
        HistogramSnapshot.builder()
            .name("loadfleet_response_time_seconds")
            .help("Response times of every injector's requests, OK and KO, by request name");
    totals
        .fleet()
        .forEach(
            (name, t) -> {
              requests.dataPoint(counter(t.ok(), "run", run, "request", name, "status", "ok"));
              requests.dataPoint(counter(t.ko(), "run", run, "request", name, "status", "ko"));
              times.dataPoint(histogram(t.times(), Labels.of("run", run, "request", name)));
            });
    out.add(requests.build());
    out.add(times.build());
    long bytes = totals.hosts().values().stream().mapToLong(Reading::bytesUploaded).sum();
    out.add(
        CounterSnapshot.builder()
            .name("loadfleet_upload_bytes")
            .help("Recording bytes of every injector's OK uploads")
            .dataPoint(counter(bytes, "run", run))
            .build());
    if (frame != null) {
      out.add(
          gauge("loadfleet_users_active", "Students active now", frame.fleet().usersActive(), run));
      out.add(
          gauge(
              "loadfleet_users_started",
              "Students started so far",
              frame.fleet().usersStarted(),
              run));
      out.add(
          gauge(
              "loadfleet_users_planned",
              "Students in the plan",
              frame.fleet().usersPlanned(),
              run));
    }

    // Per host.
    CounterSnapshot.Builder hostRequests =
        CounterSnapshot.builder()
            .name("loadfleet_host_requests")
            .help("Requests one injector made, by request name and OK/KO");
    CounterSnapshot.Builder hostBytes =
        CounterSnapshot.builder()
            .name("loadfleet_host_upload_bytes")
            .help("Recording bytes of one injector's OK uploads");
    HistogramSnapshot.Builder hostTimes =
        HistogramSnapshot.builder()
            .name("loadfleet_host_response_time_seconds")
            .help("Response times of one injector's requests, OK and KO, by request name");
    totals
        .hosts()
        .forEach(
            (host, r) -> {
              hostBytes.dataPoint(counter(r.bytesUploaded(), "run", run, "host", host));
              r.requests()
                  .forEach(
                      (name, t) -> {
                        hostRequests.dataPoint(
                            counter(
                                t.ok(), "run", run, "host", host, "request", name, "status", "ok"));
                        hostRequests.dataPoint(
                            counter(
                                t.ko(), "run", run, "host", host, "request", name, "status", "ko"));
                        hostTimes.dataPoint(
                            histogram(
                                t.times(), Labels.of("run", run, "host", host, "request", name)));
                      });
            });
    out.add(hostRequests.build());
    out.add(hostBytes.build());
    out.add(hostTimes.build());
    if (frame != null) {
      hostGauges(frame, run, out);
      criteria(frame, run, out);
    }
    return new MetricSnapshots(out);
  }

  private static void hostGauges(Frame frame, String run, List<MetricSnapshot> out) {
    GaugeSnapshot.Builder up =
        GaugeSnapshot.builder()
            .name("loadfleet_host_up")
            .help("1 while the launcher hears from the host, 0 while it is lost");
    Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
    for (Frame.HostFigures h : frame.hosts()) {
      Labels labels = Labels.of("run", run, "host", h.name(), "role", h.role());
      up.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .value(h.lost() ? 0 : 1)
              .labels(labels)
              .build());
      if (h.lost()) {
        continue;
      }
      Frame.Figures f = h.figures();
      if (f != null) {
        Labels host = Labels.of("run", run, "host", h.name());
        add(
            gauges,
            "loadfleet_host_users_active",
            "Students active now on the host",
            host,
            f.usersActive());
        add(
            gauges,
            "loadfleet_host_users_started",
            "Students the host started so far",
            host,
            f.usersStarted());
        add(
            gauges,
            "loadfleet_host_users_planned",
            "Students in the host's share",
            host,
            f.usersPlanned());
      }
      Frame.Health health = h.health();
      if (health != null) {
        add(
            gauges,
            "loadfleet_host_cpu_busy_ratio",
            "CPU busy, all cores, 0-1",
            labels,
            health.cpuPct() / 100);
        add(gauges, "loadfleet_host_load1", "1-minute load average", labels, health.load1());
        add(
            gauges,
            "loadfleet_host_network_transmit_bytes_per_second",
            "Bytes the host's interface sent per second",
            labels,
            health.netTxMBps() * 1e6);
        add(
            gauges,
            "loadfleet_host_network_receive_bytes_per_second",
            "Bytes the host's interface received per second",
            labels,
            health.netRxMBps() * 1e6);
        add(
            gauges,
            "loadfleet_host_nic_utilization_ratio",
            "Bytes sent as a share of the declared NIC speed",
            labels,
            health.nicPct() / 100);
        add(
            gauges,
            "loadfleet_host_memory_used_ratio",
            "Memory in use (total minus available), 0-1",
            labels,
            health.memUsedPct() / 100);
        add(
            gauges,
            "loadfleet_host_memory_available_bytes",
            "Memory available for new work",
            labels,
            health.memAvailableBytes());
        addIfKnown(
            gauges,
            "loadfleet_injector_resident_memory_bytes",
            "The injector JVM's resident memory",
            labels,
            health.rssBytes());
        addIfKnown(
            gauges,
            "loadfleet_injector_heap_used_bytes",
            "The injector JVM's heap in use",
            labels,
            health.heapUsedBytes());
        addIfKnown(
            gauges,
            "loadfleet_injector_gc_ratio",
            "Share of time the injector JVM spent in GC, 0-1",
            labels,
            health.gcPct() < 0 ? -1 : health.gcPct() / 100);
      }
    }
    out.add(up.build());
    gauges.values().forEach(g -> out.add(g.build()));
  }

  private static void criteria(Frame frame, String run, List<MetricSnapshot> out) {
    if (frame.criteria().isEmpty()) {
      return;
    }
    GaugeSnapshot.Builder held =
        GaugeSnapshot.builder()
            .name("loadfleet_stop_criterion_held_seconds")
            .help("How long the stop criterion has held so far (0 when it does not)");
    GaugeSnapshot.Builder fired =
        GaugeSnapshot.builder()
            .name("loadfleet_stop_criterion_fired")
            .help("1 once the stop criterion held for its window and ended the run");
    for (Frame.CriterionView c : frame.criteria()) {
      Labels labels = Labels.of("run", run, "criterion", c.name());
      held.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .value(c.heldSeconds() == null ? 0 : c.heldSeconds())
              .labels(labels)
              .build());
      fired.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .value(c.fired() ? 1 : 0)
              .labels(labels)
              .build());
    }
    out.add(held.build());
    out.add(fired.build());
  }

  private static void add(
      Map<String, GaugeSnapshot.Builder> gauges,
      String name,
      String help,
      Labels labels,
      double v) {
    gauges
        .computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v).labels(labels).build());
  }

  /** A health figure the host could not tell is -1: left out rather than exported as -1. */
  private static void addIfKnown(
      Map<String, GaugeSnapshot.Builder> gauges,
      String name,
      String help,
      Labels labels,
      double v) {
    if (v >= 0) {
      add(gauges, name, help, labels, v);
    }
  }

  private static GaugeSnapshot gauge(String name, String help, double value, String run) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .value(value)
                .labels(Labels.of("run", run))
                .build())
        .build();
  }

  private static CounterSnapshot.CounterDataPointSnapshot counter(double value, String... labels) {
    return CounterSnapshot.CounterDataPointSnapshot.builder()
        .value(value)
        .labels(Labels.of(labels))
        .build();
  }

  /** A Prometheus histogram of response times, its buckets counted from the HdrHistograms. */
  static HistogramSnapshot.HistogramDataPointSnapshot histogram(ResponseTimes t, Labels labels) {
    double[] bounds = new double[BUCKETS.length + 1];
    long[] counts = new long[BUCKETS.length + 1];
    long below = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      long atOrBelow = t.countAtOrBelow(Math.round(BUCKETS[i] * 1000));
      bounds[i] = BUCKETS[i];
      counts[i] = atOrBelow - below; // per bucket, as the client's model takes them
      below = atOrBelow;
    }
    bounds[BUCKETS.length] = Double.POSITIVE_INFINITY;
    counts[BUCKETS.length] = t.count() - below;
    return HistogramSnapshot.HistogramDataPointSnapshot.builder()
        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
        .sum(t.sum() / 1000)
        .labels(labels)
        .build();
  }
}
