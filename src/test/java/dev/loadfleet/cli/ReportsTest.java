package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loadfleet.run.Reporting;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportsTest {
  @Test
  void aHostAheadOfTheLauncherHasItsTimesMovedBack() {
    // check measured host - launcher = +2000 ms: the host's 10:00:02 is the launcher's 10:00:00
    var inputs =
        Reports.mergeInputs(
            List.of(
                new Reporting.HostLog("ahead", Path.of("a.log"), 2000),
                new Reporting.HostLog("behind", Path.of("b.log"), -1500)));
    assertEquals(-2000, inputs.get(0).clockOffsetMs());
    assertEquals(1500, inputs.get(1).clockOffsetMs());
    assertEquals("ahead", inputs.get(0).name());
  }
}
