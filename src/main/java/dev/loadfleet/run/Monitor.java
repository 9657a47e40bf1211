package dev.loadfleet.run;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.health.HealthRecorder;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches the started injectors: one poller thread per host reads its state and progress.json over
 * SSH; every poll interval the live view prints a row per host and a total. A host silent for
 * {@code lostAfter} is marked lost while the others go on, and running again if it comes back.
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
  }

  /** Health samples are taken at most this often (each costs the host ~9 ms CPU, ~50 KB). */
  private static final Duration HEALTH_EVERY = Duration.ofMillis(1900);

  private final Fleet fleet;
  private final Path resultsRoot;
  private final Duration poll;
  private final Duration lostAfter;
  private final Duration lostWait;
  private final PrintWriter out;
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final List<Thread> pollers = new ArrayList<>();
  private RunRecord run;

  Monitor(
      RunRecord run,
      Fleet fleet,
      Path resultsRoot,
      Duration poll,
      Duration lostAfter,
      Duration lostWait,
      PrintWriter out) {
    this.run = run;
    this.fleet = fleet;
    this.resultsRoot = resultsRoot;
    this.poll = poll;
    this.lostAfter = lostAfter;
    this.lostWait = lostWait;
    this.out = out;
  }

  /** Watches until every host is done (or lost for good), or {@code interrupted} is set. */
  RunRecord watch(AtomicBoolean interrupted) throws IOException, InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
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
        printView();
        if (finished()) {
          break;
        }
      }
    } finally {
      stop.set(true);
      pollers.forEach(Thread::interrupt);
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
      l.health.accept(r.stdout(), System.currentTimeMillis());
      l.healthLine = l.health.liveLine();
    } catch (IOException e) {
      l.healthLine = "health: " + e.getMessage();
    }
  }

  private void update() throws IOException {
    long now = System.nanoTime();
    for (HostRun h : run.hosts()) {
      Live l = live.get(h.name());
      if (l == null || h.terminal()) {
        continue;
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
    out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + text);
    out.flush();
  }

  private void printView() {
    long elapsed = (System.currentTimeMillis() - run.t0()) / 1000;
    out.printf(
        Locale.ROOT,
        "%s  run %s  T%s%ds%n",
        LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
        run.runId(),
        elapsed >= 0 ? "+" : "",
        elapsed);
    out.printf(
        Locale.ROOT,
        "  %-16s %-9s %7s %9s %9s %7s %8s %10s%n",
        "host",
        "state",
        "active",
        "started",
        "OK",
        "KO",
        "req/s",
        "upload MB/s");
    long active = 0, started = 0, planned = 0, ok = 0, ko = 0;
    double rps = 0, mbps = 0;
    for (HostRun h : run.hosts()) {
      Live l = live.get(h.name());
      Optional<Injector.Progress> p =
          l == null || l.last == null ? Optional.empty() : l.last.progress();
      double hostRps = 0, hostMbps = 0;
      if (p.isPresent() && l.previous != null && p.get().time() > l.previous.time()) {
        double dt = (p.get().time() - l.previous.time()) / 1000.0;
        hostRps =
            (p.get().requestsOk()
                    + p.get().requestsKo()
                    - l.previous.requestsOk()
                    - l.previous.requestsKo())
                / dt;
        hostMbps = (p.get().bytesUploaded() - l.previous.bytesUploaded()) / dt / 1e6;
      }
      if (p.isPresent() && p.get().finished()) {
        hostRps = 0;
        hostMbps = 0;
      }
      long a = p.map(Injector.Progress::usersActive).orElse(0L);
      long s = p.map(Injector.Progress::usersStarted).orElse(0L);
      long o = p.map(Injector.Progress::requestsOk).orElse(0L);
      long k = p.map(Injector.Progress::requestsKo).orElse(0L);
      out.printf(
          Locale.ROOT,
          "  %-16s %-9s %7d %9s %9d %7d %8.1f %10.2f  %s%n",
          h.name(),
          h.state(),
          a,
          s + "/" + h.users(),
          o,
          k,
          hostRps,
          hostMbps,
          l == null ? "" : l.healthLine);
      active += a;
      started += s;
      planned += h.users();
      ok += o;
      ko += k;
      rps += hostRps;
      mbps += hostMbps;
    }
    out.printf(
        Locale.ROOT,
        "  %-16s %-9s %7d %9s %9d %7d %8.1f %10.2f%n",
        "total",
        "",
        active,
        started + "/" + planned,
        ok,
        ko,
        rps,
        mbps);
    out.flush();
  }
}
