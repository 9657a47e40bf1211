package dev.loadfleet.run;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.health.HealthRecorder;
import dev.loadfleet.health.HealthSample;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.live.Frame;
import dev.loadfleet.live.HostInput;
import dev.loadfleet.live.LiveBoard;
import dev.loadfleet.live.TerminalView;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches the started injectors: one poller thread per host reads its state and progress.json over
 * SSH; every poll interval the hosts' progress is merged into the run's live figures ({@link
 * LiveBoard}), the stop criteria are judged on them, and the live view shows them. A host silent
 * for {@code lostAfter} is marked lost while the others go on, and running again if it comes back.
 * A criterion that held for its window asks the run to stop through its {@link Interruption}.
 */
final class Monitor {
  /** What the launcher last heard from one host. */
  private static final class Live {
    volatile long lastSeenNanos = System.nanoTime();
    volatile Injector.Poll last;
    volatile Injector.Progress previous;
    volatile long lostSinceNanos;

    /** Why the latest poll got no usable answer, if it did not. */
    volatile String pollError;

    /** Health sampling, once the JVM's pid is known; used by the poller thread only. */
    HealthRecorder health;

    long lastHealthNanos;
    volatile String healthLine = "";
    volatile HealthSample lastSample;
  }

  /**
   * Where the live figures go.
   *
   * @param board merges the hosts' progress at every poll (the dashboard reads it)
   * @param view the terminal view
   * @param criteria the stop criteria
   * @param interruption asked to stop the run when a criterion fires
   * @param service samples the service's own host, when the inventory names it
   */
  record Watchers(
      LiveBoard board,
      TerminalView view,
      CriteriaWatch criteria,
      Interruption interruption,
      Optional<ServiceWatch> service) {
    Watchers(
        LiveBoard board, TerminalView view, CriteriaWatch criteria, Interruption interruption) {
      this(board, view, criteria, interruption, Optional.empty());
    }
  }

  /** Health samples are taken at most this often (each costs the host ~9 ms CPU, ~50 KB). */
  static final Duration HEALTH_EVERY = Duration.ofMillis(1900);

  /**
   * A first student later than this after T0 is said live. The report's verdict flags 500 ms,
   * judged on the merged log; the progress file's start is read a little later than the log's (40
   * ms on the test bed), and a host about 450 ms late is common on a busy one, so the live view
   * says only what the report will also say.
   */
  static final Duration LATE = Duration.ofSeconds(1);

  private final Fleet fleet;
  private final Path resultsRoot;
  private final Duration poll;
  private final Duration lostAfter;
  private final Duration lostWait;
  private final Watchers watchers;
  private final Map<String, Live> live = new ConcurrentHashMap<>();

  /** Hosts whose first student's start was judged already (it is judged once). */
  private final Set<String> startJudged = new HashSet<>();

  private final List<Thread> pollers = new ArrayList<>();
  private RunRecord run;
  private ServiceWatch.Standing serviceStanding = ServiceWatch.Standing.CONNECTING;

  Monitor(
      RunRecord run,
      Fleet fleet,
      Path resultsRoot,
      Duration poll,
      Duration lostAfter,
      Duration lostWait,
      PrintWriter out) {
    this(
        run,
        fleet,
        resultsRoot,
        poll,
        lostAfter,
        lostWait,
        new Watchers(
            new LiveBoard(run.runId(), run.t0()),
            TerminalView.plain(out),
            new CriteriaWatch(List.of()),
            new Interruption()));
  }

  Monitor(
      RunRecord run,
      Fleet fleet,
      Path resultsRoot,
      Duration poll,
      Duration lostAfter,
      Duration lostWait,
      Watchers watchers) {
    this.run = run;
    this.fleet = fleet;
    this.resultsRoot = resultsRoot;
    this.poll = poll;
    this.lostAfter = lostAfter;
    this.lostWait = lostWait;
    this.watchers = watchers;
  }

  /** Watches until every host is done (or lost for good), or {@code interrupted} is set. */
  RunRecord watch(AtomicBoolean interrupted) throws IOException, InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    watchers.service().ifPresent(ServiceWatch::start);
    for (HostRun h : run.hosts()) {
      if (h.started() && !h.terminal()) {
        live.put(h.name(), new Live());
        Thread t = new Thread(() -> pollLoop(h, stop), "poll-" + h.name());
        t.setDaemon(true);
        t.start();
        pollers.add(t);
      }
    }
    try {
      while (!interrupted.get()) {
        Thread.sleep(poll.toMillis());
        update();
        if (showAndJudge() || finished()) {
          break;
        }
      }
    } finally {
      stop.set(true);
      pollers.forEach(Thread::interrupt);
      watchers.service().ifPresent(ServiceWatch::close);
      for (Thread t : pollers) {
        t.join(5000); // the recorders are theirs until they end
      }
    }
    return run;
  }

  private void pollLoop(HostRun h, AtomicBoolean stop) {
    while (!stop.get()) {
      Live l = live.get(h.name());
      try {
        Optional<RemoteHost> remote = fleet.get(h.name());
        if (remote.isEmpty() || !remote.get().isConnected()) {
          remote = fleet.reconnect(h.spec());
        }
        if (remote.isPresent()) {
          Injector.Poll p = Injector.poll(remote.get(), h);
          if (l.last != null
              && l.last.progress().isPresent()
              && (p.progress().isEmpty()
                  || p.progress().get().time() != l.last.progress().get().time())) {
            l.previous = l.last.progress().get();
          }
          l.last = p;
          l.lastSeenNanos = System.nanoTime();
          l.pollError = null;
          sampleHealth(remote.get(), h, l, p);
        }
      } catch (IOException | RuntimeException e) {
        if (stop.get()) {
          return; // the watch is over (or interrupted): the connection stays for stop and collect
        }
        // Silence is what marks a host lost, and an answer that cannot be read is no answer: it
        // is this host's problem, never the run's. A connection that failed a command (a cut
        // link stalls it until keep-alive gives up) is dropped, so the next poll reconnects.
        l.pollError = e.getMessage() == null ? e.toString() : e.getMessage();
        fleet.disconnect(h.name());
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sampleHealth(RemoteHost remote, HostRun h, Live l, Injector.Poll p) {
    if (!p.running()
        || p.jvmPid().isEmpty()
        || System.nanoTime() - l.lastHealthNanos < HEALTH_EVERY.toNanos()) {
      return;
    }
    try {
      if (l.health == null) {
        // run.json keeps the declared NIC and interface, so collect judges with the same figures.
        HostSpec spec = h.spec();
        l.health =
            new HealthRecorder(
                h.name(),
                java.util.OptionalInt.of(p.jvmPid().getAsInt()),
                spec.netInterface(),
                spec.nicBitsPerSecond(),
                resultsRoot.resolve(run.runId()).resolve("hosts").resolve(h.name()),
                Saturation.Settings.DEFAULTS);
      }
      l.lastHealthNanos = System.nanoTime();
      // The sampler's command is quote-free and meant for sh, whatever the login shell.
      ExecResult r =
          remote.exec("sh -c " + Shell.quote(l.health.command()), Duration.ofSeconds(10));
      l.health.accept(r.stdout(), System.currentTimeMillis()).ifPresent(x -> l.lastSample = x);
      l.healthLine = l.health.liveLine();
    } catch (IOException e) {
      l.healthLine = "health: " + e.getMessage();
    }
  }

  private void update() throws IOException {
    long now = System.nanoTime();
    watchers.service().ifPresent(s -> serviceEvent(s, now));
    for (HostRun h : run.hosts()) {
      Live l = live.get(h.name());
      if (l == null || h.terminal()) {
        continue;
      }
      if (l.last != null && !startJudged.contains(h.name())) {
        l.last.progress().ifPresent(p -> judgeStart(h, p));
      }
      HostRun next = h;
      if (now - l.lastSeenNanos > lostAfter.toNanos()) {
        if (h.state() != HostState.LOST) {
          l.lostSinceNanos = now;
          next =
              h.withState(
                  HostState.LOST,
                  "no answer for "
                      + lostAfter.toSeconds()
                      + " s"
                      + (l.pollError == null ? "" : " (last: " + l.pollError + ")"));
        }
      } else if (l.last != null) {
        next = l.last.status().applyTo(h);
      }
      if (changed(h, next)) {
        event(h, next);
        HostRun after = next;
        run = run.withHost(h.name(), x -> after);
        run.write(resultsRoot);
      }
    }
  }

  /**
   * One line in the live view when a host's first student started more than {@link #LATE} after T0
   * (clock offset applied): its Gatling was not ready when the others began, so the fleet's load
   * ramps up unevenly. Judged once, at the first progress that has a start.
   */
  private void judgeStart(HostRun h, Injector.Progress p) {
    if (p.injectionStart() <= 0) {
      return;
    }
    startJudged.add(h.name());
    long late = p.injectionStart() - h.clock().offsetMs() - run.t0();
    if (late > LATE.toMillis()) {
      event(
          String.format(
              Locale.ROOT,
              "%s started its first students %.1f s after T0: its Gatling was not ready in time,"
                  + " so its share of the load began late (a longer --start-delay avoids it; the"
                  + " report names the host)",
              h.name(),
              late / 1000.0));
    }
  }

  /** One line in the live view when the service's host changes standing. */
  private void serviceEvent(ServiceWatch service, long now) {
    ServiceWatch.Standing before = serviceStanding;
    ServiceWatch.Standing after = service.standing(now);
    serviceStanding = after;
    if (after == before) {
      return;
    }
    switch (after) {
      case UNREACHABLE, LOST -> event(service.message(after));
      case UP -> {
        if (before != ServiceWatch.Standing.CONNECTING) {
          event(service.name() + " (service host) recovered: health sampled again");
        }
      }
      default -> {}
    }
  }

  /** One line in the live view when a host changes state. */
  private void event(HostRun before, HostRun after) {
    String name = after.name();
    HostState state = after.state();
    if (state == HostState.LOST) {
      event(name + " lost: " + after.message());
    } else if (state == HostState.RUNNING) {
      if (before.state() == HostState.LOST) {
        event(name + " recovered: answering again, injector still running");
      }
    } else if (after.exitCode().isPresent()) {
      event(name + " " + state + " (exit " + after.exitCode().getAsInt() + ")");
    } else if (state == HostState.STOPPED) {
      event(name + " stopped");
    } else {
      event(name + " " + state + ": " + after.message());
    }
  }

  /** Whether a poll moved the host to another state or exit code than run.json records. */
  static boolean changed(HostRun before, HostRun after) {
    return before.state() != after.state() || !before.exitCode().equals(after.exitCode());
  }

  private boolean finished() {
    long now = System.nanoTime();
    boolean othersDone = true;
    for (HostRun h : run.hosts()) {
      if (!h.terminal() && h.state() != HostState.LOST) {
        othersDone = false;
      }
    }
    if (!othersDone) {
      return false;
    }
    // Only lost hosts remain: give them lostWait to come back, then collect what there is.
    for (HostRun h : run.hosts()) {
      Live l = live.get(h.name());
      if (h.state() == HostState.LOST && l != null && now - l.lostSinceNanos < lostWait.toNanos()) {
        return false;
      }
    }
    return true;
  }

  private void event(String text) {
    watchers.view().event(text);
  }

  /**
   * Merges this poll's figures, judges the criteria on them, publishes and shows them.
   *
   * @return whether a criterion fired: the run was asked to stop
   */
  private boolean showAndJudge() {
    long now = System.currentTimeMillis();
    Frame frame = watchers.board().next(now, inputs());
    CriteriaWatch.Judgement j = watchers.criteria().judge(frame);
    frame = frame.withCriteria(j.views());
    if (j.fired().isPresent()) {
      frame = frame.withStatus("stopping", j.fired().get().detail(), null);
    }
    watchers.board().publish(frame);
    watchers.view().show(frame);
    if (j.fired().isEmpty()) {
      return false;
    }
    event(j.fired().get().detail());
    watchers.interruption().request(j.fired().get());
    // The request wakes the run's thread, this one: the stop that follows must be able to block.
    Thread.interrupted();
    return true;
  }

  /** What the launcher knows of each host now, for the live figures. */
  private List<HostInput> inputs() {
    List<HostInput> inputs = new ArrayList<>();
    for (HostRun h : run.hosts()) {
      Live l = live.get(h.name());
      Injector.Poll last = l == null ? null : l.last;
      inputs.add(
          new HostInput(
              h.name(),
              HostInput.Role.INJECTOR,
              h.state().toString(),
              h.state() == HostState.LOST,
              h.message() == null ? "" : h.message(),
              h.users(),
              h.clock().offsetMs(),
              h.spec().nicBitsPerSecond(),
              last == null ? Optional.empty() : last.progress().map(Injector.Progress::reading),
              l == null ? Optional.empty() : Optional.ofNullable(l.lastSample),
              l == null ? "" : l.healthLine));
    }
    long now = System.nanoTime();
    watchers.service().ifPresent(s -> inputs.add(s.input(now)));
    return inputs;
  }
}
