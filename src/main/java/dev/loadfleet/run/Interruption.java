package dev.loadfleet.run;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator's request to stop a run (Ctrl+C). The run stops every injector, then collects and
 * reports what ran. {@link #onCtrlC} wires it to the JVM's shutdown hook.
 */
public final class Interruption {
  private final AtomicBoolean requested = new AtomicBoolean();
  private volatile Thread runThread;

  /** Called by the run on the thread that runs it, so a request can wake it. */
  void attach(Thread thread) {
    runThread = thread;
  }

  public void request() {
    requested.set(true);
    Thread t = runThread;
    if (t != null) {
      t.interrupt();
    }
  }

  public boolean requested() {
    return requested.get();
  }

  AtomicBoolean flag() {
    return requested;
  }
}
