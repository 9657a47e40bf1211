package dev.loadfleet.live;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One host's progress file as the launcher read it: what its students had done so far.
 *
 * @param time when the file was written, in the host's clock (epoch ms)
 * @param injectionStart when its first student started, in the host's clock (0 before)
 * @param bytesUploaded bytes of recordings its OK uploads carried
 * @param requests per request name, the totals so far
 * @param finished the simulation wrote its last state
 */
public record Reading(
    long time,
    long injectionStart,
    long usersStarted,
    long usersActive,
    long bytesUploaded,
    boolean finished,
    Map<String, RequestTotals> requests) {

  public Reading {
    requests = Collections.unmodifiableMap(new TreeMap<>(requests));
  }

  /**
   * One request name's totals.
   *
   * @param times its response times so far; empty (count 0) when the injector records none
   */
  public record RequestTotals(long ok, long ko, ResponseTimes times) {
    public long count() {
      return ok + ko;
    }

    /** Whether the response times cover these requests (an injector may record none). */
    boolean timed() {
      return times.count() > 0 || count() == 0;
    }
  }

  public long requestCount() {
    return requests.values().stream().mapToLong(RequestTotals::count).sum();
  }

  public long ko() {
    return requests.values().stream().mapToLong(RequestTotals::ko).sum();
  }
}
