package dev.loadfleet.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.collect.Collector;
import dev.loadfleet.collect.ServiceCounter;
import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.health.HostHealth;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What can be done to a run from its run.json alone, by the process that started it or by a fresh
 * one after a crash: look ({@link #status}), {@link #stop}, and {@link #collectAndReport}, which
 * goes stage by stage: refresh the hosts' states, bring their files home ({@link Collector}), judge
 * their health, note what the launcher knows of each host ({@link #notes}), report, decide the
 * {@link RunOutcome}, record it.
 */
public final class RunControl {
  private static final int STOP_GRACE_SECONDS = 10;

  private RunControl() {}

  /**
   * How a collect-and-report ends its run.
   *
   * @param interrupted the operator stopped the run
   * @param service the service's own host, asked for its count of stored recordings once every
   *     host's files are home
   */
  public record CollectOptions(
      boolean interrupted, RunOutcome.OnSaturation onSaturation, Optional<ServiceHost> service) {
    /** A {@code collect} after the fact: not interrupted, saturation fails the run. */
    public static final CollectOptions LATER =
        new CollectOptions(false, RunOutcome.OnSaturation.FAIL);

    public CollectOptions(boolean interrupted, RunOutcome.OnSaturation onSaturation) {
      this(interrupted, onSaturation, Optional.empty());
    }

    public CollectOptions withService(Optional<ServiceHost> host) {
      return new CollectOptions(interrupted, onSaturation, host);
    }
  }

  /** Connects to every host of a recorded run (host keys must already be known). */
  public static Fleet connect(RunRecord run) {
    List<HostSpec> specs = run.hosts().stream().map(HostRun::spec).toList();
    return Fleet.connect(specs, SshOptions.of(Path.of(run.knownHosts()), false));
  }

  /**
   * Asks every started host for its injector's state and prints a table of what run.json recorded
   * beside what each host says. Only looks: run.json is the business of the launcher that runs or
   * collects the run.
   */
  public static RunRecord status(RunRecord recorded, Fleet fleet, Path resultsRoot, PrintWriter out)
      throws IOException {
    Map<String, Fleet.Result<Injector.Poll>> polls =
        fleet.each(remote -> Injector.poll(remote, recorded.host(remote.host().name())));
    RunRecord run = refreshed(recorded, polls);
    out.printf(
        "run %s: %s, %d users, started %s%n",
        run.runId(), run.state(), run.users(), Instant.ofEpochMilli(run.t0()));
    out.printf(
        "  %-16s %-10s %-12s %7s %9s %7s  %s%n",
        "host", "recorded", "remote", "active", "OK", "KO", "note");
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
    RunRecord updated = refreshed(run, polls);
    updated.write(resultsRoot);
    return updated;
  }

  /** The run as its hosts' answers leave it (see {@link #refresh}), in memory only. */
  private static RunRecord refreshed(
      RunRecord run, Map<String, Fleet.Result<Injector.Poll>> polls) {
    RunRecord updated = run;
    for (HostRun h : run.hosts()) {
      Fleet.Result<Injector.Poll> r = polls.get(h.name());
      if (!h.started() || h.terminal() || !r.ok()) {
        continue;
      }
      HostRun next = r.value().status().applyTo(h);
      updated = updated.withHost(h.name(), x -> next);
    }
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
                h.name(), x -> x.withState(HostState.STOPPED, "stopped by the launcher"));
      }
    }
    updated.write(resultsRoot);
    out.flush();
    return new Stopped(updated, failed);
  }

  /** The longest {@link #stop} waits: every host at once, each for its grace and the answer. */
  public static Duration stopBound() {
    return Injector.stopTimeout(STOP_GRACE_SECONDS);
  }

  /**
   * Brings every host's files home, then merges and reports them, and decides the outcome; prints
   * where the report is and records the outcome in run.json.
   */
  public static RunOutcome collectAndReport(
      RunRecord recorded,
      Fleet fleet,
      Path resultsRoot,
      Reporting reporting,
      CollectOptions options,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    RunRecord run = refresh(recorded, fleet, resultsRoot);
    Path runDir = resultsRoot.resolve(run.runId());
    Path hostsDir = runDir.resolve("hosts");

    List<Collector.Fetch> fetches =
        run.hosts().stream()
            .filter(HostRun::started)
            .map(h -> new Collector.Fetch(h.spec(), h.paths().runDir()))
            .toList();
    Map<String, Collector.Trip> trips =
        Collector.bringHome(fleet, fetches, hostsDir, run.runId(), out, err);
    run = afterCollect(run, trips);
    run.write(resultsRoot);
    List<Reporting.HostLog> logs = logs(run, trips);
    List<String> unfinished = unfinished(run);
    Optional<ServiceCounter.Count> serviceCount = countStored(run, options, logs, out);

    List<String> saturated = List.of();
    Optional<Reporting.Outcome> report = Optional.empty();
    RunOutcome.Report verdict;
    if (logs.isEmpty()) {
      err.println(
          "no simulation.log came home; nothing to report"
              + (unfinished.isEmpty() ? "" : ": " + String.join("; ", unfinished)));
      verdict = RunOutcome.Report.NO_LOGS;
    } else {
      long to = run.timings().getOrDefault("finished", System.currentTimeMillis());
      Map<String, HostHealth> health =
          Collector.judgeHealth(
              run.hosts().stream().map(HostRun::spec).toList(), hostsDir, run.t0(), to);
      saturated = saturated(health, err);
      try {
        report =
            Optional.of(
                reporting.report(
                    logs,
                    runDir.resolve("report"),
                    notes(run, health),
                    new Reporting.RunNotes(run.t0(), serviceCount)));
        verdict =
            report.get().assertionsPassed()
                ? RunOutcome.Report.ASSERTIONS_HELD
                : RunOutcome.Report.ASSERTIONS_FAILED;
      } catch (Exception e) {
        err.println("report: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        verdict = RunOutcome.Report.FAILED;
      }
    }

    RunOutcome outcome =
        RunOutcome.decide(
            new RunOutcome.Findings(options.interrupted(), verdict, unfinished, saturated),
            options.onSaturation());
    if (report.isEmpty()) {
      RunState state =
          verdict == RunOutcome.Report.NO_LOGS ? RunState.FAILED : RunState.REPORT_FAILED;
      run.withState(state, null).write(resultsRoot);
      return outcome;
    }
    report.get().warnings().forEach(w -> err.println("report warning: " + w));
    out.println("report: " + report.get().index());
    out.println("summary: " + report.get().summary());
    report.get().serviceCount().ifPresent(out::println);
    if (!unfinished.isEmpty()) {
      out.println("partial run: " + String.join("; ", unfinished));
    }
    out.flush();
    // Both absolute: with the default relative results root, Path.relativize threw
    // "'other' is different type of Path" after the report was written (found by HappyPathIT).
    Path index = runDir.toAbsolutePath().relativize(report.get().index().toAbsolutePath());
    run.withState(RunState.reported(outcome), index.toString()).write(resultsRoot);
    return outcome;
  }

  /**
   * The service's own count of stored recordings, asked once every host's files are home (so after
   * the last upload); none when the inventory names no service or no count command, or no log came
   * home to compare it with.
   */
  private static Optional<ServiceCounter.Count> countStored(
      RunRecord run, CollectOptions options, List<Reporting.HostLog> logs, PrintWriter out) {
    if (options.service().isEmpty()
        || options.service().get().countCommand().isEmpty()
        || logs.isEmpty()) {
      return Optional.empty();
    }
    out.println(
        "service: counting the recordings stored on " + options.service().get().host().name());
    out.flush();
    return ServiceCounter.count(
        options.service().get(), SshOptions.of(Path.of(run.knownHosts()), false));
  }

  /** The hosts whose health was flagged saturated, each also named on {@code err}. */
  private static List<String> saturated(Map<String, HostHealth> health, PrintWriter err) {
    List<String> saturated = new ArrayList<>();
    for (HostHealth hh : health.values()) {
      if (hh.saturated()) {
        saturated.add(hh.host());
        err.println(
            "health: "
                + hh.host()
                + " was saturated; its latencies are not trustworthy (see its report page)");
      }
    }
    return saturated;
  }

  /** The run after its collect: an unfinished host that could not be reached is lost. */
  static RunRecord afterCollect(RunRecord run, Map<String, Collector.Trip> trips) {
    RunRecord updated = run;
    for (HostRun h : run.hosts()) {
      Collector.Trip trip = trips.get(h.name());
      if (trip != null && trip.kind() == Collector.Trip.Kind.UNREACHABLE && !h.terminal()) {
        updated =
            updated.withHost(h.name(), x -> x.withState(HostState.LOST, "unreachable at collect"));
      }
    }
    return updated.withTiming("collected", System.currentTimeMillis());
  }

  private static List<Reporting.HostLog> logs(RunRecord run, Map<String, Collector.Trip> trips) {
    List<Reporting.HostLog> logs = new ArrayList<>();
    for (HostRun h : run.hosts()) {
      Collector.Trip trip = trips.get(h.name());
      if (trip != null) {
        trip.collected()
            .flatMap(Collector.Collected::simulationLog)
            .ifPresent(log -> logs.add(new Reporting.HostLog(h.name(), log, h.clock().offsetMs())));
      }
    }
    return logs;
  }

  /** The started hosts that did not finish, each with its state and why. */
  static List<String> unfinished(RunRecord run) {
    List<String> notOk = new ArrayList<>();
    for (HostRun h : run.hosts()) {
      if (h.started() && h.state() != HostState.FINISHED) {
        notOk.add(
            h.name() + " " + h.state() + (h.message().isEmpty() ? "" : " (" + h.message() + ")"));
      }
    }
    return notOk;
  }

  /**
   * What the launcher knows of each host, for the report: its state ("ok" when finished), share,
   * clock, exit code and message, its health figures and samples.
   */
  static Map<String, Reporting.HostNotes> notes(RunRecord run, Map<String, HostHealth> health) {
    Map<String, Reporting.HostNotes> notes = new LinkedHashMap<>();
    for (HostRun h : run.hosts()) {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("state", h.state() == HostState.FINISHED ? "ok" : h.state().text());
      n.put("users", h.users());
      n.put("idOffset", h.share().idOffset());
      n.put("clockOffsetMs", h.clock().offsetMs());
      n.put("clockUncertaintyMs", h.clock().uncertaintyMs());
      h.exitCode().ifPresent(code -> n.put("exitCode", code));
      if (!h.message().isEmpty()) {
        n.put("message", h.message());
      }
      HostHealth hh = health.get(h.name());
      if (hh != null) {
        n.setAll(hh.annotation());
      }
      notes.put(h.name(), new Reporting.HostNotes(n, Optional.ofNullable(hh)));
    }
    return notes;
  }
}
