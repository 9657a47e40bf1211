package dev.loadfleet.units;

import java.math.BigDecimal;
import java.math.MathContext;

/** Number formatting shared by the plan's messages, so every figure reads the same way. */
public final class Units {
  private Units() {}

  /** Three significant figures, no exponent, no trailing zeros: 2.33, 291, 0.0467, 1000. */
  public static String decimal(double value) {
    if (value == 0 || !Double.isFinite(value)) {
      return value == 0 ? "0" : String.valueOf(value);
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(3));
    return rounded.stripTrailingZeros().toPlainString();
  }

  /** Decimal megabytes per second (10^6 B/s), the unit the guide's "291 MB/s" is written in. */
  public static String megabytesPerSecond(double bytesPerSecond) {
    return decimal(bytesPerSecond / 1e6) + " MB/s";
  }

  /** Memory in GiB (what `free -g` and /proc/meminfo readers expect), three significant figures. */
  public static String gibibytes(double bytes) {
    return decimal(bytes / (1L << 30)) + " GiB";
  }
}
