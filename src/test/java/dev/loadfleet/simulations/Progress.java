package dev.loadfleet.simulations;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatling.javaapi.core.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the students have done so far, counted as the simulation runs, and (when a progress file is
 * configured) rewritten atomically to that file every second for the launcher's live view. The file
 * is one JSON object with the fields of {@link #snapshot}, read by the launcher as {@code
 * dev.loadfleet.run.Injector.Progress}: keep the names; "finished" is true only in the last write.
 */
final class Progress {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final AtomicLong injectionStart = new AtomicLong();
  private final AtomicLong usersStarted = new AtomicLong();
  private final AtomicLong usersDone = new AtomicLong();
  private final AtomicLong uploadsOk = new AtomicLong();
  private final AtomicLong uploadsKo = new AtomicLong();
  private final AtomicLong heartbeatsOk = new AtomicLong();
  private final AtomicLong heartbeatsKo = new AtomicLong();
  private final AtomicLong bytesUploaded = new AtomicLong();
  private ScheduledExecutorService writer;

  Progress(Path file) {
    this.file = file;
  }

  /** Starts the once-a-second writer (no-op without a progress file). */
  synchronized void start() {
    if (file == null || writer != null) {
      return;
    }
    writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "loadfleet-progress");
              t.setDaemon(true);
              return t;
            });
    writer.scheduleAtFixedRate(() -> write(false), 0, 1, TimeUnit.SECONDS);
  }

  /** Stops the writer and writes the last state with "finished": true. */
  synchronized void finish() {
    if (writer == null) {
      return;
    }
    writer.shutdownNow();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    write(true);
    writer = null;
  }

  /** The instant the first student started (0 before), the same on both scenarios' clocks. */
  long injectionStart() {
    long now = System.currentTimeMillis();
    injectionStart.compareAndSet(0, now);
    return injectionStart.get();
  }

  void studentStarted() {
    injectionStart();
    usersStarted.incrementAndGet();
  }

  void studentDone() {
    usersDone.incrementAndGet();
  }

  /**
   * Counts the upload just made as OK or KO, then clears the failed flag so the next request of
   * this student is judged on its own.
   */
  Session countUpload(Session session, long bytes) {
    if (session.isFailed()) {
      uploadsKo.incrementAndGet();
    } else {
      uploadsOk.incrementAndGet();
      bytesUploaded.addAndGet(bytes);
    }
    return session.markAsSucceeded();
  }

  /** Like {@link #countUpload} for a heartbeat. */
  Session countHeartbeat(Session session) {
    (session.isFailed() ? heartbeatsKo : heartbeatsOk).incrementAndGet();
    return session.markAsSucceeded();
  }

  long uploadsOk() {
    return uploadsOk.get();
  }

  long uploadsKo() {
    return uploadsKo.get();
  }

  long heartbeatsOk() {
    return heartbeatsOk.get();
  }

  long heartbeatsKo() {
    return heartbeatsKo.get();
  }

  Map<String, Object> snapshot(boolean finished) {
    Map<String, Object> m = new LinkedHashMap<>();
    long started = usersStarted.get();
    long done = usersDone.get();
    m.put("time", System.currentTimeMillis());
    m.put("injectionStart", injectionStart.get());
    m.put("usersStarted", started);
    m.put("usersActive", started - done);
    m.put("usersDone", done);
    m.put("uploadsOk", uploadsOk.get());
    m.put("uploadsKo", uploadsKo.get());
    m.put("heartbeatsOk", heartbeatsOk.get());
    m.put("heartbeatsKo", heartbeatsKo.get());
    m.put("bytesUploaded", bytesUploaded.get());
    m.put("finished", finished);
    return m;
  }

  private void write(boolean finished) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.write(tmp, JSON.writeValueAsBytes(snapshot(finished)));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // The live view is a convenience: losing one write must not disturb the load.
      System.err.println("loadfleet: cannot write progress file " + file + ": " + e.getMessage());
    }
  }
}
