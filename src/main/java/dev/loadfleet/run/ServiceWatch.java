package dev.loadfleet.run;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.health.HealthRecorder;
import dev.loadfleet.health.HealthSample;
import dev.loadfleet.health.Saturation;
import dev.loadfleet.live.HostInput;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Samples the health of the service's own host (the inventory's {@code service:} section) during a
 * run, with the injectors' sampler, so that a saturated service is told from a saturated injector.
 * Its own thread connects over SSH with the injectors' rules and samples the whole host (no process
 * of its own); the samples go to {@code results/<run-id>/service/<name>/health.jsonl}. It never
 * fails or holds up the run: a host that cannot be reached shows as unreachable, one silent for
 * {@code lostAfter} as lost (its last figures no longer shown), and either comes back by itself.
 */
final class ServiceWatch implements AutoCloseable {
  /** What the live view says of the host, as of one moment. */
  enum Standing {
    /** Not answered yet, nor failed. */
    CONNECTING,
    /** Answered within the lost delay. */
    UP,
    /** Never answered: the connection or the sampler failed, or it is silent for the lost delay. */
    UNREACHABLE,
    /** Answered once, silent since for the lost delay. */
    LOST;

    String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final ServiceHost service;
  private final SshOptions ssh;
  private final Duration every;
  private final Duration lostAfter;
  private final HealthRecorder health;
  private final Object connection = new Object();
  private Thread thread;
  private RemoteHost remote;
  private volatile boolean closed;
  private volatile long sinceNanos = System.nanoTime();
  private volatile long lastAnswerNanos;
  private volatile String error;
  private volatile HealthSample lastSample;
  private volatile String healthLine = "";

  /**
   * @param dir where its health.jsonl is written
   * @param every how often it is sampled
   * @param lostAfter silence after which it shows as lost
   */
  ServiceWatch(ServiceHost service, SshOptions ssh, Path dir, Duration every, Duration lostAfter) {
    this.service = service;
    this.ssh = ssh;
    this.every = every;
    this.lostAfter = lostAfter;
    HostSpec spec = service.host();
    this.health =
        new HealthRecorder(
            spec.name(),
            OptionalInt.empty(),
            spec.netInterface(),
            spec.nicBitsPerSecond(),
            dir,
            Saturation.Settings.DEFAULTS);
  }

  String name() {
    return service.host().name();
  }

  /** Starts sampling on its own thread, until {@link #close}. */
  synchronized void start() {
    if (thread != null) {
      return;
    }
    sinceNanos = System.nanoTime();
    thread = new Thread(this::loop, "service-" + name());
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!closed) {
      sampleOnce();
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One sample: connects if it must, runs the sampler, keeps what it said or why it did not. */
  void sampleOnce() {
    try {
      RemoteHost r = connected();
      if (r == null) {
        return; // closed meanwhile
      }
      // The sampler's command is quote-free and meant for sh, whatever the login shell.
      ExecResult out = r.exec("sh -c " + Shell.quote(health.command()), Duration.ofSeconds(10));
      Optional<HealthSample> s = health.accept(out.stdout(), System.currentTimeMillis());
      s.ifPresent(x -> lastSample = x);
      lastAnswerNanos = System.nanoTime();
      error = health.lastError().orElse(null);
      healthLine = "service host: " + health.liveLine();
    } catch (IOException | RuntimeException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
      drop(); // a connection that failed a command is dropped; the next sample reconnects
    }
  }

  private RemoteHost connected() throws IOException {
    synchronized (connection) {
      if (remote != null && remote.isConnected()) {
        return remote;
      }
    }
    drop();
    RemoteHost fresh = RemoteHost.connect(service.host(), ssh);
    synchronized (connection) {
      if (closed) {
        fresh.close();
        return null;
      }
      remote = fresh;
      return fresh;
    }
  }

  private void drop() {
    RemoteHost old;
    synchronized (connection) {
      old = remote;
      remote = null;
    }
    if (old != null) {
      old.close();
    }
  }

  /** Where the host stands at {@code nowNanos} ({@link System#nanoTime()}). */
  Standing standing(long nowNanos) {
    long last = lastAnswerNanos;
    if (last == 0) {
      // A host that takes the TCP connection and then says nothing fails no call for a long while.
      return error == null && nowNanos - sinceNanos <= lostAfter.toNanos()
          ? Standing.CONNECTING
          : Standing.UNREACHABLE;
    }
    return nowNanos - last > lostAfter.toNanos() ? Standing.LOST : Standing.UP;
  }

  /** Why it stands where it does, one sentence; "" when it is up or connecting. */
  String message(Standing standing) {
    String why = error == null ? "" : " (" + error + ")";
    return switch (standing) {
      case UNREACHABLE ->
          "cannot reach the service host "
              + name()
              + (error == null ? " (no answer for " + lostAfter.toSeconds() + " s)" : why)
              + ": its CPU, NIC and memory are not sampled; the run goes on";
      case LOST ->
          "the service host "
              + name()
              + " gave no health sample for "
              + lostAfter.toSeconds()
              + " s"
              + why
              + "; the run goes on";
      default -> "";
    };
  }

  /** The service's host for the live figures at {@code nowNanos}. */
  HostInput input(long nowNanos) {
    Standing standing = standing(nowNanos);
    boolean lost = standing == Standing.UNREACHABLE || standing == Standing.LOST;
    HostSpec spec = service.host();
    return new HostInput(
        name(),
        HostInput.Role.SERVICE,
        standing.text(),
        lost,
        message(standing),
        0,
        0,
        spec.nicBitsPerSecond(),
        Optional.empty(),
        lost ? Optional.empty() : Optional.ofNullable(lastSample),
        lost ? "" : healthLine);
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2000); // a connect in progress is not waited for: it closes itself when it ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    drop();
  }
}
