package dev.loadfleet.collect;

import dev.loadfleet.remote.MarkedOutput;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings one host's run home: {@code results/<run>/hosts/<host>/} gets simulation.log (wherever
 * Gatling put it under the run dir), console.log and progress.json.
 */
public final class Collector {
  private Collector() {}

  /**
   * What came home; {@code simulationLog} is null when the host has none (never started, wiped).
   */
  public record Collected(Path dir, Path simulationLog, List<String> missing) {}

  public static Collected collect(RemoteHost remote, String runDir, Path localDir)
      throws IOException {
    Files.createDirectories(localDir);
    List<String> missing = new ArrayList<>();
    MarkedOutput found =
        MarkedOutput.parse(
            remote.execOk(
                MarkedOutput.mark("log")
                    + "; find "
                    + Shell.quote(runDir + "/gatling")
                    + " -name simulation.log -type f 2>/dev/null | head -n 1; "
                    + MarkedOutput.END,
                Duration.ofSeconds(20),
                "finding simulation.log"));
    if (!found.complete()) {
      throw new IOException(
          remote.host().name()
              + ": the search for simulation.log under "
              + runDir
              + " was cut short (output began: "
              + found.head().strip()
              + ")");
    }
    String log = found.first("log").orElse("");
    Path simulationLog = null;
    if (log.isEmpty()) {
      missing.add("simulation.log");
    } else {
      simulationLog = localDir.resolve("simulation.log");
      remote.download(log, simulationLog);
    }
    for (String name : List.of("console.log", "progress.json")) {
      String remotePath = runDir + "/" + name;
      if (remote.exec("test -f " + Shell.quote(remotePath), Duration.ofSeconds(20)).ok()) {
        remote.download(remotePath, localDir.resolve(name));
      } else {
        missing.add(name);
      }
    }
    return new Collected(localDir, simulationLog, missing);
  }
}
