package dev.loadfleet.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network link's speed in bits per second. Link speeds are decimal by convention (IEEE 802.3: 1
 * Gbps = 10^9 bit/s), so "1Gbps" = "1000Mbps" = 1 000 000 000 bit/s; there is no binary variant.
 */
public record LinkSpeed(long bitsPerSecond) {
  /** The speed assumed for a host whose NIC is not declared: the guide's typical 1 Gbps. */
  public static final LinkSpeed ONE_GBPS = new LinkSpeed(1_000_000_000L);

  private static final Pattern FORMAT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(k|m|g|t)?(?:bps|bit/s|bits/s|bit)?");

  public LinkSpeed {
    if (bitsPerSecond <= 0) {
      throw new IllegalArgumentException(
          "link speed must be positive, got " + bitsPerSecond + " bit/s");
    }
  }

  /**
   * Parses "1Gbps", "1 Gbit/s", "1000Mbps", "100mbit", "2.5G", "10000000" (plain bit/s). Bytes are
   * refused on purpose ("125MB/s" is ambiguous next to NIC datasheets): say it in bits.
   *
   * @param field where the value came from, named in the error (e.g. "hosts[2].nic")
   */
  public static LinkSpeed parse(String text, String field) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = FORMAT.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException(
          field
              + ": '"
              + text
              + "' is not a link speed; write it in bits per second, e.g. 1Gbps, 1000Mbps,"
              + " 100mbit");
    }
    double value = Double.parseDouble(m.group(1));
    long unit =
        m.group(2) == null
            ? 1L
            : switch (m.group(2)) {
              case "k" -> 1_000L;
              case "m" -> 1_000_000L;
              case "g" -> 1_000_000_000L;
              default -> 1_000_000_000_000L;
            };
    long bits = Math.round(value * unit);
    if (bits <= 0) {
      throw new IllegalArgumentException(field + ": link speed '" + text + "' must be above zero");
    }
    return new LinkSpeed(bits);
  }

  /** "1 Gbit/s", "100 Mbit/s", "2.33 Gbit/s": three significant figures at most. */
  public static String format(double bitsPerSecond) {
    if (bitsPerSecond >= 1e9) {
      return Units.decimal(bitsPerSecond / 1e9) + " Gbit/s";
    }
    if (bitsPerSecond >= 1e6) {
      return Units.decimal(bitsPerSecond / 1e6) + " Mbit/s";
    }
    if (bitsPerSecond >= 1e3) {
      return Units.decimal(bitsPerSecond / 1e3) + " kbit/s";
    }
    return Units.decimal(bitsPerSecond) + " bit/s";
  }

  @Override
  public String toString() {
    return format(bitsPerSecond);
  }
}
