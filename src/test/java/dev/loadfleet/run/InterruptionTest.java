package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.collect.Collector;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The exit hook and Ctrl+C: the hook waits for the run to stop, collect and report, as long as
 * those may take, and leaves no child process behind when the JVM halts after it; Ctrl+C asks
 * first, and a second press signals at once.
 */
class InterruptionTest {
  @Test
  void theHookWaitsAsLongAsTheGracefulStopCollectAndTheReportMayTake() {
    Reporting hourLong = new FakeReporting(true);
    Duration grace = Duration.ofSeconds(75);
    Duration bound = Runner.ctrlCBound(hourLong, 4, grace);
    Duration needed =
        RunControl.stopBound(grace).plus(Collector.commandsBound(4)).plus(hourLong.timeout());
    assertTrue(bound.compareTo(needed) >= 0, bound + " < " + needed);
    assertTrue(
        RunControl.stopBound(grace).compareTo(grace.plus(Duration.ofSeconds(10))) > 0,
        "the stop waits out the grace, then TERM's 10 s");

    // Gatling's report generator's own limit
    Reporting gatling = new FakeReporting(true, Duration.ofMinutes(60));
    assertTrue(
        Runner.ctrlCBound(gatling, 1, grace).compareTo(Duration.ofMinutes(60)) > 0,
        "a Ctrl+C during a long report waits for it");
  }

  @Test
  void theFirstCtrlCAsksTheSecondSignalsAndEachSaysWhatItCosts() {
    Interruption interruption = new Interruption();
    StringWriter err = new StringWriter();
    CtrlC ctrlC =
        new CtrlC(
            interruption, "20261129-094128-acb0", Duration.ofSeconds(45), new PrintWriter(err));

    ctrlC.press();
    assertTrue(interruption.requested());
    assertFalse(interruption.escalated(), "the first press waits for the injectors to end");
    assertEquals(StopReason.By.CTRL_C, interruption.reason().orElseThrow().by());
    assertTrue(err.toString().contains("up to 45 s; nothing is lost"), err.toString());

    ctrlC.press();
    assertTrue(interruption.escalated());
    assertTrue(
        err.toString().contains("second Ctrl+C: signalling every injector still running now")
            && err.toString().contains("up to 8 KiB, about 370 records"),
        err.toString());
    assertEquals(StopReason.By.CTRL_C, interruption.reason().orElseThrow().by());
  }

  @Test
  void theExitHookRecordsASignalNotACtrlC() {
    Interruption interruption = new Interruption();
    CountDownLatch done = new CountDownLatch(1);
    done.countDown();
    interruption
        .onCtrlC(
            done, Duration.ofSeconds(1), Stream::empty, "r", new PrintWriter(new StringWriter()))
        .run();
    assertEquals(StopReason.By.OPERATOR, interruption.reason().orElseThrow().by());
    assertTrue(interruption.reason().orElseThrow().detail().contains("SIGTERM"));
  }

  @Test
  void pastItsBoundTheHookEndsTheForkedReportAndSaysSo() throws Exception {
    Process report =
        new ProcessBuilder("sleep", "600").redirectInput(new File("/dev/null")).start();
    try {
      Interruption interruption = new Interruption();
      StringWriter err = new StringWriter();
      CountDownLatch never = new CountDownLatch(1); // the run does not end in time
      long started = System.nanoTime();
      interruption
          .onCtrlC(
              never,
              Duration.ofMillis(300),
              () -> Stream.of(report.toHandle()),
              "20261129-094128-acb0",
              new PrintWriter(err))
          .run();
      assertTrue(interruption.requested());
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "the hook returned");
      assertTrue(report.waitFor(5, TimeUnit.SECONDS), "the report process was ended");
      assertFalse(report.isAlive());
      assertTrue(err.toString().contains("collect --run-id 20261129-094128-acb0"), err.toString());
    } finally {
      report.destroyForcibly();
    }
  }

  @Test
  void aRunThatEndsInTimeKeepsItsChildren() throws Exception {
    Process child = new ProcessBuilder("sleep", "600").redirectInput(new File("/dev/null")).start();
    try {
      CountDownLatch done = new CountDownLatch(1);
      done.countDown();
      StringWriter err = new StringWriter();
      new Interruption()
          .onCtrlC(
              done,
              Duration.ofSeconds(5),
              () -> Stream.of(child.toHandle()),
              "r",
              new PrintWriter(err))
          .run();
      assertTrue(child.isAlive(), "nothing to end: the run ended within its bound");
      assertTrue(err.toString().isEmpty(), err.toString());
    } finally {
      child.destroyForcibly();
    }
  }
}
