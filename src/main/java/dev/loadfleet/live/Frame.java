package dev.loadfleet.live;

import java.util.List;
import java.util.Map;

/**
 * The live figures at one poll, fleet-wide and per host, as the terminal view, the dashboard (as
 * JSON) and the stop criteria read them. Immutable. A figure that cannot be known (no request in
 * the interval, a lost host) is null, never a stale value.
 *
 * @param seq 1, 2, 3, ... in poll order
 * @param time the poll, in the launcher's clock (epoch ms)
 * @param elapsedMs since T0 (negative before it)
 * @param fleet every injector's figures merged
 * @param hosts each injector, then the service's host if it is sampled
 * @param criteria the stop criteria, as of this poll
 * @param status where the run is: watching, stopping, collecting, reported
 * @param stop why the run is ending early, once it is (null before)
 * @param report the report's address on the dashboard, once it is built (null before)
 */
public record Frame(
    long seq,
    long time,
    long elapsedMs,
    Figures fleet,
    List<HostFigures> hosts,
    List<CriterionView> criteria,
    String status,
    String stop,
    String report) {

  public Frame {
    hosts = List.copyOf(hosts);
    criteria = List.copyOf(criteria);
  }

  public Frame withCriteria(List<CriterionView> views) {
    return new Frame(seq, time, elapsedMs, fleet, hosts, views, status, stop, report);
  }

  public Frame withStatus(String newStatus, String newStop, String newReport) {
    return new Frame(seq, time, elapsedMs, fleet, hosts, criteria, newStatus, newStop, newReport);
  }

  /**
   * Students and requests of a host or of the fleet.
   *
   * @param interval since the previous poll's readings (null when no host wrote anything new)
   * @param total since the start
   */
  public record Figures(
      long usersActive, long usersStarted, long usersPlanned, Window interval, Window total) {}

  /**
   * The requests of a span of time.
   *
   * @param fromMs start of the span, launcher clock
   * @param toMs end of the span, launcher clock
   * @param koPct KO as a % of the requests; null without requests
   * @param uploadMBps recording bytes of OK uploads per second, in MB (10^6 bytes)
   * @param byRequest per request name
   * @param p50 of every request's time, whatever its name (null without a time)
   */
  public record Window(
      long fromMs,
      long toMs,
      long requests,
      long ko,
      Double koPct,
      double requestsPerSec,
      double uploadMBps,
      Map<String, RequestFigures> byRequest,
      Long p50,
      Long p95,
      Long p99) {}

  /**
   * One request name over a window. Percentiles cover OK and KO alike, as summary.json's do; null
   * without a response time in the window.
   */
  public record RequestFigures(
      long requests, long ko, Double koPct, double requestsPerSec, Long p50, Long p95, Long p99) {}

  /**
   * One host.
   *
   * @param role "injector" or "service"
   * @param state running, lost, finished, failed, stopped, ...
   * @param figures its students and requests; null for the service's host, before its first
   *     reading, and while it is lost
   * @param health its latest health sample; null before the first and while it is lost
   * @param healthNote the health sampler's line for it (figures, saturation so far, or why there is
   *     no sample)
   */
  public record HostFigures(
      String name,
      String role,
      String state,
      boolean lost,
      String message,
      Figures figures,
      Health health,
      String healthNote) {}

  /**
   * A host's latest health sample, in the units people read.
   *
   * @param timeMs when it was taken, launcher clock
   * @param periodMs the span it averages over, ending at timeMs
   * @param nicPct bytes sent as a % of the declared NIC speed
   * @param hot CPU or NIC above its saturation threshold in this sample
   */
  public record Health(
      long timeMs,
      long periodMs,
      int cpus,
      double cpuPct,
      double load1,
      double netTxMBps,
      double netRxMBps,
      double nicPct,
      double memUsedPct,
      long memAvailableBytes,
      long rssBytes,
      long heapUsedBytes,
      long heapCommittedBytes,
      double gcPct,
      boolean hot) {}

  /**
   * One stop criterion as of this poll.
   *
   * @param name how it reads, e.g. "ko > 10% for 30s"
   * @param value its figure at this poll, in words (e.g. "KO 14.2%"); null without evidence
   * @param heldSeconds how long it has held so far; null when it does not hold
   * @param fired it held for its window and ended the run
   */
  public record CriterionView(
      String name, String value, Double heldSeconds, double windowSeconds, boolean fired) {}
}
