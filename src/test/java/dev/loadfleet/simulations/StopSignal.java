package dev.loadfleet.simulations;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;

import io.gatling.core.action.Action;
import io.gatling.core.action.ActorDelegatingAction;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * The launcher's request to end the run early: a file (the workload's {@code stopFile}, in the
 * injector's run directory) whose appearance one thread checks for once a second.
 *
 * <p>Why the run ends itself rather than being signalled: Gatling 3.15.1 writes simulation.log
 * through an 8 KiB buffer that it writes out only when full or when its run ends normally
 * (LogFileDataWriter); a signal ends the JVM first, and the buffered records (up to about 370) are
 * lost. So once the file is there no student starts another request, a pause between requests ends
 * at once ({@link #pauseUntil}), a request in flight completes, and the last student to leave stops
 * Gatling's load generator ({@link #leave}): Gatling then ends its run as it would at its planned
 * end, writes out its log and exits with its own code.
 *
 * <p>What it costs a request: the students' loop condition reads one volatile field, and a pause
 * puts its student in a set until it resumes. Without a stop file, the students pause with
 * Gatling's own pause and nothing is polled.
 */
final class StopSignal {
  private static final Duration POLL_EVERY = Duration.ofSeconds(1);
  private static final String LAST_TO_LEAVE = "loadfleet.lastToLeave";

  private final Path file;
  private final CountDownLatch raisedLatch = new CountDownLatch(1);
  private volatile boolean raised;
  private final Set<Parked> parked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger present = new AtomicInteger();
  private ScheduledExecutorService poller;

  /**
   * @param file the stop file, or null for none
   */
  StopSignal(Path file) {
    this.file = file;
  }

  /** Starts the once-a-second check (no-op without a stop file). */
  synchronized void start() {
    if (file == null || poller != null) {
      return;
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "loadfleet-stop");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(
        () -> {
          if (!raised && Files.exists(file)) {
            raise(file + " appeared");
          }
        },
        0,
        POLL_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops the check. */
  synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }

  /** True once the run is to end: the students' loop condition. */
  boolean raised() {
    return raised;
  }

  /** Ends the run early: no new request starts, and every pausing student resumes now. */
  void raise(String why) {
    if (raised) {
      return;
    }
    raised = true;
    raisedLatch.countDown();
    System.out.printf(
        "loadfleet: stop requested at %s (%s): %d virtual users leave (two per student), requests in flight complete,"
            + " then Gatling ends its run and writes out its log%n",
        Instant.now(), why, present.get());
    for (Parked p : parked) {
      p.resume();
    }
  }

  /**
   * Sleeps until {@code epochMs} or until the signal is raised, whichever comes first.
   *
   * @return false when the signal cut the sleep short
   */
  boolean sleepUntil(long epochMs) throws InterruptedException {
    long wait = epochMs - System.currentTimeMillis();
    return wait <= 0 || !raisedLatch.await(wait, TimeUnit.MILLISECONDS);
  }

  /** A virtual user entered the exam (either scenario). */
  Session arrive(Session session) {
    present.incrementAndGet();
    return session;
  }

  /**
   * The end of a scenario: the user leaves, and the last one to leave after the signal stops
   * Gatling's load generator (which would otherwise go on injecting the rest of the ramp), so that
   * Gatling ends its run normally.
   */
  ChainBuilder leave() {
    return exec(session -> session.set(LAST_TO_LEAVE, present.decrementAndGet() == 0 && raised))
        .stopLoadGeneratorIf(
            session -> "the stop file " + file + " appeared and every student has left",
            session -> session.getBoolean(LAST_TO_LEAVE));
  }

  /**
   * A pause until the instant {@code untilEpochMs} gives for the session, which ends at once when
   * the signal is raised. Gatling's own pause cannot be cut short (it schedules the user's next
   * action on its event loop and keeps no handle), so this one is a Gatling action of its own: it
   * schedules the resume the same way, keeps the pausing user in a set, and {@link #raise} resumes
   * everyone in the set. Without a stop file it is Gatling's own pause.
   */
  ChainBuilder pauseUntil(ToLongFunction<Session> untilEpochMs) {
    if (file == null) {
      return pause(
          session ->
              Duration.ofMillis(
                  Math.max(0, untilEpochMs.applyAsLong(session) - System.currentTimeMillis())));
    }
    io.gatling.core.action.builder.ActionBuilder scala =
        new io.gatling.core.action.builder.ActionBuilder() {
          @Override
          public Action build(ScenarioContext ctx, Action next) {
            return new StoppablePause(untilEpochMs, next);
          }
        };
    ActionBuilder java = () -> scala;
    return exec(java);
  }

  /**
   * The pause's action. It extends Gatling's ActorDelegatingAction only to get a concrete Scala
   * Action (logger and name included); it never uses the actor.
   */
  private final class StoppablePause extends ActorDelegatingAction {
    private final ToLongFunction<Session> untilEpochMs;
    private final Action next;

    StoppablePause(ToLongFunction<Session> untilEpochMs, Action next) {
      super("loadfleetStoppablePause", null);
      this.untilEpochMs = untilEpochMs;
      this.next = next;
    }

    @Override
    public void execute(io.gatling.core.session.Session session) {
      long delay;
      try {
        delay = untilEpochMs.applyAsLong(new Session(session)) - System.currentTimeMillis();
      } catch (RuntimeException e) {
        // A pause that cannot say how long it lasts must not strand its student: no pause.
        System.err.println("loadfleet: pause skipped: " + e);
        delay = 0;
      }
      if (delay <= 0 || raised) {
        next.$bang(session);
        return;
      }
      Parked p = new Parked(session, next);
      parked.add(p);
      p.timer = session.eventLoop().schedule(p::resume, delay, TimeUnit.MILLISECONDS);
      if (raised) {
        p.resume(); // raised between the check above and the add: raise() may have missed it
      }
    }
  }

  /** A pausing student: resumed once, by its timer or by the signal. */
  private final class Parked {
    private final io.gatling.core.session.Session session;
    private final Action next;
    private final AtomicBoolean resumed = new AtomicBoolean();
    private volatile ScheduledFuture<?> timer;

    Parked(io.gatling.core.session.Session session, Action next) {
      this.session = session;
      this.next = next;
    }

    void resume() {
      if (!resumed.compareAndSet(false, true)) {
        return;
      }
      parked.remove(this);
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      // Gatling's Action.! runs the next action on the session's own event loop.
      next.$bang(session);
    }
  }
}
