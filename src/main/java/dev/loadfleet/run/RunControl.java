package dev.loadfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What can be done to a run from its run.json alone, by the process that started it or by a fresh
 * one after a crash: look ({@link #status}), {@link #stop}, and {@link #collectAndReport}, which
 * goes stage by stage: refresh the hosts' states, bring their files home ({@link Collector}), judge
 * their health, note what the launcher knows of each host ({@link #notes}), report, decide the
 * {@link RunOutcome}, record it.
 */
public final class RunControl {
  /** How long a Gatling takes to end its run, write out its log and exit, on a busy host. */
  private static final Duration GATLING_END = Duration.ofSeconds(15);

  /** How often a stop asks the injectors again and reads their state. */
  private static final Duration TICK = Duration.ofSeconds(1);

  private static final ObjectMapper STOP_JSON = new ObjectMapper();

  private RunControl() {}

  /**
   * How a collect-and-report ends its run.
   *
   * @param interrupted this process got Ctrl+C while it ran the run (a later collect did not)
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
          // The progress file keeps its last count when an injector is stopped or dies: only a
          // running injector has active users.
          p.map(x -> String.valueOf(r.value().running() ? x.usersActive() : 0)).orElse("-"),
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
   * How to stop a run.
   *
   * @param reason why; recorded in run.json (a run stopped before keeps its first reason)
   * @param grace how long the injectors may take to end their runs by themselves before they are
   *     signalled: long enough for an upload in flight ({@link #defaultStopGrace})
   * @param now asked repeatedly while waiting: true cuts the grace short (a second Ctrl+C)
   */
  public record StopRequest(StopReason reason, Duration grace, BooleanSupplier now) {
    public StopRequest(StopReason reason, Duration grace) {
      this(reason, grace, () -> false);
    }
  }

  /**
   * What {@link #stop} did.
   *
   * @param failed one line per host that could not be reached or whose stop command failed (its
   *     injector may still run): the host's name and why
   */
  public record Stopped(RunRecord run, List<String> failed) {}

  /**
   * The grace for a workload whose requests may take up to {@code requestTimeout}: an upload in
   * flight completes (or times out), then Gatling ends its run, writes out its log and its JVM
   * exits, which takes a few seconds more on a busy host.
   */
  public static Duration defaultStopGrace(Duration requestTimeout) {
    return requestTimeout.plus(GATLING_END);
  }

  /**
   * Stops every started injector of the run without losing its log: each is asked to end its run
   * (its simulation sees the stop file within a second, its students leave, requests in flight
   * complete, Gatling ends normally and writes out simulation.log); those still running after the
   * grace (or at once, when {@code request.now()} turns true) are sent TERM, then KILL, and lose
   * what their Gatling still buffered. Says per host how it ended, and records it in run.json with
   * the reason.
   */
  public static Stopped stop(
      RunRecord run, Fleet fleet, Path resultsRoot, StopRequest request, PrintWriter out)
      throws IOException {
    requestStop(resultsRoot, run.runId(), request.reason());
    long graceS = request.grace().toSeconds();
    // Also hosts without a recorded pid: an interrupted start may have started them anyway.
    Set<String> pending = new LinkedHashSet<>();
    run.hosts().stream().filter(h -> h.users() > 0).forEach(h -> pending.add(h.name()));
    out.printf(
        "stopping %d injector%s (%s): asked each to end its run; %d s (the grace) before any still"
            + " running is signalled%n",
        pending.size(), pending.size() == 1 ? "" : "s", request.reason().describe(), graceS);
    out.flush();
    Map<String, HostRun.StopOutcome> outcomes = new LinkedHashMap<>();
    Map<String, String> messages = new LinkedHashMap<>();
    Map<String, String> unreachable = new LinkedHashMap<>();
    Set<String> asked = new HashSet<>();
    long start = System.nanoTime();
    while (!pending.isEmpty()) {
      Map<String, Fleet.Result<Injector.Ending>> endings =
          fleet.each(pending, remote -> Injector.end(remote, run.host(remote.host().name())));
      double after = (System.nanoTime() - start) / 1e9;
      for (Map.Entry<String, Fleet.Result<Injector.Ending>> e : endings.entrySet()) {
        String name = e.getKey();
        Fleet.Result<Injector.Ending> r = e.getValue();
        if (!r.ok()) {
          if (unreachable.put(name, r.message()) == null) {
            out.printf(
                "  %-16s cannot be reached (%s); asking again every %d s until the grace ends%n",
                name, r.message(), TICK.toSeconds());
          }
          continue;
        }
        if (unreachable.remove(name) != null) {
          out.printf("  %-16s reachable again%n", name);
        }
        Injector.Ending ending = r.value();
        // "ended": asked before, by this process or another (`loadfleet stop` beside the run).
        boolean askedElsewhere = ending.answer().equals("ended") && !asked.contains(name);
        if (ending.answer().equals("asked") || ending.answer().equals("ended")) {
          asked.add(name);
        }
        if (ending.running()) {
          continue;
        }
        pending.remove(name);
        if (asked.contains(name)) {
          outcomes.put(name, HostRun.StopOutcome.ENDED);
          messages.put(
              name,
              askedElsewhere
                  // asked by another launcher process before this one looked
                  ? "had ended its run by itself on an earlier request; its log is complete"
                  : String.format(
                      Locale.ROOT,
                      "ended its run by itself %.1f s after the stop request; its log is complete",
                      after));
          out.printf("  %-16s %s%n", name, messages.get(name));
        } else {
          out.printf("  %-16s not running (%s)%n", name, ending.status().text());
        }
      }
      out.flush();
      if (pending.isEmpty()
          || request.now().getAsBoolean()
          || System.nanoTime() - start >= request.grace().toNanos()) {
        break;
      }
      sleepUnlessNow(TICK, request.now());
    }

    if (!pending.isEmpty()) {
      boolean now = request.now().getAsBoolean();
      double after = (System.nanoTime() - start) / 1e9;
      Map<String, Fleet.Result<String>> signalled =
          fleet.each(pending, remote -> Injector.stop(remote, run.host(remote.host().name()), 0));
      for (Map.Entry<String, Fleet.Result<String>> e : signalled.entrySet()) {
        String name = e.getKey();
        Fleet.Result<String> r = e.getValue();
        if (!r.ok()) {
          unreachable.put(name, r.message());
          continue;
        }
        unreachable.remove(name);
        String why =
            now
                ? String.format(Locale.ROOT, "still running %.1f s after the stop request", after)
                : "still running after the " + graceS + " s grace";
        switch (r.value()) {
          case "terminated", "killed" -> {
            HostRun.StopOutcome o =
                r.value().equals("killed")
                    ? HostRun.StopOutcome.KILLED
                    : HostRun.StopOutcome.TERMINATED;
            outcomes.put(name, o);
            messages.put(
                name,
                why
                    + (o == HostRun.StopOutcome.KILLED
                        ? ": sent TERM, then KILL 10 s later"
                        : ": sent TERM")
                    + "; its log lacks what Gatling still buffered (up to 8 KiB, about 370"
                    + " records)");
          }
          case "ended" -> {
            outcomes.put(name, HostRun.StopOutcome.ENDED);
            messages.put(
                name, "ended its run by itself just as the grace ran out; its log is complete");
          }
          default -> {
            out.printf("  %-16s %s%n", name, r.value());
            continue;
          }
        }
        out.printf("  %-16s %s%n", name, messages.get(name));
      }
    }
    List<String> failed = new ArrayList<>();
    unreachable.forEach(
        (name, why) -> {
          out.printf(
              "  %-16s FAILED: %s; its injector may still run%s%n",
              name, why, asked.contains(name) ? " (it was asked to end its run)" : "");
          failed.add(name + " (" + why + ")");
        });
    out.flush();
    RunRecord updated = record(run, resultsRoot, request.reason(), outcomes, messages);
    return new Stopped(updated, failed);
  }

  /**
   * Writes what the stop did into the freshest run.json: {@code loadfleet stop} may run while the
   * run's own process writes it too, so the file is read again, and left alone once it says how the
   * run ended.
   */
  private static RunRecord record(
      RunRecord given,
      Path resultsRoot,
      StopReason reason,
      Map<String, HostRun.StopOutcome> outcomes,
      Map<String, String> messages)
      throws IOException {
    RunRecord run = given;
    if (Files.isRegularFile(RunRecord.file(resultsRoot, given.runId()))) {
      run = RunRecord.read(resultsRoot, given.runId());
    }
    boolean ended = run.ended();
    run = run.withStopped(reason);
    for (Map.Entry<String, HostRun.StopOutcome> e : outcomes.entrySet()) {
      run = run.withHost(e.getKey(), h -> h.withStop(e.getValue(), messages.get(e.getKey())));
    }
    if (!ended) {
      run.write(resultsRoot);
    }
    return run;
  }

  private static void sleepUnlessNow(Duration d, BooleanSupplier now) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end && !now.getAsBoolean()) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        // a request arriving during the stop; the stop goes on
      }
    }
  }

  /**
   * The longest {@link #stop} waits: the grace, one last round of questions, and the signals with
   * the wait after TERM.
   */
  public static Duration stopBound(Duration grace) {
    return grace
        .plus(TICK)
        .plus(Injector.commandTimeout().multipliedBy(2))
        .plus(Injector.stopTimeout(0));
  }

  /** {@code results/<runId>/stop-request.json}: how another process asks a running run to stop. */
  static Path stopRequestFile(Path resultsRoot, String runId) {
    return resultsRoot.resolve(runId).resolve("stop-request.json");
  }

  /**
   * Asks the run to stop, from any launcher process: the process running it sees the request within
   * a second. The first request stays; later ones are ignored.
   */
  public static void requestStop(Path resultsRoot, String runId, StopReason why)
      throws IOException {
    Path file = stopRequestFile(resultsRoot, runId);
    if (Files.exists(file)) {
      return;
    }
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "stop-request", ".tmp");
    try {
      STOP_JSON.writeValue(tmp.toFile(), why);
      // A hard link appears whole and fails when the name exists: the first request wins.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      // asked already
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The request to stop the run, if a launcher process made one. */
  public static Optional<StopReason> stopRequest(Path resultsRoot, String runId) {
    Path file = stopRequestFile(resultsRoot, runId);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(STOP_JSON.readValue(file.toFile(), StopReason.class));
    } catch (IOException e) {
      // Not a request this launcher wrote: say so rather than stop for an unreadable reason.
      return Optional.of(
          StopReason.launcher(
              file + " asks the run to stop, but cannot be read (" + e.getMessage() + ")"));
    }
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
    // A stop asked for from another process that the run's own process did not live to record.
    Optional<StopReason> stopped =
        run.stopReason().or(() -> stopRequest(resultsRoot, recorded.runId()));
    if (stopped.isPresent()) {
      run = run.withStopped(stopped.get());
    }
    run.write(resultsRoot);
    List<Reporting.HostLog> logs = logs(run, trips);
    List<String> unfinished = unfinished(run);
    Optional<ServiceCounter.Count> serviceCount = countStored(run, options, logs, out);
    Map<String, String> withoutLog = withoutLog(run, trips, logs, hostsDir);
    withoutLog.forEach((name, why) -> err.println("report: " + name + " left out: " + why));

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
        Map<String, Reporting.HostNotes> notes = notes(run, health);
        withoutLog.forEach((name, why) -> notes.get(name).fields().put("log", why));
        report =
            Optional.of(
                reporting.report(
                    logs,
                    runDir.resolve("report"),
                    notes,
                    new Reporting.RunNotes(
                        run.t0(), serviceCount, stopped.map(StopReason::toJson))));
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
            new RunOutcome.Findings(
                options.interrupted(), stopped.map(StopReason::by), verdict, unfinished, saturated),
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
    stopped.ifPresent(why -> out.println("stopped early " + why.describe()));
    report.get().serviceCount().ifPresent(out::println);
    if (!unfinished.isEmpty()) {
      out.println(
          (stopped.isPresent() ? "hosts: " : "partial run: ") + String.join("; ", unfinished));
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

  /**
   * Why each started host has no log in the report, in words that say what happened: a host that
   * ran requests and whose log is empty was ended before Gatling wrote out its first 8 KiB, which
   * its progress file shows; a host that never got that far says so.
   */
  static Map<String, String> withoutLog(
      RunRecord run,
      Map<String, Collector.Trip> trips,
      List<Reporting.HostLog> logs,
      Path hostsDir) {
    Map<String, String> why = new LinkedHashMap<>();
    for (HostRun h : run.hosts()) {
      if (!h.started() || logs.stream().anyMatch(l -> l.name().equals(h.name()))) {
        continue;
      }
      Collector.Trip trip = trips.get(h.name());
      if (trip == null || trip.collected().isEmpty()) {
        why.put(
            h.name(),
            "its files were not brought home"
                + (trip == null ? "" : " (" + trip.problem() + ")")
                + "; run `loadfleet collect --run-id "
                + run.runId()
                + "` once it answers");
        continue;
      }
      Path dir = trip.collected().get().dir();
      String log =
          Files.isRegularFile(dir.resolve("simulation.log"))
              ? "its simulation.log is empty"
              : "it has no simulation.log";
      String ended =
          h.stop()
              .filter(HostRun.StopOutcome::signalled)
              .map(o -> "the injector was " + o.text() + " by the stop")
              .orElse(
                  "the injector was "
                      + h.state()
                      + (h.message().isEmpty() ? "" : " (" + h.message() + ")"));
      Optional<Injector.Progress> progress = readProgress(dir.resolve("progress.json"));
      if (progress.isEmpty()) {
        why.put(
            h.name(),
            log
                + " and it wrote no progress file: the simulation did not start; see hosts/"
                + h.name()
                + "/console.log");
      } else if (progress.get().requestsOk() + progress.get().requestsKo() == 0) {
        why.put(
            h.name(),
            log
                + ": the simulation started but its students had sent no request yet when "
                + ended);
      } else {
        Injector.Progress p = progress.get();
        why.put(
            h.name(),
            String.format(
                Locale.ROOT,
                "%s although its progress file counted %d requests (%d OK, %d KO): %s before"
                    + " Gatling wrote out its first 8 KiB of records, so they are not in the"
                    + " report",
                log,
                p.requestsOk() + p.requestsKo(),
                p.requestsOk(),
                p.requestsKo(),
                ended));
      }
    }
    return why;
  }

  private static Optional<Injector.Progress> readProgress(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Injector.Progress.parse(Files.readString(file)))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
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
      h.stop().ifPresent(o -> n.put("stop", o.text()));
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
