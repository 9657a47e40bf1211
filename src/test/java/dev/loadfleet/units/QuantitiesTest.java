package dev.loadfleet.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void durations() {
    assertEquals(Duration.ofSeconds(30), Quantities.parseDuration("30"));
    assertEquals(Duration.ofSeconds(30), Quantities.parseDuration("30s"));
    assertEquals(Duration.ofMinutes(2), Quantities.parseDuration("2m"));
    assertEquals(Duration.ofMillis(500), Quantities.parseDuration("500ms"));
    assertEquals(Duration.ofMillis(1500), Quantities.parseDuration("1.5s"));
    assertEquals(Duration.ofHours(1), Quantities.parseDuration(" 1h "));
    assertEquals(Duration.ofDays(7), Quantities.parseDuration("7d"));
    assertThrows(
        IllegalArgumentException.class, () -> Quantities.parseDuration("99999999999999999999d"));
    assertThrows(IllegalArgumentException.class, () -> Quantities.parseDuration("-1s"));
    assertThrows(IllegalArgumentException.class, () -> Quantities.parseDuration("2 weeks"));
  }

  @Test
  void sizesAreDecimalForMbAndBinaryForMib() {
    assertEquals(2_000_000, Quantities.parseSize("2000000"));
    assertEquals(17_500_000, Quantities.parseSize("17.5MB"));
    assertEquals(2 * 1024 * 1024, Quantities.parseSize("2MiB"));
    assertEquals(512 * 1024, Quantities.parseSize("512KiB"));
    assertEquals(1_000, Quantities.parseSize("1kB"));
    assertEquals(3_000_000_000L, Quantities.parseSize("3GB"));
    assertThrows(IllegalArgumentException.class, () -> Quantities.parseSize("-5MB"));
    assertThrows(IllegalArgumentException.class, () -> Quantities.parseSize("5 mb"));
    assertEquals("17.5 MB (17500000 bytes)", Quantities.formatSize(17_500_000));
  }
}
