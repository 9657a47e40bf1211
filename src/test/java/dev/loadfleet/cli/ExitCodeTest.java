package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loadfleet.run.RunOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
  @Test
  void everyOutcomeHasTheExitCodeScriptsAlreadyBranchOn() {
    Map<RunOutcome, Integer> codes = new LinkedHashMap<>();
    Arrays.stream(RunOutcome.values()).forEach(o -> codes.put(o, ExitCode.of(o).code()));
    assertEquals(
        Map.of(
            RunOutcome.OK, 0,
            RunOutcome.ERROR, 1,
            RunOutcome.ASSERTIONS_FAILED, 3,
            RunOutcome.PARTIAL, 4,
            RunOutcome.INJECTORS_SATURATED, 5,
            RunOutcome.CHECK_FAILED, 6,
            RunOutcome.STOPPED, 7,
            RunOutcome.STOP_CRITERION, 8,
            RunOutcome.INTERRUPTED, 130),
        codes);
  }

  @Test
  void theResultLineSaysTheOutcomeAndItsNumber() {
    StringWriter out = new StringWriter();
    assertEquals(
        ExitCode.INJECTORS_SATURATED,
        ExitCode.result(RunOutcome.INJECTORS_SATURATED, new PrintWriter(out)));
    assertEquals("result: injectors saturated (exit 5)", out.toString().strip());
  }
}
