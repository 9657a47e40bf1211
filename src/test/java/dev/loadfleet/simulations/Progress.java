package dev.loadfleet.simulations;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.live.ResponseTimeRecorder;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
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
 *
 * <p>With a progress file, every request's response time as Gatling measured it also goes into
 * per-request-name histograms, OK and KO apart ({@link ResponseTimeRecorder}), written under
 * "responseTimes": the launcher's live percentiles. A KO without a response (a timeout, a refused
 * connection) runs no check, so its time is measured around the request instead. Without a progress
 * file nobody reads them, and the requests are built exactly as without this recording; the system
 * property {@code loadfleet.responseTimes=false} does the same with a progress file (the injector
 * benchmark's "before").
 */
final class Progress {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Session keys: Gatling's response time of the last request, and when it was sent. */
  private static final String RESPONSE_TIME = "loadfleet.responseTime";

  private static final String SENT_AT = "loadfleet.sentAt";

  private final Path file;
  private final ResponseTimeRecorder times;
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
    this.times =
        file != null && Boolean.parseBoolean(System.getProperty("loadfleet.responseTimes", "true"))
            ? new ResponseTimeRecorder()
            : null;
  }

  /**
   * The request, made to save Gatling's response time for {@link #countUpload} and {@link
   * #countHeartbeat} when times are recorded; the request alone otherwise.
   */
  ChainBuilder timed(HttpRequestActionBuilder request) {
    if (times == null) {
      return exec(request);
    }
    // The check runs on every response, also one whose status check fails (Gatling 3.15.1
    // evaluates all of a request's checks); it is first so it never depends on the others.
    return exec(session -> session.set(SENT_AT, System.currentTimeMillis()))
        .exec(request.check(responseTimeInMillis().saveAs(RESPONSE_TIME)));
  }

  /**
   * Records the request just made under {@code name}: Gatling's response time, or for a KO that got
   * no response, the time since it was sent. Returns the session without the saved time, so the
   * next request cannot reuse it.
   */
  private Session recordTime(Session session, String name, boolean ok) {
    if (times == null) {
      return session;
    }
    long millis =
        session.contains(RESPONSE_TIME)
            ? session.getInt(RESPONSE_TIME)
            : System.currentTimeMillis() - session.getLong(SENT_AT);
    times.record(name, ok, millis);
    return session.remove(RESPONSE_TIME);
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
    boolean ok = !session.isFailed();
    if (ok) {
      uploadsOk.incrementAndGet();
      bytesUploaded.addAndGet(bytes);
    } else {
      uploadsKo.incrementAndGet();
    }
    return recordTime(session, "upload", ok).markAsSucceeded();
  }

  /** Like {@link #countUpload} for a heartbeat. */
  Session countHeartbeat(Session session) {
    boolean ok = !session.isFailed();
    (ok ? heartbeatsOk : heartbeatsKo).incrementAndGet();
    return recordTime(session, "heartbeat", ok).markAsSucceeded();
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
    if (times != null) {
      m.put("responseTimes", times.snapshot());
    }
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
