package dev.loadfleet.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A request to end a run early, with its {@link StopReason}: Ctrl+C, {@code loadfleet stop}, a stop
 * criterion or the launcher's own stop. The run asks every injector to end its run (a graceful
 * stop: each Gatling ends normally and writes out its whole log), signals those still running after
 * the grace, then collects and reports what ran. The first reason asked for is the one the run
 * records. {@link #escalate} cuts the grace short (a second Ctrl+C). {@link #onCtrlC} wires it to
 * the JVM's shutdown hook, {@link CtrlC} to the presses of Ctrl+C.
 */
public final class Interruption {
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean escalated = new AtomicBoolean();
  private final AtomicReference<StopReason> reason = new AtomicReference<>();
  private volatile Thread runThread;

  /** Called by the run on the thread that runs it, so a request can wake it. */
  void attach(Thread thread) {
    runThread = thread;
  }

  /** Ctrl+C: {@link #request(StopReason)} with {@link StopReason#ctrlC()}. */
  public void request() {
    request(StopReason.ctrlC());
  }

  /** Asks the run to stop for {@code why}; a later request keeps the first reason. */
  public void request(StopReason why) {
    reason.compareAndSet(null, why);
    requested.set(true);
    Thread t = runThread;
    if (t != null) {
      t.interrupt();
    }
  }

  public boolean requested() {
    return requested.get();
  }

  /**
   * Asks the stop not to wait for the injectors to end by themselves: those still running are
   * signalled at once, and lose what their Gatling still buffers for simulation.log. Also a request
   * (Ctrl+C) when none came before.
   */
  public void escalate() {
    escalated.set(true);
    request();
  }

  /** Whether the stop is to signal every injector still running now, without more grace. */
  public boolean escalated() {
    return escalated.get();
  }

  /** Why the run was asked to stop, once it was. */
  public Optional<StopReason> reason() {
    return Optional.ofNullable(reason.get());
  }

  AtomicBoolean flag() {
    return requested;
  }

  /**
   * What the JVM runs when it is asked to exit (its shutdown hook: SIGTERM, SIGHUP, or Ctrl+C when
   * no {@link CtrlC} handler is installed): asks the run to stop, then waits for it to stop the
   * injectors, collect and report, at most {@code bound}. The JVM halts when the hook returns, and
   * a child process would outlive it: past the bound, this process's children (the forked report
   * generator) are ended, and the message says how to build the report again.
   *
   * @param done released when the run has ended
   * @param children this process's children, ended past the bound
   */
  Runnable onCtrlC(
      CountDownLatch done,
      Duration bound,
      Supplier<Stream<ProcessHandle>> children,
      String runId,
      PrintWriter err) {
    return () -> {
      request(
          new StopReason(
              System.currentTimeMillis(),
              StopReason.By.OPERATOR,
              "the launcher process was asked to exit (a signal: SIGTERM, SIGHUP or SIGINT)"));
      boolean ended;
      try {
        ended = done.await(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        ended = false; // exiting anyway
      }
      if (ended) {
        return;
      }
      List<ProcessHandle> left = children.get().filter(ProcessHandle::isAlive).toList();
      err.println(
          "interrupted: stopping, collecting and reporting took longer than "
              + bound.toMinutes()
              + " min; ending "
              + (left.isEmpty() ? "no" : left.size())
              + " child process"
              + (left.size() == 1 ? "" : "es")
              + " (the report generator) so none outlives the launcher; build the report with"
              + " `loadfleet collect --run-id "
              + runId
              + "`");
      err.flush();
      left.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : left) {
        try {
          p.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          // it was sent KILL; the JVM is going either way
        }
      }
    };
  }
}
