package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loadfleet.plan.Plan;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Damaged inventories, made by Jazzer (coverage-guided, libFuzzer's mutations) from real ones: the
 * seeds in src/test/resources/dev/loadfleet/config/InventoryFuzzTestInputs. Whatever the bytes, the
 * loader either loads them into an inventory the planner splits, or refuses them with {@link
 * InventoryException} naming the file; nothing else escapes (Jazzer reports any other throwable,
 * OutOfMemoryError included, as a finding), and what a load allocates stays bounded by a constant,
 * never by a number read from the file ({@code users: 1000000} costs what {@code users: 1} does).
 *
 * <p>Fuzzes for {@code maxDuration} in every test run (the pom sets JAZZER_FUZZ for surefire);
 * without JAZZER_FUZZ (an IDE) it replays the seeds and earlier findings only.
 */
class InventoryFuzzTest {
  /**
   * Parsing a few KB of YAML, checking it and splitting the users: well under this; far under what
   * a list sized by {@code users} or a 256 KiB file read whole again and again would cost.
   */
  private static final long MAX_ALLOCATED_BYTES = 16L << 20;

  /** What {@code ${env:...}} may name; the seeds use API_TOKEN. */
  private static final Map<String, String> ENV = Map.of("API_TOKEN", "t0ken", "EMPTY", "");

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final AtomicLong LOADED = new AtomicLong();
  private static final AtomicLong REFUSED = new AtomicLong();
  private static Path dir;

  @BeforeAll
  static void makeTempDir() throws IOException {
    dir = Files.createTempDirectory("loadfleet-inventory-fuzz");
    Files.writeString(dir.resolve("id_test"), "not a key: the loader only checks it is readable");
  }

  @AfterAll
  static void reportAndRemoveTempFiles() throws IOException {
    System.out.printf(
        "InventoryFuzzTest: %d inputs loaded, %d refused%n", LOADED.get(), REFUSED.get());
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @FuzzTest(maxDuration = "20s")
  void anyBytesAreLoadedOrRefusedWithinBoundedMemory(byte[] bytes) throws IOException {
    Path file = dir.resolve(bytes.length > 0 && bytes[0] == '{' ? "cluster.json" : "cluster.yaml");
    Files.write(file, bytes);
    // The first load loads (and Jazzer instruments) whatever classes this input's path needs:
    // their allocations are not the loader's. The second load is the one measured.
    load(file);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    InventoryException refused = load(file);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    Files.delete(file);
    assertTrue(
        allocated < MAX_ALLOCATED_BYTES,
        "loading " + bytes.length + " bytes allocated " + allocated + " bytes");
    if (refused == null) {
      LOADED.incrementAndGet();
      return;
    }
    REFUSED.incrementAndGet();
    String m = refused.getMessage();
    assertTrue(m.startsWith(file.toString()), "names the file: " + m);
    // Java's own words never reach a user (the parser's account of a syntax error may), unless
    // they are the input's own, quoted back.
    String input = new String(bytes, StandardCharsets.ISO_8859_1);
    for (String java : List.of("For input string", "out of bounds", ": null")) {
      assertTrue(!m.contains(java) || input.contains(java.replace(": ", "")), m);
    }
    assertTrue(!m.endsWith("null") || input.contains("null"), m);
    assertTrue(m.chars().noneMatch(c -> c < 0x20), "no control character: " + m);
  }

  /**
   * Loads {@code file} and plans its split; returns the refusal, or null. Any throwable but a
   * refusal escapes (a finding for Jazzer).
   */
  private static InventoryException load(Path file) {
    try {
      Inventory inventory = InventoryLoader.load(file, ENV);
      Plan.of(inventory);
      inventory.toString();
      return null;
    } catch (InventoryException refused) {
      return refused;
    }
  }
}
