package dev.loadfleet.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations and sizes of the workload files and {@code -D} overrides.
 *
 * <p>Durations: {@code "30"} (seconds), {@code "30s"}, {@code "2m"}, {@code "1h"}, {@code "7d"},
 * {@code "500ms"}. Sizes: {@code "2000000"} (bytes), {@code "17.5MB"} (decimal, 10^6), {@code
 * "2MiB"} (binary, 2^20), likewise kB/KiB, GB/GiB. Decimal MB is the default reading because the
 * guide's "17.5 MB" recordings and its 291 MB/s arithmetic are decimal.
 */
public final class Quantities {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)?");

  private Quantities() {}

  /** A non-negative duration; a bare number is seconds. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (examples: 30, 30s, 2m, 1h, 1d, 500ms)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    long millisPerUnit =
        switch (unit) {
          case "ms" -> 1;
          case "s" -> 1_000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          default -> 86_400_000;
        };
    try {
      return Duration.ofMillis(
          amount
              .multiply(BigDecimal.valueOf(millisPerUnit))
              .setScale(0, RoundingMode.HALF_UP)
              .longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  /** A non-negative byte count; a bare number is bytes, MB is 10^6 and MiB is 2^20. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (examples: 2000000, 17.5MB, 2MiB, 512KiB)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long factor =
        switch (unit) {
          case "B" -> 1L;
          case "kB", "KB" -> 1_000L;
          case "KiB" -> 1L << 10;
          case "MB" -> 1_000_000L;
          case "MiB" -> 1L << 20;
          case "GB" -> 1_000_000_000L;
          default -> 1L << 30;
        };
    try {
      return amount
          .multiply(BigDecimal.valueOf(factor))
          .setScale(0, RoundingMode.HALF_UP)
          .longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size", e);
    }
  }

  /** A size for people: "17.5 MB (17500000 bytes)". */
  public static String formatSize(long bytes) {
    return BigDecimal.valueOf(bytes, 6).stripTrailingZeros().toPlainString()
        + " MB ("
        + bytes
        + " bytes)";
  }
}
