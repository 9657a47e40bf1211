package dev.loadfleet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StopCriterionTest {
  @TempDir Path dir;

  private Inventory load(String stopWhen) throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k");
    String yaml =
        "users: 2\nrampRate: 1\nhosts:\n  - address: 10.0.0.1\n    keyFile: "
            + key
            + "\n"
            + stopWhen;
    return InventoryLoader.load(Files.writeString(dir.resolve("cluster.yaml"), yaml));
  }

  @Test
  void theIssuesThreeExamplesReadAsWritten() throws Exception {
    Inventory inv =
        load(
            "stopWhen: [{ko: \"> 10%\", for: 30s}, {p95: \"> 15s\", request: upload, for: 60s},"
                + " {injectorSaturated: true, for: 30s}]\n");
    List<StopCriterion> c = inv.stopWhen();
    assertEquals(3, c.size());
    assertEquals(
        new StopCriterion(
            StopCriterion.Metric.KO, Optional.empty(), 10, false, Duration.ofSeconds(30)),
        c.get(0));
    assertEquals(
        new StopCriterion(
            StopCriterion.Metric.P95, Optional.of("upload"), 15_000, false, Duration.ofMinutes(1)),
        c.get(1));
    assertEquals(StopCriterion.Metric.INJECTOR_SATURATED, c.get(2).metric());
    assertEquals(
        List.of("ko > 10% for 30s", "p95 of upload > 15s for 1m", "injectorSaturated for 30s"),
        c.stream().map(StopCriterion::text).toList());
  }

  @Test
  void withoutStopWhenNothingStopsARunEarly() throws Exception {
    assertEquals(List.of(), load("").stopWhen());
  }

  @Test
  void thresholdsCompareAsWritten() {
    StopCriterion over = StopCriterion.fromOption("{p99: \"> 1500ms\", for: 10}").get(0);
    assertEquals(1500, over.threshold());
    assertEquals(Duration.ofSeconds(10), over.window(), "a bare number is seconds");
    assertFalse(over.exceeds(1500));
    assertTrue(over.exceeds(1501));
    StopCriterion atLeast = StopCriterion.fromOption("{ko: \">= 5 %\", for: 2m}").get(0);
    assertTrue(atLeast.exceeds(5));
    assertEquals("ko >= 5% for 2m", atLeast.text());
    assertEquals(
        "p50 of heartbeat > 250ms for 500ms",
        StopCriterion.fromOption("{p50: '> 0.25s', request: heartbeat, for: 500ms}").get(0).text());
  }

  @Test
  void oneOptionMayGiveSeveralCriteria() {
    assertEquals(
        2,
        StopCriterion.fromOption("[{ko: '> 1%', for: 5s}, {injectorSaturated: true, for: 5s}]")
            .size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no window | {ko: '> 10%'} | stopWhen[0]: for is required",
        "no figure | {request: upload, for: 30s} | stopWhen[0] names no figure; give exactly one of",
        "two figures | {ko: '> 1%', p95: '> 1s', for: 30s} | stopWhen[0] names 2 figures",
        "unknown field | {ko: '> 1%', for: 30s, host: a} | stopWhen[0]: unknown field 'host'",
        "no operator | {ko: '10%', for: 30s} | stopWhen[0] ko: '10%' is not a comparison; write",
        "latency without a unit | {p95: '> 15', for: 30s} | stopWhen[0] p95: '> 15' has no time unit",
        "ko as a time | {ko: '> 10s', for: 30s} | stopWhen[0] ko: '> 10s' is a time",
        "ko that never holds | {ko: '> 100%', for: 30s} | can never hold",
        "bad window | {ko: '> 1%', for: soon} | stopWhen[0]: for 'soon' is not a duration",
        "saturated false | {injectorSaturated: false, for: 30s} | must be true, not 'false'",
        "request on saturation | {injectorSaturated: true, request: upload, for: 3s} | request"
            + " applies to ko and percentiles",
        "not a list | {ko: '> 1%', for: 30s} | PLAIN must be a list of criteria",
        "not a mapping | [ko] | stopWhen[0] must be a mapping",
      })
  void badCriteriaAreRefusedNamingTheFileTheEntryAndTheFix(
      String label, String criterion, String expected) throws Exception {
    boolean plain = expected.startsWith("PLAIN ");
    String yaml =
        plain || criterion.startsWith("[")
            ? "stopWhen: " + criterion + "\n"
            : "stopWhen: [" + criterion + "]\n";
    InventoryException e = assertThrows(InventoryException.class, () -> load(yaml));
    assertTrue(
        e.getMessage().contains(expected.replace("PLAIN ", "")), label + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith(dir.resolve("cluster.yaml").toString()), e.getMessage());
    assertFalse(e.getMessage().contains("Exception"), e.getMessage());
  }

  @Test
  void aBadOptionIsRefusedNamingTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> StopCriterion.fromOption("ko > 10% for 30s"));
    assertTrue(
        e.getMessage().startsWith("--stop-when 'ko > 10% for 30s' must be a mapping"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StopCriterion.fromOption("{p95: \"> 15s\", for: 30s"));
    assertTrue(e.getMessage().contains("is not a criterion in YAML flow syntax"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StopCriterion.fromOption(" "));
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
  }
}
