package dev.loadfleet.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkSpeedTest {
  @Test
  void gigabitAndMegabitSpellingsAreTheSameDecimalSpeed() {
    long gigabit = 1_000_000_000L;
    for (String text :
        new String[] {
          "1Gbps", "1 Gbit/s", "1000Mbps", "1000mbit", "1g", "1000000kbps", "1000000000"
        }) {
      assertEquals(gigabit, LinkSpeed.parse(text, "nic").bitsPerSecond(), text);
    }
  }

  @Test
  void hundredMegabitIsATenthOfAGigabit() {
    assertEquals(100_000_000L, LinkSpeed.parse("100mbit", "nic").bitsPerSecond());
    assertEquals(2_500_000_000L, LinkSpeed.parse("2.5Gbps", "nic").bitsPerSecond());
  }

  @Test
  void bytesPerSecondAndGarbageAreRefusedNamingTheField() {
    for (String text : new String[] {"1GB/s", "125MB/s", "fast", "", "-1Gbps", "0Mbps"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> LinkSpeed.parse(text, "hosts[1].nic"), text);
      assertTrue(e.getMessage().startsWith("hosts[1].nic: "), e.getMessage());
    }
  }

  @Test
  void formatsWithThreeSignificantFigures() {
    assertEquals("2.33 Gbit/s", LinkSpeed.format(2.3333e9));
    assertEquals("800 Mbit/s", LinkSpeed.format(8e8));
    assertEquals("1 Gbit/s", LinkSpeed.ONE_GBPS.toString());
  }
}
