package dev.loadfleet.service;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recordings whose SHA-256 this service has computed, kept so that a later upload declaring the
 * same SHA-256 and size is verified by comparing its bytes with them instead of hashing it again.
 *
 * <p>The check stays exact: bytes equal to bytes whose SHA-256 is H have SHA-256 H, and an upload
 * whose bytes differ is hashed after all ({@link RecordingSink}). Comparing runs at memory speed,
 * hashing at about 1.4 GB/s per core even with the CPU's SHA instructions; in a load test every
 * student uploads the same recording, so nearly every upload is compared.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} contents of at most {@link #MAX_BYTES} each, known or
 * being learned, in direct memory, kept for the service's life; anything else is hashed as always.
 * One upload at a time learns a given content: the first whose declared SHA-256 and size are not
 * yet known keeps a copy as it arrives, and the copy is kept only if the whole upload then hashes
 * to what it declared.
 */
final class VerifiedContents {
  static final int MAX_ENTRIES = 2;
  static final long MAX_BYTES = 64L << 20;

  /** A learner that has not ended in this long (a connection lost without close) is replaced. */
  private static final long CLAIM_MILLIS = 120_000;

  private final Map<String, ByteBuffer> known = new ConcurrentHashMap<>();

  /** Contents being learned, with when their learner claimed them; guarded by this. */
  private final Map<String, Long> learning = new HashMap<>();

  private static String key(String sha256, long size) {
    return sha256.toLowerCase(Locale.ROOT) + "/" + size;
  }

  /** The verified bytes with this SHA-256 and size (a read-only view of its own), or null. */
  ByteBuffer get(String sha256, long size) {
    ByteBuffer bytes = known.get(key(sha256, size));
    return bytes == null ? null : bytes.duplicate();
  }

  /**
   * Whether the caller may learn this content: it fits, there is room for it beside the known
   * contents and those being learned, and no other upload is learning it. A caller that gets true
   * ends with {@link #learned} or {@link #abandon}.
   */
  synchronized boolean claim(String sha256, long size) {
    if (size < 1 || size > MAX_BYTES) {
      return false;
    }
    String key = key(sha256, size);
    long now = System.currentTimeMillis();
    learning.values().removeIf(since -> now - since > CLAIM_MILLIS);
    if (known.containsKey(key)
        || learning.containsKey(key)
        || known.size() + learning.size() >= MAX_ENTRIES) {
      return false;
    }
    learning.put(key, now);
    return true;
  }

  /** The claimed content arrived whole and hashed to its declared SHA-256: keep it. */
  synchronized void learned(String sha256, long size, ByteBuffer bytes) {
    String key = key(sha256, size);
    if (learning.remove(key) != null && known.size() < MAX_ENTRIES) {
      known.putIfAbsent(key, bytes.asReadOnlyBuffer().clear());
    }
  }

  /** The claimed content did not verify, or its upload ended early: another upload may learn it. */
  synchronized void abandon(String sha256, long size) {
    learning.remove(key(sha256, size));
  }

  /** How many contents are known. */
  int size() {
    return known.size();
  }
}
