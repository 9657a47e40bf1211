package dev.loadfleet.collect;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.Names;
import dev.loadfleet.health.HealthLog;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.MarkedOutput;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings a run home: {@code results/<run>/hosts/<host>/} gets each host's simulation.log (wherever
 * Gatling put it under the run dir), console.log and progress.json; then judges each host's health
 * from the samples the live view wrote there.
 */
public final class Collector {
  /** The most one remote command of a collect may take (downloads are not bounded). */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  /** Remote commands per host: the search for simulation.log and one test per other file. */
  private static final int COMMANDS_PER_HOST = 3;

  private Collector() {}

  /**
   * What came home from one host.
   *
   * @param simulationLog empty when the host has none (never started, wiped) or it is empty
   * @param missing the files the host did not have
   */
  public record Collected(Path dir, Optional<Path> simulationLog, List<String> missing) {}

  /** What to bring home from one host: how to reach it, and its run dir there. */
  public record Fetch(HostSpec host, String runDir) {}

  /**
   * One host's trip home: its files, or why they stayed on the host.
   *
   * @param problem empty when collected
   */
  public record Trip(Kind kind, Optional<Collected> collected, String problem) {
    public enum Kind {
      COLLECTED,
      /** The host could not be reached; its files stay there for a later collect. */
      UNREACHABLE,
      /** Reached, but the transfer failed. */
      FAILED
    }
  }

  /**
   * Brings every host's files home into {@code hostsDir/<host>/}, one host after the other,
   * reconnecting a host whose connection dropped; prints a line per host.
   *
   * @param runId named in the advice to collect again later
   */
  public static Map<String, Trip> bringHome(
      Fleet fleet,
      List<Fetch> fetches,
      Path hostsDir,
      String runId,
      PrintWriter out,
      PrintWriter err) {
    Map<String, Trip> trips = new LinkedHashMap<>();
    for (Fetch f : fetches) {
      String name = f.host().name();
      if (!Names.isHostName(name)) {
        // Names come from the inventory or a run.json read back, both checked; a third source
        // must not write outside hostsDir either.
        String why = "'" + name + "' is not a host name (" + Names.HOST_RULE + ")";
        err.println("collect: " + why + "; nothing written for it");
        trips.put(name, new Trip(Trip.Kind.FAILED, Optional.empty(), why));
        continue;
      }
      Optional<RemoteHost> remote = fleet.get(name);
      if (remote.isEmpty() || !remote.get().isConnected()) {
        remote = fleet.reconnect(f.host());
      }
      if (remote.isEmpty()) {
        String why = fleet.failure(name).map(Throwable::getMessage).orElse("not connected");
        err.println(
            "collect: "
                + name
                + ": cannot connect ("
                + why
                + "); its logs stay on the host in "
                + f.runDir()
                + "; run `loadfleet collect --run-id "
                + runId
                + "` later");
        trips.put(name, new Trip(Trip.Kind.UNREACHABLE, Optional.empty(), why));
        continue;
      }
      try {
        Collected c = collect(remote.get(), f.runDir(), hostsDir.resolve(name));
        out.printf(
            "  collected %-16s %s%n",
            name, c.missing().isEmpty() ? "ok" : "missing " + String.join(", ", c.missing()));
        trips.put(name, new Trip(Trip.Kind.COLLECTED, Optional.of(c), ""));
      } catch (IOException e) {
        err.println("collect: " + name + ": " + e.getMessage());
        trips.put(name, new Trip(Trip.Kind.FAILED, Optional.empty(), e.getMessage()));
      }
    }
    out.flush();
    return trips;
  }

  /** Brings one host's files home into {@code localDir}. */
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
                COMMAND_TIMEOUT,
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
    Optional<Path> simulationLog = Optional.empty();
    Optional<String> log = found.first("log");
    if (log.isEmpty()) {
      missing.add("simulation.log");
    } else {
      Path local = localDir.resolve("simulation.log");
      remote.download(log.get(), local);
      if (Files.size(local) > 0) {
        simulationLog = Optional.of(local);
      } else {
        // Gatling writes its log 8 KiB at a time: an injector ended before the first write leaves
        // an empty file, which no merge can read. It is kept on disk and left out of the report.
        missing.add("simulation.log (empty: the injector ended before Gatling wrote to it)");
      }
    }
    for (String name : List.of("console.log", "progress.json")) {
      String remotePath = runDir + "/" + name;
      if (remote.exec("test -f " + Shell.quote(remotePath), COMMAND_TIMEOUT).ok()) {
        remote.download(remotePath, localDir.resolve(name));
      } else {
        missing.add(name);
      }
    }
    return new Collected(localDir, simulationLog, missing);
  }

  /** The longest {@link #bringHome} waits on remote commands for {@code hosts} hosts. */
  public static Duration commandsBound(int hosts) {
    return COMMAND_TIMEOUT.multipliedBy((long) COMMANDS_PER_HOST * hosts);
  }

  /**
   * Each host's health over the measured window, from the samples the live view wrote to {@code
   * hostsDir/<host>/health.jsonl}: read from disk, so a {@code collect} from a fresh launcher
   * process judges saturation exactly as the {@code run} that sampled it. Hosts without samples are
   * left out.
   *
   * @param fromMs the run's T0, epoch ms on the launcher's clock
   * @param toMs the end of the run
   */
  public static Map<String, HostHealth> judgeHealth(
      List<HostSpec> hosts, Path hostsDir, long fromMs, long toMs) throws IOException {
    Map<String, HostHealth> health = new LinkedHashMap<>();
    for (HostSpec h : hosts) {
      Path file = HealthLog.in(hostsDir.resolve(h.name()));
      if (Files.isRegularFile(file)) {
        health.put(
            h.name(),
            HostHealth.assess(
                h.name(),
                HealthLog.read(file),
                h.nicBitsPerSecond(),
                fromMs,
                toMs,
                Saturation.Settings.DEFAULTS));
      }
    }
    return health;
  }
}
