package dev.loadfleet.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthLogTest {
  @TempDir Path results;

  @Test
  void appendedSamplesReadBackEqual() throws IOException {
    HealthSample measured =
        ProcSampler.between(
            Fixtures.snapshot("injector-blasting-1.txt", 1_000),
            Fixtures.snapshot("injector-blasting-2.txt", 2_000),
            Optional.of("lo"));
    List<HealthSample> synthetic = SyntheticSeries.cpu(10, 90, 50);
    Path file = HealthLog.in(results.resolve("run-1/hosts/inj1"));

    HealthLog.append(file, measured);
    for (HealthSample s : synthetic) {
      HealthLog.append(file, s);
    }

    assertEquals(results.resolve("run-1/hosts/inj1/health.jsonl"), file);
    assertEquals(4, Files.readAllLines(file).size(), "one line per sample");
    List<HealthSample> back = HealthLog.read(file);
    assertEquals(measured, back.get(0));
    assertEquals(synthetic, back.subList(1, 4));
  }

  @Test
  void writeReplacesTheFile() throws IOException {
    Path file = results.resolve("health.jsonl");
    HealthLog.write(file, SyntheticSeries.cpu(1, 2, 3));
    HealthLog.write(file, SyntheticSeries.cpu(4));

    assertEquals(SyntheticSeries.cpu(4), HealthLog.read(file));
  }

  @Test
  void aDamagedLineIsNamedByFileAndLine() throws IOException {
    Path file = results.resolve("health.jsonl");
    HealthLog.write(file, SyntheticSeries.cpu(1, 2));
    Files.writeString(file, "{\"timeMs\":12,\"cpuBusy", java.nio.file.StandardOpenOption.APPEND);

    IOException e = assertThrows(IOException.class, () -> HealthLog.read(file));
    assertTrue(e.getMessage().startsWith(file + ":3: not a health sample"), e.getMessage());
  }
}
