package dev.loadfleet.run;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl+C on the launcher while it runs a run, press by press. The first asks every injector to end
 * its run (nothing is lost; they have the grace to do it); the second signals every injector still
 * running at once, and says what that costs (what each Gatling still buffers for its log); the
 * third exits without collecting, and says how to stop and collect from another process.
 *
 * <p>The JVM's own SIGINT handling runs the shutdown hooks, and while they run a second Ctrl+C
 * cannot be seen. So while a run is watched, SIGINT gets a handler of its own: {@code
 * sun.misc.Signal} (jdk.unsupported; the JDK's only API for it), called through reflection so that
 * javac warns of no proprietary API. A JVM started with SIGINT ignored keeps ignoring it, and says
 * how else to stop the run.
 */
final class CtrlC implements AutoCloseable {
  private final Interruption interruption;
  private final String runId;
  private final Duration grace;
  private final PrintWriter err;
  private final AtomicInteger presses = new AtomicInteger();
  private Runnable uninstall = () -> {};

  CtrlC(Interruption interruption, String runId, Duration grace, PrintWriter err) {
    this.interruption = interruption;
    this.runId = runId;
    this.grace = grace;
    this.err = err;
  }

  /**
   * Handles SIGINT with {@link #press} until {@link #close}; empty when this JVM cannot (then the
   * shutdown hook handles Ctrl+C as the one request it can see).
   */
  static Optional<CtrlC> install(
      Interruption interruption, String runId, Duration grace, PrintWriter err) {
    CtrlC ctrlC = new CtrlC(interruption, runId, grace, err);
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object sigint = signalClass.getConstructor(String.class).newInstance("INT");
      Object handler =
          Proxy.newProxyInstance(
              CtrlC.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      ctrlC.press();
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "loadfleet Ctrl+C handler";
                  });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object previous = handle.invoke(null, sigint, handler);
      if (previous == handlerClass.getField("SIG_IGN").get(null)) {
        // The JVM leaves an inherited SIG_IGN alone: nobody can press Ctrl+C here anyway.
        err.println(
            "Ctrl+C does not reach this launcher (it was started with SIGINT ignored, as in the"
                + " background of a script or under nohup): `loadfleet stop --run-id "
                + runId
                + "` ends the run early and keeps its report");
        err.flush();
        return Optional.empty();
      }
      ctrlC.uninstall =
          () -> {
            try {
              handle.invoke(null, sigint, previous);
            } catch (ReflectiveOperationException e) {
              // the JVM is ending or the handler stays: Ctrl+C then asks again, harmlessly
            }
          };
      return Optional.of(ctrlC);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** One press of Ctrl+C. */
  void press() {
    int n = presses.incrementAndGet();
    if (n == 1) {
      interruption.request(StopReason.ctrlC());
      err.println(
          "Ctrl+C: asking every injector to end its run (up to "
              + grace.toSeconds()
              + " s; nothing is lost); press Ctrl+C again to signal them now, which loses what"
              + " each Gatling still buffers for its simulation.log (up to 8 KiB, about 370"
              + " records)");
    } else if (n == 2) {
      interruption.escalate();
      err.println(
          "second Ctrl+C: signalling every injector still running now; each loses what its"
              + " Gatling still buffers for simulation.log (up to 8 KiB, about 370 records);"
              + " a third Ctrl+C exits without collecting");
    } else {
      err.println(
          "third Ctrl+C: exiting without collecting or reporting; injectors may still run: `loadfleet"
              + " stop --run-id "
              + runId
              + "`, then `loadfleet collect --run-id "
              + runId
              + "`");
      err.flush();
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
      Runtime.getRuntime().halt(130);
    }
    err.flush();
  }

  /** Gives SIGINT back to the handler it had. */
  @Override
  public void close() {
    uninstall.run();
  }
}
