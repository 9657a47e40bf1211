package dev.loadfleet.health;

import java.util.Locale;

/**
 * One host's latest health as a short line for the launcher's live view, e.g. {@code cpu 85%! load
 * 3.1 nic 77% (96 MB/s) mem 5.1G free fds 612 rss 700M heap 300/512M gc 1.5%}. A {@code !} marks a
 * figure above its saturation threshold right now; the flag itself needs a sustained stretch
 * ({@link Saturation}).
 */
public final class HealthLine {
  private HealthLine() {}

  public static String of(HealthSample s, long nicBitsPerSecond, Saturation.Settings settings) {
    double nicPct = s.nicTxPct(nicBitsPerSecond);
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "cpu %.0f%%", s.cpuBusyPct()))
        .append(s.cpuBusyPct() > settings.cpuThresholdPct() ? "!" : "")
        .append(String.format(Locale.ROOT, " load %.1f nic %.0f%%", s.load1(), nicPct))
        .append(nicPct > settings.nicThresholdPct() ? "!" : "")
        .append(
            String.format(
                Locale.ROOT,
                " (%.0f MB/s) mem %.1fG free",
                s.netTxBytesPerSec() / 1e6,
                s.memAvailableBytes() / (double) (1L << 30)));
    if (s.openFds() >= 0) {
      line.append(" fds ").append(s.openFds());
    }
    if (s.processRssBytes() >= 0) {
      line.append(" rss ").append(s.processRssBytes() >> 20).append('M');
    }
    if (s.heapUsedBytes() >= 0) {
      line.append(" heap ")
          .append(s.heapUsedBytes() >> 20)
          .append('/')
          .append(s.heapCommittedBytes() >> 20)
          .append('M');
    }
    if (s.gcPct() >= 0) {
      line.append(String.format(Locale.ROOT, " gc %.1f%%", s.gcPct()));
    }
    return line.toString();
  }
}
