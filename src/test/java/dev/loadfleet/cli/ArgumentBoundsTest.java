package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Command-line values past their bounds: each a usage error naming the option and its range, said
 * before anything is read, started or written; never Java's own text.
 */
class ArgumentBoundsTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "run --{0} {1}")
  @CsvSource({
    "start-delay, NaN, from 0 to 3600",
    "start-delay, -1, from 0 to 3600",
    "lost-after, 1e300, from 1 to 3600",
    "lost-after, Infinity, from 1 to 3600",
    "lost-wait, 1e300, from 0 to 3600",
    "poll, 0, from 0.1 to 5",
    "poll, ten, from 0.1 to 5",
  })
  void runTimesAreBoundedNumbersOfSeconds(String option, String value, String range) {
    // No inventory exists: the bound is said first, before any file is read.
    Outcome o =
        Outcome.run(
            "run", "-i", tmp.resolve("none.yaml").toString(), "--" + option, value, "--dry-run");
    assertEquals(ExitCode.USAGE.code(), o.code(), o.out() + o.err());
    assertTrue(
        o.err().contains("--" + option + " '" + value + "' is not a number of seconds " + range),
        o.err());
  }

  @ParameterizedTest(name = "target --{0} {1}")
  @CsvSource({
    "port, abc, from 0 to 65535",
    "port, 99999999999, from 0 to 65535",
    "port, 70000, from 0 to 65535",
    "latency, 1e3, from 0 to 3600000",
    "error-rate, NaN, from 0 to 1",
  })
  void targetNumbersAreBounded(String option, String value, String range) {
    Outcome o = Outcome.run("target", "--" + option, value, "--duration", "1ms");
    assertEquals(ExitCode.USAGE.code(), o.code(), o.out() + o.err());
    assertTrue(o.err().contains("--" + option + " must be"), o.err());
    assertTrue(o.err().contains(range + ", not '" + value + "'"), o.err());
    assertFalse(o.err().contains("For input string"), o.err());
  }

  @Test
  void aReportNameStaysOneFolderUnderResults() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.copy(
        Path.of(
            "src/test/resources/dev/loadfleet/merge/SimulationLogFuzzTestInputs/"
                + "anyBytesAreReadOrRefusedWithinBoundedMemory/passing-run.simulation.log"),
        run.resolve("simulation.log"));
    // A name that climbs from results/ (relative to the working directory) into this test's dir.
    Path escaped = tmp.resolve("escaped");
    String name = Path.of("results").toAbsolutePath().relativize(escaped).toString();
    assertTrue(name.startsWith(".."), name);

    Outcome o = Outcome.run("report", "--name", name, run.toString());

    assertEquals(ExitCode.USAGE.code(), o.code(), o.out() + o.err());
    assertTrue(o.err().contains("--name '" + name + "' must be"), o.err());
    assertTrue(o.err().contains("give --out DIR"), o.err());
    assertFalse(Files.exists(escaped), "nothing written outside results/");
  }
}
