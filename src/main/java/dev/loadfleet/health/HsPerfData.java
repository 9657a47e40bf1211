package dev.loadfleet.health;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The long counters of a HotSpot JVM's performance data file
 * (/tmp/hsperfdata_&lt;user&gt;/&lt;pid&gt;, on by default, -XX:-UsePerfData turns it off): the
 * same counters jstat prints, read without jstat, which a JRE-only injector host does not have and
 * which would start a JVM every sample.
 *
 * <p>Layout (HotSpot's perfMemory.hpp, read by jdk.internal.jvmstat's PerfDataBuffer v2): a 32-byte
 * prologue (magic 0xcafec0c0 big-endian, byte order, version, accessible, used, overflow,
 * modification time, first entry offset, entry count), then entries of (length, name offset, vector
 * length, type, flags, units, variability, data offset) with a NUL-terminated name.
 */
public record HsPerfData(Map<String, Long> counters) {
  private static final int MAGIC = 0xcafec0c0;

  public HsPerfData {
    counters = Map.copyOf(counters);
  }

  /**
   * Parses a performance data file's bytes; empty when they are not one (missing, cut short, or the
   * JVM is still creating it).
   */
  public static Optional<HsPerfData> parse(byte[] bytes) {
    if (bytes.length < 32) {
      return Optional.empty();
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (buf.getInt(0) != MAGIC) {
      return Optional.empty();
    }
    buf.order(bytes[4] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int used = Math.min(buf.getInt(8), bytes.length);
    int offset = buf.getInt(24);
    int entries = buf.getInt(28);
    Map<String, Long> counters = new LinkedHashMap<>();
    for (int i = 0; i < entries && offset + 20 <= used; i++) {
      int length = buf.getInt(offset);
      if (length <= 0 || offset + length > used) {
        break; // an entry being written while the file was copied: keep what came before
      }
      int vectorLength = buf.getInt(offset + 8);
      if (buf.get(offset + 12) == 'J' && vectorLength == 0) {
        counters.put(
            name(bytes, offset + buf.getInt(offset + 4)),
            buf.getLong(offset + buf.getInt(offset + 16)));
      }
      offset += length;
    }
    return counters.isEmpty() ? Optional.empty() : Optional.of(new HsPerfData(counters));
  }

  private static String name(byte[] bytes, int start) {
    int end = start;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
  }

  /** Heap in use: the sum of every heap space's used bytes (jstat's S0U+S1U+EU+OU). */
  public long heapUsedBytes() {
    return sum("sun.gc.generation.", ".used", true);
  }

  /** Heap committed: the sum of the generations' capacities (jstat's NGC+OGC). */
  public long heapCommittedBytes() {
    return counters.entrySet().stream()
        .filter(e -> e.getKey().matches("sun\\.gc\\.generation\\.\\d+\\.capacity"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * Seconds spent in garbage collection so far, every collector (jstat's GCT: young, full and, for
   * G1 and others, concurrent-cycle pauses).
   */
  public double gcSeconds() {
    long frequency = counters.getOrDefault("sun.os.hrt.frequency", 0L);
    return frequency <= 0 ? 0 : (double) sum("sun.gc.collector.", ".time", false) / frequency;
  }

  private long sum(String prefix, String suffix, boolean spacesOnly) {
    return counters.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(suffix))
        .filter(e -> !spacesOnly || e.getKey().contains(".space."))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }
}
