package dev.loadfleet.run;

import dev.loadfleet.check.CheckOptions;
import dev.loadfleet.check.Checker;
import dev.loadfleet.check.ClockOffset;
import dev.loadfleet.check.HostReport;
import dev.loadfleet.collect.Collector;
import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.StopCriterion;
import dev.loadfleet.deploy.Bundle;
import dev.loadfleet.deploy.Deployer;
import dev.loadfleet.live.Dashboard;
import dev.loadfleet.live.LiveBoard;
import dev.loadfleet.live.TerminalView;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code run}: plan, check, deploy, start every host at one instant, watch, collect, merge, report.
 * An early end (Ctrl+C, {@code loadfleet stop} from another process, a stop criterion, the
 * launcher's own stop of a lost host that came back) stops every remote injector without losing its
 * log ({@link RunControl#stop}), then collects and reports what ran, marked stopped.
 */
public final class Runner {
  /**
   * @param startDelay how far ahead of now T0 is put (time for every JVM to start)
   * @param poll how often hosts are polled and the live view printed (at most 5 s)
   * @param lostAfter silence after which a host is marked lost
   * @param lostWait how long lost hosts may come back once every other host is done
   * @param onSaturation whether a saturated injector fails the run or is only reported
   * @param stopGrace how long a stop lets the injectors end their runs by themselves before it
   *     signals them; empty: {@link RunControl#defaultStopGrace} of the workload's request timeout
   * @param stopWhen stop criteria besides the inventory's ({@code --stop-when})
   * @param dashboard where the live dashboard listens; empty for none
   */
  public record Options(
      Path results,
      Optional<Path> bundle,
      boolean dryRun,
      Duration startDelay,
      Duration poll,
      Duration lostAfter,
      Duration lostWait,
      Optional<String> runId,
      RunOutcome.OnSaturation onSaturation,
      Optional<Duration> stopGrace,
      List<StopCriterion> stopWhen,
      Optional<Dashboard.Options> dashboard) {
    public Options {
      stopWhen = List.copyOf(stopWhen);
    }

    /** With the workload's stop grace, no stop criteria besides the inventory's, no dashboard. */
    public Options(
        Path results,
        Optional<Path> bundle,
        boolean dryRun,
        Duration startDelay,
        Duration poll,
        Duration lostAfter,
        Duration lostWait,
        Optional<String> runId,
        RunOutcome.OnSaturation onSaturation) {
      this(
          results,
          bundle,
          dryRun,
          startDelay,
          poll,
          lostAfter,
          lostWait,
          runId,
          onSaturation,
          Optional.empty(),
          List.of(),
          Optional.empty());
    }
  }

  private Runner() {}

  /** A run that Ctrl+C interrupts (through a JVM shutdown hook). */
  public static RunOutcome run(
      Inventory inventory,
      SshOptions ssh,
      Options options,
      Reporting reporting,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    return run(inventory, ssh, options, reporting, null, out, err);
  }

  /**
   * @param interruption the stop request to honour, or null to install the Ctrl+C hook
   */
  public static RunOutcome run(
      Inventory inventory,
      SshOptions ssh,
      Options options,
      Reporting reporting,
      Interruption interruption,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    Plan plan = Plan.of(inventory);
    plan.print(inventory, out);
    Duration grace =
        options
            .stopGrace()
            .orElse(
                RunControl.defaultStopGrace(
                    inventory.workloadFor(confDir()).target().requestTimeout()));
    if (options.dryRun()) {
      out.println("dry run: nothing started");
      return RunOutcome.OK;
    }
    Bundle bundle = Bundle.of(Bundle.locate(options.bundle()));
    out.flush();
    try (Fleet fleet = Fleet.connect(inventory.hosts(), ssh)) {
      List<HostReport> reports =
          Checker.checkAll(
              fleet, plan, inventory.target(), new CheckOptions(false, bundle.bytes()));
      Checker.print(reports, out);
      if (!Checker.allOk(reports)) {
        err.println(
            "run refused: fix the hosts above (loadfleet check -i " + inventory.source() + ")");
        return RunOutcome.CHECK_FAILED;
      }
      Map<String, Deployer.HostDeploy> deployed = Deployer.deploy(fleet, bundle, false, out);
      Deployer.print(deployed, bundle, out);
      if (deployed.values().stream().anyMatch(d -> d.outcome() == Deployer.Outcome.FAILED)) {
        err.println("run refused: the bundle did not reach every host; nothing was started");
        return RunOutcome.ERROR;
      }
      String runId = options.runId().orElseGet(Runner::newRunId);
      RunRecord run = record(inventory, ssh, plan, reports, bundle, runId, options, grace);
      run.write(options.results());
      out.printf(
          "run %s: T0 %s (in %d s); results in %s%n",
          runId,
          java.time.Instant.ofEpochMilli(run.t0()),
          options.startDelay().toSeconds(),
          options.results().resolve(runId));
      return startWatchCollect(
          run, fleet, inventory, ssh, options, reporting, interruption, out, err);
    }
  }

  private static RunOutcome startWatchCollect(
      RunRecord initial,
      Fleet fleet,
      Inventory inventory,
      SshOptions ssh,
      Options options,
      Reporting reporting,
      Interruption given,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    Interruption interruption = given == null ? new Interruption() : given;
    interruption.attach(Thread.currentThread());
    CountDownLatch done = new CountDownLatch(1);
    // SIGTERM (and Ctrl+C where CtrlC cannot be installed): the JVM runs this hook; it asks the
    // run to stop and waits while the run stops the remote injectors, collects and reports (the
    // JVM exits when the hook returns).
    Thread hook =
        new Thread(
            interruption.onCtrlC(
                done,
                ctrlCBound(reporting, initial.hosts().size(), initial.stopGrace()),
                () -> ProcessHandle.current().descendants(),
                initial.runId(),
                err),
            "loadfleet-interrupt");
    Optional<CtrlC> ctrlC = Optional.empty();
    if (given == null) {
      Runtime.getRuntime().addShutdownHook(hook);
      ctrlC = CtrlC.install(interruption, initial.runId(), initial.stopGrace(), err);
    }
    Thread requests = watchStopRequests(options.results(), initial.runId(), interruption);
    List<StopCriterion> criteria = new ArrayList<>(inventory.stopWhen());
    criteria.addAll(options.stopWhen());
    LiveBoard board = new LiveBoard(initial.runId(), initial.t0());
    Path runDir = options.results().resolve(initial.runId());
    Dashboard dashboard =
        options.dashboard().isEmpty()
            ? null
            : Dashboard.start(
                options.dashboard().get(),
                board,
                runDir.resolve("report"),
                options.poll().toMillis());
    TerminalView view = TerminalView.forConsole(out);
    String header = "run " + initial.runId();
    if (dashboard != null) {
      out.println("dashboard: " + dashboard.address() + " (metrics at /metrics)");
      header += "  dashboard " + dashboard.address();
    }
    if (!criteria.isEmpty()) {
      out.println(
          "stop criteria: "
              + String.join("; ", criteria.stream().map(StopCriterion::text).toList()));
    }
    out.flush();
    view.header(header);
    try {
      RunRecord run = start(initial, fleet, inventory, options.results(), out, err);
      Monitor monitor =
          new Monitor(
              run,
              fleet,
              options.results(),
              options.poll(),
              options.lostAfter(),
              options.lostWait(),
              new Monitor.Watchers(
                  board,
                  view,
                  new CriteriaWatch(criteria),
                  interruption,
                  inventory
                      .service()
                      .map(
                          s ->
                              new ServiceWatch(
                                  s,
                                  ssh,
                                  runDir.resolve("service").resolve(s.host().name()),
                                  Monitor.HEALTH_EVERY,
                                  options.lostAfter()))));
      try {
        run = monitor.watch(interruption.flag());
      } catch (InterruptedException e) {
        // a stop request while sleeping: handled below
      } finally {
        view.close();
      }
      Thread.interrupted(); // clear, so the stop and collect below can block
      if (!interruption.requested()) {
        run = stopLostHostsThatCameBack(run, fleet, options.results(), interruption);
      }
      if (interruption.requested()) {
        StopReason why = interruption.reason().orElseGet(StopReason::ctrlC);
        if (why.by() == StopReason.By.CTRL_C) {
          out.println("interrupted: stopping every injector");
        } else if (why.by() == StopReason.By.CRITERION) {
          out.println(why.detail() + ": stopping every injector");
        }
        board.status("stopping", why.detail(), null);
        run = RunRecord.read(options.results(), run.runId());
        run =
            RunControl.stop(
                    run,
                    fleet,
                    options.results(),
                    new RunControl.StopRequest(why, run.stopGrace(), interruption::escalated),
                    out)
                .run();
      }
      run = run.withTiming("finished", System.currentTimeMillis());
      run.write(options.results());
      boolean ctrlCHere =
          interruption.reason().map(r -> r.by() == StopReason.By.CTRL_C).orElse(false);
      board.status("collecting", null, null);
      RunOutcome outcome =
          RunControl.collectAndReport(
              run,
              fleet,
              options.results(),
              reporting,
              new RunControl.CollectOptions(ctrlCHere, options.onSaturation())
                  .withService(inventory.service()),
              out,
              err);
      Optional<StopReason> fired =
          interruption.reason().filter(r -> r.by() == StopReason.By.CRITERION);
      Path summary = runDir.resolve("report").resolve("summary.json");
      if (fired.isPresent() && java.nio.file.Files.isRegularFile(summary)) {
        StopRecord.addTo(summary, fired.get());
      }
      boolean reported = java.nio.file.Files.isRegularFile(summary);
      board.status(reported ? "reported" : "ended", null, reported ? "report/" : null);
      return outcome;
    } finally {
      requests.interrupt();
      ctrlC.ifPresent(CtrlC::close);
      if (dashboard != null) {
        dashboard.close();
      }
      done.countDown();
      if (given == null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it is waiting for the latch just released
        }
      }
    }
  }

  /**
   * Watches for {@code loadfleet stop} from another process (its request file) and hands it to the
   * run as its stop request; checks twice a second, a file stat each time.
   */
  private static Thread watchStopRequests(Path results, String runId, Interruption interruption) {
    Thread t =
        new Thread(
            () -> {
              while (!interruption.requested()) {
                Optional<StopReason> asked = RunControl.stopRequest(results, runId);
                if (asked.isPresent()) {
                  interruption.request(asked.get());
                  return;
                }
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "loadfleet-stop-requests");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The watch ended with hosts still lost (the others finished, and the lost ones had their wait):
   * asks each again, and a host that answers with its injector still running is stopped by the
   * launcher, so that its log is written out whole before it is collected.
   */
  private static RunRecord stopLostHostsThatCameBack(
      RunRecord run, Fleet fleet, Path results, Interruption interruption) throws IOException {
    List<String> lost =
        run.hosts().stream().filter(h -> h.state() == HostState.LOST).map(HostRun::name).toList();
    if (lost.isEmpty()) {
      return run;
    }
    RunRecord refreshed = RunControl.refresh(run, fleet, results);
    List<String> back =
        lost.stream().filter(name -> refreshed.host(name).state() == HostState.RUNNING).toList();
    if (!back.isEmpty()) {
      interruption.request(
          StopReason.launcher(
              String.join(", ", back)
                  + (back.size() == 1 ? " was" : " were")
                  + " lost and answered again after the other hosts had finished; stopped so"
                  + " that its log is written out whole"));
    }
    return refreshed;
  }

  /**
   * How long a Ctrl+C (or SIGTERM) waits for the run to stop its injectors, collect and report: the
   * sum of their timeouts (downloads and the merge have none of their own; past this the hook ends
   * the report's process rather than orphan it).
   */
  static Duration ctrlCBound(Reporting reporting, int hosts, Duration grace) {
    return RunControl.stopBound(grace)
        .plus(Collector.commandsBound(hosts))
        .plus(reporting.timeout());
  }

  /**
   * Starts every host with users; a host that fails to start is marked failed, the others go on.
   */
  private static RunRecord start(
      RunRecord run,
      Fleet fleet,
      Inventory inventory,
      Path results,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    final RunRecord planned = run;
    Map<String, Fleet.Result<Long>> started =
        fleet.each(
            remote -> {
              HostRun h = planned.host(remote.host().name());
              if (h.users() == 0) {
                return -1L;
              }
              return Injector.start(
                  remote, h, planned.simulation(), knobs(planned, h), inventory.secrets());
            });
    for (HostRun h : planned.hosts()) {
      Fleet.Result<Long> r = started.get(h.name());
      if (h.users() == 0) {
        run = run.withHost(h.name(), x -> x.withState(HostState.IDLE, "no users in the plan"));
      } else if (r.ok()) {
        run = run.withHost(h.name(), x -> x.withStart(r.value()));
        out.printf(
            "  started %-16s pgid %d, %d users from id %d, start at %s (host clock)%n",
            h.name(),
            r.value(),
            h.users(),
            h.share().idOffset(),
            java.time.Instant.ofEpochMilli(h.startAt()));
      } else {
        err.println("start: " + h.name() + ": " + r.message());
        run =
            run.withHost(
                h.name(), x -> x.withState(HostState.FAILED, "did not start: " + r.message()));
      }
    }
    run = run.withTiming("started", System.currentTimeMillis()).withState(RunState.RUNNING, null);
    run.write(results);
    out.flush();
    return run;
  }

  /** The -D knobs of one host: the inventory's workload, then its share and start instant. */
  static Map<String, String> knobs(RunRecord run, HostRun h) {
    Map<String, String> k = new LinkedHashMap<>(run.workload());
    k.put("users", String.valueOf(h.users()));
    k.put("rampRate", String.format(Locale.ROOT, "%.6f", h.share().rampRate()));
    k.put("idOffset", String.valueOf(h.share().idOffset()));
    k.put("startAt", String.valueOf(h.startAt()));
    if (run.target() != null && !run.target().isEmpty()) {
      k.put("baseUrl", run.target());
    }
    return k;
  }

  private static RunRecord record(
      Inventory inventory,
      SshOptions ssh,
      Plan plan,
      List<HostReport> reports,
      Bundle bundle,
      String runId,
      Options options,
      Duration grace) {
    long now = System.currentTimeMillis();
    long t0 = now + options.startDelay().toMillis();
    List<HostRun> hosts = new ArrayList<>();
    for (int i = 0; i < inventory.hosts().size(); i++) {
      HostSpec spec = inventory.hosts().get(i);
      ClockOffset clock = reports.get(i).clock().orElse(ClockOffset.ZERO);
      hosts.add(
          HostRun.planned(
              spec,
              plan.share(spec.name()),
              clock,
              // the same instant, read on the host's clock: its ramp begins with the others'
              t0 + clock.offsetMs(),
              new HostRun.RemotePaths(
                  Deployer.bundleDir(spec, bundle.sha256()), spec.runDir(runId))));
    }
    // Secret knobs are never written down: they reach each injector through its secrets file.
    Map<String, String> workload = new LinkedHashMap<>(inventory.publicKnobs());
    workload
        .keySet()
        .removeAll(List.of("users", "rampRate", "baseUrl")); // per host, or in the record's target
    Map<String, Long> timings = new LinkedHashMap<>();
    timings.put("created", now);
    return new RunRecord(
        runId,
        inventory.source().toAbsolutePath().toString(),
        ssh.knownHosts().toAbsolutePath().toString(),
        inventory.simulation(),
        inventory.target(),
        bundle.sha256(),
        plan.users(),
        plan.rampRate(),
        t0,
        workload,
        hosts,
        timings,
        RunState.STARTING,
        null,
        grace.toMillis(),
        null);
  }

  /** The launcher's conf/ (bin/loadfleet sets loadfleet.conf): the injectors get the same one. */
  public static Path confDir() {
    return Path.of(System.getProperty("loadfleet.conf", "conf"));
  }

  /** Sorts by time, unique across launchers: 20261126-051500-3f9a. */
  /** A fresh run id: UTC time and a random suffix. */
  public static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(java.time.Instant.now())
        + "-"
        + UUID.randomUUID().toString().substring(0, 4);
  }
}
