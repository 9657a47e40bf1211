package dev.loadfleet.merge;

import java.nio.ByteOrder;

/**
 * Gatling writes a string as the JVM holds it inside {@code java.lang.String} (its private {@code
 * value} array and {@code coder}, through io.gatling.core.stats.writer.StringInternals): coder 0 is
 * Latin-1, one byte a char; coder 1 is UTF-16, two bytes a char in the platform's byte order
 * (java.lang.StringUTF16). We rebuild the same bytes from public API only, char by char, so even
 * unpaired surrogates survive a round trip.
 */
final class GatlingStrings {
  static final byte LATIN1 = 0;
  static final byte UTF16 = 1;
  private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

  private GatlingStrings() {}

  static byte coder(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        return UTF16;
      }
    }
    return LATIN1;
  }

  static byte[] encode(String s, byte coder) {
    int n = s.length();
    if (coder == LATIN1) {
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) s.charAt(i);
      }
      return out;
    }
    byte[] out = new byte[n * 2];
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      byte hi = (byte) (c >> 8);
      byte lo = (byte) c;
      out[2 * i] = BIG_ENDIAN ? hi : lo;
      out[2 * i + 1] = BIG_ENDIAN ? lo : hi;
    }
    return out;
  }

  /** Returns null when the bytes cannot be a string of that coder. */
  static String decode(byte[] value, byte coder) {
    if (coder == LATIN1) {
      char[] chars = new char[value.length];
      for (int i = 0; i < value.length; i++) {
        chars[i] = (char) (value[i] & 0xFF);
      }
      return new String(chars);
    }
    if (coder != UTF16 || value.length % 2 != 0) {
      return null;
    }
    char[] chars = new char[value.length / 2];
    for (int i = 0; i < chars.length; i++) {
      int a = value[2 * i] & 0xFF;
      int b = value[2 * i + 1] & 0xFF;
      chars[i] = (char) (BIG_ENDIAN ? (a << 8) | b : (b << 8) | a);
    }
    return new String(chars);
  }
}
