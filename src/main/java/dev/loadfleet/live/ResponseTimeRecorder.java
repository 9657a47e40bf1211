package dev.loadfleet.live;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records the injector's response times per request name, OK and KO apart, for its progress file.
 * {@link #record} is called by the simulation's requests on any thread and costs a few atomic
 * operations (HdrHistogram's wait-free {@link Recorder}); {@link #snapshot} is called by the one
 * thread that writes the progress file, moves what was recorded since its last call into the
 * running totals, and returns those totals encoded.
 *
 * <p>The file carries the totals since the start rather than each interval's times: the launcher
 * subtracts the totals it read at its previous poll, which gives it exactly the times of the
 * interval between its polls however many writes it missed (a slow poll, a host lost for a while).
 */
public final class ResponseTimeRecorder {
  private static final class Kind {
    final Recorder ok = new Recorder(ResponseTimes.DIGITS);
    final Recorder ko = new Recorder(ResponseTimes.DIGITS);
    final Histogram okTotal = ResponseTimes.histogram();
    final Histogram koTotal = ResponseTimes.histogram();
    // Recycled between snapshots; each must go back to the Recorder that made it.
    Histogram okSpare;
    Histogram koSpare;
  }

  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

  /**
   * Records one response time.
   *
   * @param name the request's name, e.g. "upload"
   * @param ok whether the request succeeded
   * @param millis its response time as Gatling measured it (negative values count as 0)
   */
  public void record(String name, boolean ok, long millis) {
    Kind k = kinds.computeIfAbsent(name, n -> new Kind());
    (ok ? k.ok : k.ko).recordValue(Math.max(0, millis));
  }

  /**
   * The totals since the start, per request name in name order: name -> {"ok": base64, "ko":
   * base64}. Called by one thread only.
   */
  public synchronized Map<String, Map<String, String>> snapshot() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    kinds.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Kind k = e.getValue();
              k.okSpare = k.ok.getIntervalHistogram(k.okSpare);
              k.okTotal.add(k.okSpare);
              k.koSpare = k.ko.getIntervalHistogram(k.koSpare);
              k.koTotal.add(k.koSpare);
              Map<String, String> pair = new LinkedHashMap<>();
              pair.put("ok", ResponseTimes.encode(k.okTotal));
              pair.put("ko", ResponseTimes.encode(k.koTotal));
              out.put(e.getKey(), pair);
            });
    return out;
  }
}
