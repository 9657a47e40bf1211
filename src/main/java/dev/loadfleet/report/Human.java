package dev.loadfleet.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Figures as the report's pages show them: a unit after every number, thousands grouped, and only
 * the decimals that carry information (a KO rate of 0.52 % needs two, a p95 of 1,392 ms none).
 */
final class Human {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Human() {}

  /** A whole count: "1,234,567". */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A response time in ms: "1,392 ms"; "-" when there is none (-1). */
  static String ms(long ms) {
    return ms < 0 ? "-" : count(ms) + " ms";
  }

  /** A mean response time: "8.4 ms", "146 ms", "1,392 ms". */
  static String ms(double ms) {
    return decimals(ms, ms < 100 ? 1 : 0) + " ms";
  }

  /** A signed offset in ms: "+5,003 ms", "-22 ms", "0 ms". */
  static String signedMs(long ms) {
    return (ms > 0 ? "+" : ms < 0 ? "\u2212" : "") + count(Math.abs(ms)) + " ms";
  }

  /** A duration: "230 ms", "1.24 s", "2 min 05 s", "1 h 02 min". */
  static String duration(long ms) {
    long a = Math.abs(ms);
    String sign = ms < 0 ? "\u2212" : "";
    if (a < 1000) {
      return sign + a + " ms";
    }
    if (a < 60_000) {
      return sign + decimals(a / 1000.0, a < 10_000 ? 2 : 1) + " s";
    }
    long s = Math.round(a / 1000.0);
    if (s < 3600) {
      return sign + String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return sign + String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /** A percentage: "0 %", "0.52 %", "12.5 %", "97.0 %", "100 %". */
  static String percent(double p) {
    if (p == 0) {
      return "0 %";
    }
    double a = Math.abs(p);
    return decimals(p, a < 10 ? 2 : a < 100 ? 1 : 0) + " %";
  }

  /** Requests per second: "0.42/s", "11.2/s", "1,204/s". */
  static String perSecond(double rate) {
    double a = Math.abs(rate);
    return decimals(rate, a < 10 ? 2 : a < 100 ? 1 : 0) + "/s";
  }

  /** Decimal megabytes per second (10^6 B/s), as the workload's sizes: "97.2 MB/s". */
  static String megabytesPerSecond(double bytesPerSecond) {
    double mb = bytesPerSecond / 1e6;
    return decimals(mb, mb < 10 ? 2 : mb < 100 ? 1 : 0) + " MB/s";
  }

  /** Memory in binary units: "512 MiB", "14.3 GiB". */
  static String memory(double bytes) {
    double mib = bytes / (1 << 20);
    if (mib < 1024) {
      return decimals(mib, mib < 10 ? 1 : 0) + " MiB";
    }
    return decimals(mib / 1024, 1) + " GiB";
  }

  /** A link speed: "1 Gbit/s", "16 Mbit/s", "2.5 Gbit/s". */
  static String bitsPerSecond(double bits) {
    if (bits >= 1e9) {
      return trim(bits / 1e9) + " Gbit/s";
    }
    if (bits >= 1e6) {
      return trim(bits / 1e6) + " Mbit/s";
    }
    return trim(bits / 1e3) + " kbit/s";
  }

  /** An instant in UTC with its date: "2026-11-29 09:53:19 UTC". */
  static String instant(long epochMs) {
    return CLOCK.format(Instant.ofEpochMilli(epochMs));
  }

  /** A time of day in UTC: "09:53:19 UTC". */
  static String time(long epochMs) {
    return TIME.format(Instant.ofEpochMilli(epochMs));
  }

  /** A number with exactly {@code places} decimals and grouped thousands. */
  static String decimals(double v, int places) {
    return String.format(Locale.ROOT, "%,." + places + "f", v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
