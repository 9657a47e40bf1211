package dev.loadfleet.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.cli.ExitCode;
import dev.loadfleet.collect.Collector;
import dev.loadfleet.health.HealthLog;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.SshOptions;
import dev.loadfleet.report.Reporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What can be done to a run from its run.json alone, by the process that started it or by a fresh
 * one after a crash: look ({@link #status}), {@link #stop}, {@link #collect} and report.
 */
public final class RunControl {
  private static final int STOP_GRACE_SECONDS = 10;

  private RunControl() {}

  /** Connects to every host of a recorded run (host keys must already be known). */
  public static Fleet connect(RunRecord run) {
    List<dev.loadfleet.config.HostSpec> specs = run.hosts().stream().map(HostRun::spec).toList();
    return Fleet.connect(specs, SshOptions.of(Path.of(run.knownHosts()), false));
  }

  /** Asks every started host for its injector's state; prints a table; updates run.json. */
  public static RunRecord status(RunRecord recorded, Fleet fleet, Path resultsRoot, PrintWriter out)
      throws IOException {
    RunRecord run = refresh(recorded, fleet, resultsRoot);
    out.printf(
        "run %s: %s, %d users, started %s%n",
        run.runId(), run.state(), run.users(), java.time.Instant.ofEpochMilli(run.t0()));
    out.printf(
        "  %-16s %-10s %-12s %7s %9s %7s  %s%n",
        "host", "recorded", "remote", "active", "OK", "KO", "note");
    Map<String, Fleet.Result<Injector.Poll>> polls =
        fleet.each(remote -> Injector.poll(remote, run.host(remote.host().name())));
    for (HostRun h : run.hosts()) {
      if (!h.started()) {
        out.printf("  %-16s %-10s %-12s%n", h.name(), h.state(), "-");
        continue;
      }
      Fleet.Result<Injector.Poll> r = polls.get(h.name());
      if (!r.ok()) {
        out.printf(
            "  %-16s %-10s %-12s %7s %9s %7s  %s%n",
            h.name(), h.state(), "UNREACHABLE", "-", "-", "-", r.message());
        continue;
      }
      Optional<Injector.Progress> p = r.value().progress();
      out.printf(
          "  %-16s %-10s %-12s %7s %9s %7s%n",
          h.name(),
          h.state(),
          r.value().status().text(),
          p.map(x -> String.valueOf(x.usersActive())).orElse("-"),
          p.map(x -> String.valueOf(x.requestsOk())).orElse("-"),
          p.map(x -> String.valueOf(x.requestsKo())).orElse("-"));
    }
    out.flush();
    return run;
  }

  /**
   * Reads every started, unfinished host's injector state and records what it says (after a
   * launcher crash run.json may still say running). Unreachable hosts keep their recorded state.
   */
  public static RunRecord refresh(RunRecord run, Fleet fleet, Path resultsRoot) throws IOException {
    Map<String, Fleet.Result<Injector.Poll>> polls =
        fleet.each(remote -> Injector.poll(remote, run.host(remote.host().name())));
    RunRecord updated = run;
    for (HostRun h : run.hosts()) {
      Fleet.Result<Injector.Poll> r = polls.get(h.name());
      if (!h.started() || h.terminal() || !r.ok()) {
        continue;
      }
      HostRun next = r.value().status().applyTo(h);
      updated = updated.withHost(h.name(), x -> next);
    }
    updated.write(resultsRoot);
    return updated;
  }

  /**
   * What {@link #stop} did.
   *
   * @param failed one line per host whose stop command failed or that could not be reached (its
   *     injector may still run): the host's name and why
   */
  public record Stopped(RunRecord run, List<String> failed) {}

  /** Stops every remote injector of the run (its whole process group) in parallel. */
  public static Stopped stop(RunRecord run, Fleet fleet, Path resultsRoot, PrintWriter out)
      throws IOException {
    Map<String, Fleet.Result<String>> results =
        fleet.each(
            remote -> {
              HostRun h = run.host(remote.host().name());
              // Also hosts without a recorded pid: an interrupted start may have started them
              // anyway.
              return h.users() > 0 ? Injector.stop(remote, h, STOP_GRACE_SECONDS) : "not started";
            });
    RunRecord updated = run;
    List<String> failed = new ArrayList<>();
    for (HostRun h : run.hosts()) {
      Fleet.Result<String> r = results.get(h.name());
      out.printf("  %-16s %s%n", h.name(), r.ok() ? r.value() : "FAILED: " + r.message());
      if (!r.ok()) {
        failed.add(h.name() + " (" + r.message() + ")");
      } else if (r.value().equals("stopped") || r.value().equals("killed")) {
        updated =
            updated.withHost(
                h.name(), x -> x.withState(HostRun.STOPPED, "stopped by the launcher"));
      }
    }
    updated.write(resultsRoot);
    out.flush();
    return new Stopped(updated, failed);
  }

  /**
   * Brings every host's logs home, then merges and reports them; decides the exit code.
   *
   * @param interrupted the operator stopped the run
   */
  public static ExitCode collectAndReport(
      RunRecord run,
      Fleet fleet,
      Path resultsRoot,
      Reporting reporting,
      boolean interrupted,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    return collectAndReport(run, fleet, resultsRoot, reporting, interrupted, true, out, err);
  }

  /**
   * @param saturationFails a saturated injector makes the exit code INJECTORS_SATURATED when
   *     nothing worse happened (else the flags are only reported)
   */
  public static ExitCode collectAndReport(
      RunRecord run,
      Fleet fleet,
      Path resultsRoot,
      Reporting reporting,
      boolean interrupted,
      boolean saturationFails,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    run = refresh(run, fleet, resultsRoot);
    Path runDir = resultsRoot.resolve(run.runId());
    List<Reporting.HostLog> logs = new ArrayList<>();
    RunRecord updated = run;
    for (HostRun h : run.hosts()) {
      if (!h.started()) {
        continue;
      }
      Optional<RemoteHost> remote = fleet.get(h.name());
      if (remote.isEmpty() || !remote.get().isConnected()) {
        remote = fleet.reconnect(h.spec());
      }
      if (remote.isEmpty()) {
        err.println(
            "collect: "
                + h.name()
                + ": cannot connect ("
                + fleet.failure(h.name()).map(Throwable::getMessage).orElse("?")
                + "); its logs stay on the host in "
                + h.runDir()
                + "; run `loadfleet collect --run-id "
                + run.runId()
                + "` later");
        if (!h.terminal()) {
          updated =
              updated.withHost(h.name(), x -> x.withState(HostRun.LOST, "unreachable at collect"));
        }
        continue;
      }
      try {
        Collector.Collected c =
            Collector.collect(remote.get(), h.runDir(), runDir.resolve("hosts").resolve(h.name()));
        if (c.simulationLog() != null) {
          logs.add(new Reporting.HostLog(h.name(), c.simulationLog(), h.clockOffsetMs()));
        }
        out.printf(
            "  collected %-16s %s%n",
            h.name(), c.missing().isEmpty() ? "ok" : "missing " + String.join(", ", c.missing()));
      } catch (IOException e) {
        err.println("collect: " + h.name() + ": " + e.getMessage());
      }
    }
    updated = updated.withTiming("collected", System.currentTimeMillis());
    updated.write(resultsRoot);
    out.flush();

    List<String> notOk = new ArrayList<>();
    for (HostRun h : updated.hosts()) {
      if (h.started() && !HostRun.FINISHED.equals(h.state())) {
        notOk.add(
            h.name()
                + " "
                + h.state()
                + (h.message() == null || h.message().isEmpty() ? "" : " (" + h.message() + ")"));
      }
    }
    if (logs.isEmpty()) {
      err.println(
          "no simulation.log came home; nothing to report"
              + (notOk.isEmpty() ? "" : ": " + String.join("; ", notOk)));
      updated.withState("failed", null).write(resultsRoot);
      return interrupted ? ExitCode.INTERRUPTED : ExitCode.ERROR;
    }
    Map<String, HostHealth> health = assessHealth(updated, runDir);
    boolean saturated = false;
    for (HostHealth hh : health.values()) {
      if (hh.saturated()) {
        saturated = true;
        err.println(
            "health: "
                + hh.host()
                + " was saturated; its latencies are not trustworthy (see its report page)");
      }
    }
    saturated &= saturationFails;
    Map<String, JsonNode> annotations = new LinkedHashMap<>();
    for (HostRun h : updated.hosts()) {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("state", h.state().equals(HostRun.FINISHED) ? "ok" : h.state());
      n.put("users", h.users());
      n.put("idOffset", h.idOffset());
      n.put("clockOffsetMs", h.clockOffsetMs());
      n.put("clockUncertaintyMs", h.clockUncertaintyMs());
      if (h.exitCode() != null) {
        n.put("exitCode", h.exitCode());
      }
      if (h.message() != null && !h.message().isEmpty()) {
        n.put("message", h.message());
      }
      HostHealth hh = health.get(h.name());
      if (hh != null) {
        n.setAll(hh.annotation());
        n.put(
            Reporter.HEALTH_CHART,
            hh.writeChart(runDir.resolve("hosts").resolve(h.name())).toAbsolutePath().toString());
      }
      annotations.put(h.name(), n);
    }
    Reporting.Outcome outcome;
    try {
      outcome = reporting.report(logs, runDir.resolve("report"), annotations);
    } catch (Exception e) {
      err.println("report: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      updated.withState("report failed", null).write(resultsRoot);
      return interrupted ? ExitCode.INTERRUPTED : ExitCode.ERROR;
    }
    outcome.warnings().forEach(w -> err.println("report warning: " + w));
    ExitCode code;
    if (interrupted) {
      code = ExitCode.INTERRUPTED;
    } else if (!notOk.isEmpty()) {
      code = ExitCode.PARTIAL;
    } else if (!outcome.assertionsPassed()) {
      code = ExitCode.ASSERTIONS_FAILED;
    } else if (saturated) {
      code = ExitCode.INJECTORS_SATURATED;
    } else {
      code = ExitCode.OK;
    }
    out.println("report: " + outcome.index());
    out.println("summary: " + outcome.summary());
    if (!notOk.isEmpty()) {
      out.println("partial run: " + String.join("; ", notOk));
    }
    out.println(
        "result: " + code.name().toLowerCase().replace('_', ' ') + " (exit " + code.code() + ")");
    out.flush();
    // Both absolute: with the default relative results root, Path.relativize threw
    // "'other' is different type of Path" after the report was written (found by HappyPathIT).
    updated
        .withState(
            code.name().toLowerCase(),
            runDir.toAbsolutePath().relativize(outcome.index().toAbsolutePath()).toString())
        .write(resultsRoot);
    return code;
  }

  /**
   * Each host's health over the measured window (T0 to the end of the run), from the samples the
   * live view wrote to {@code hosts/<host>/health.jsonl}: read from disk, so a {@code collect} from
   * a fresh launcher process judges saturation exactly as the {@code run} that sampled it.
   */
  private static Map<String, HostHealth> assessHealth(RunRecord run, Path runDir)
      throws IOException {
    long from = run.t0();
    long to = run.timings().getOrDefault("finished", System.currentTimeMillis());
    Map<String, HostHealth> out = new LinkedHashMap<>();
    for (HostRun h : run.hosts()) {
      Path file = HealthLog.in(runDir.resolve("hosts").resolve(h.name()));
      if (Files.isRegularFile(file)) {
        out.put(
            h.name(),
            HostHealth.assess(
                h.name(),
                HealthLog.read(file),
                h.spec().nicBitsPerSecond(),
                from,
                to,
                Saturation.Settings.DEFAULTS));
      }
    }
    return out;
  }
}
