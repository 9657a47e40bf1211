package dev.loadfleet.merge;

import java.util.List;

/**
 * One record after the run header. Times are milliseconds since the run start of the file the
 * record belongs to, as Gatling writes them.
 */
public sealed interface LogRecord {
  /** Record header bytes (io.gatling.core.stats.writer.RecordHeader at v3.15.1). */
  byte RUN = 0;

  byte REQUEST = 1;
  byte USER = 2;
  byte GROUP = 3;
  byte ERROR = 4;

  /**
   * The earliest time a record may carry, in ms from its run start. Gatling takes the run start
   * before any user starts, so a real time is never negative unless the host's clock stepped back
   * during the run; a minute covers such a step, anything earlier is damage.
   */
  int MIN_TIME_MS = -60_000;

  /**
   * The latest time a record may carry, in ms from its run start: a week. Gatling's int times end
   * at 24.8 days; a load test lasts hours, and a merged log needs room to shift its inputs onto one
   * start, so a later time is damage, not a run.
   */
  int MAX_TIME_MS = 7 * 86_400_000;

  /**
   * When Gatling's data writer emitted this record, as far as the record tells: a user record at
   * its timestamp, a request or group when it ended, an error when it happened. The merger
   * interleaves inputs by this time; see {@link LogMerger} for why.
   */
  int emittedAt();

  /** The record's earliest time (ms from its run start). */
  default int earliest() {
    return emittedAt();
  }

  /** The record's latest time (ms from its run start). */
  default int latest() {
    return emittedAt();
  }

  /** The same record with every time moved by {@code deltaMs} and its scenario renumbered. */
  LogRecord rebased(int deltaMs, int[] scenarioMap);

  /** A record that lasted from {@code start} to {@code end}: written when it ended. */
  sealed interface Span extends LogRecord permits Request, Group {
    int start();

    int end();

    @Override
    default int emittedAt() {
      return end();
    }

    @Override
    default int earliest() {
      return Math.min(start(), end());
    }

    @Override
    default int latest() {
      return Math.max(start(), end());
    }
  }

  /** A virtual user starting or ending. */
  record User(int scenario, boolean start, int time) implements LogRecord {
    @Override
    public int emittedAt() {
      return time;
    }

    @Override
    public LogRecord rebased(int deltaMs, int[] scenarioMap) {
      return new User(scenarioMap[scenario], start, Math.addExact(time, deltaMs));
    }
  }

  /** A request's outcome; {@code message} is "" when there is none. */
  record Request(List<String> groups, String name, int start, int end, boolean ok, String message)
      implements Span {

    @Override
    public LogRecord rebased(int deltaMs, int[] scenarioMap) {
      return new Request(
          groups, name, Math.addExact(start, deltaMs), Math.addExact(end, deltaMs), ok, message);
    }
  }

  /** A group's outcome. */
  record Group(List<String> groups, int start, int end, int cumulatedResponseTime, boolean ok)
      implements Span {

    @Override
    public LogRecord rebased(int deltaMs, int[] scenarioMap) {
      return new Group(
          groups,
          Math.addExact(start, deltaMs),
          Math.addExact(end, deltaMs),
          cumulatedResponseTime,
          ok);
    }
  }

  /** An error outside any request (a crashed session, a failed check on a non-request action). */
  record Error(String message, int time) implements LogRecord {
    @Override
    public int emittedAt() {
      return time;
    }

    @Override
    public LogRecord rebased(int deltaMs, int[] scenarioMap) {
      return new Error(message, Math.addExact(time, deltaMs));
    }
  }
}
