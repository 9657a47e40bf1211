package dev.loadfleet.health;

import static dev.loadfleet.health.SyntheticSeries.GBPS;
import static dev.loadfleet.health.SyntheticSeries.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostHealthTest {
  private static final Saturation.Settings SETTINGS = Saturation.Settings.DEFAULTS;

  @Test
  void aSaturatedHostsAnnotationCarriesTheFlagAndItsWindow() {
    List<HealthSample> samples = SyntheticSeries.nic(40, 95, 95, 95, 40);
    HostHealth health = HostHealth.assess("inj1", samples, GBPS, T0, T0 + 25_000, SETTINGS);

    assertTrue(health.saturated());
    JsonNode json = health.annotation();
    assertEquals(5, json.at("/health/samples").asInt());
    assertEquals(95, json.at("/health/nicPctPeak").asDouble(), 1e-9);
    assertEquals(30, json.at("/health/cpuBusyPctPeak").asDouble(), 1e-9);
    assertEquals(600, json.at("/health/openFdsPeak").asLong());
    assertEquals(300L << 20, json.at("/health/heapUsedBytesPeak").asLong());
    assertEquals(1.5, json.at("/health/gcPctPeak").asDouble(), 1e-9);
    assertEquals(1, json.get("saturation").size());
    JsonNode flag = json.get("saturation").get(0);
    assertEquals("NIC", flag.get("kind").asText());
    assertEquals("2025-11-26T05:00:05Z", flag.get("from").asText());
    assertEquals("2025-11-26T05:00:20Z", flag.get("to").asText());
    assertEquals("NIC above 90 % for 15 s (peak 95 %, mean 95 %)", flag.get("text").asText());
  }

  @Test
  void aHealthyHostHasAnEmptySaturationList() {
    HostHealth health =
        HostHealth.assess(
            "inj2", SyntheticSeries.cpu(50, 60, 70), GBPS, 0, Long.MAX_VALUE, SETTINGS);

    assertFalse(health.saturated());
    assertEquals(0, health.annotation().get("saturation").size());
    assertEquals(60, health.annotation().at("/health/cpuBusyPctMean").asDouble(), 1e-9);
  }

  @Test
  void theLiveLineMarksFiguresAboveTheirThresholdNow() {
    HealthSample hot = SyntheticSeries.sample(T0, 5_000, 85, 0.95 * GBPS / 8);
    HealthSample calm = SyntheticSeries.sample(T0, 5_000, 30, 0.5 * GBPS / 8);

    assertEquals(
        "cpu 85%! load 1.7 nic 95%! (119 MB/s) mem 4.0G free fds 600 rss 700M heap 300/512M gc"
            + " 1.5%",
        HealthLine.of(hot, GBPS, SETTINGS));
    assertEquals(
        "cpu 30% load 0.6 nic 50% (63 MB/s) mem 4.0G free fds 600 rss 700M heap 300/512M"
            + " gc 1.5%",
        HealthLine.of(calm, GBPS, SETTINGS));
  }
}
