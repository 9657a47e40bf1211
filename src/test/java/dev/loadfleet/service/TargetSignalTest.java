package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadfleet target --duration} stopped early by SIGTERM, as benchmarks and scripts do. */
class TargetSignalTest {
  @TempDir Path tmp;

  @Test
  void sigtermBeforeTheDurationEndsStopsCleanly() throws Exception {
    try (TargetProcess target =
        TargetProcess.start(
            tmp.resolve("target.log"),
            0,
            List.of(),
            "--port",
            "0",
            "--discard",
            "--data-dir",
            tmp.resolve("data").toString(),
            "--duration",
            "60s")) {
      target.process.destroy(); // SIGTERM
      assertTrue(target.process.waitFor(30, TimeUnit.SECONDS), "still running after SIGTERM");
      String log = Files.readString(target.log);
      assertTrue(log.contains("loadfleet target: stopped; stats {"), log);
      assertFalse(log.contains("Shutdown in progress"), log);
      assertEquals(1, log.lines().filter(l -> l.contains("stopped; stats")).count(), log);
    }
  }
}
