package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StopReasonTest {
  @Test
  void theFirstReasonAskedForIsTheOneTheRunKeeps() {
    Interruption interruption = new Interruption();
    assertTrue(interruption.reason().isEmpty());
    StopReason criterion = new StopReason(1_000, StopReason.By.CRITERION, "KO > 10% for 30 s");
    interruption.request(criterion);
    interruption.request();
    assertTrue(interruption.requested());
    assertEquals(criterion, interruption.reason().orElseThrow());
  }

  @Test
  void ctrlCIsAReasonToo() {
    Interruption interruption = new Interruption();
    interruption.request();
    assertEquals(StopReason.By.CTRL_C, interruption.reason().orElseThrow().by());
    assertEquals("ctrl-c", StopReason.By.CTRL_C.id());
  }
}
