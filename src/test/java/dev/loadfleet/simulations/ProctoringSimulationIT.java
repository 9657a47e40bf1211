package dev.loadfleet.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.report.GatlingProcess;
import dev.loadfleet.service.ProctoringService;
import dev.loadfleet.service.ServiceOptions;
import dev.loadfleet.service.ServiceStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real, short Gatling runs of {@link ProctoringSimulation} in a forked JVM (Gatling's own entry
 * point, conf/ on the classpath as in production), checked against the stand-in service's counts.
 *
 * <p>Gatling 3.15.1 no longer writes js/stats.json or js/assertions.json, and the binary
 * simulation.log needs a reader of its own; so the request counts are read from Gatling's console
 * summary (its last "---- Requests ----" table is the final one, the same numbers as the report),
 * and the assertions from the exit code, the console's assertion lines and the report's assertion
 * table.
 */
class ProctoringSimulationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIMULATION = ProctoringSimulation.class.getName();

  @TempDir Path tmp;

  /** A few students for a few seconds, small recordings. */
  private GatlingProcess shortRun() {
    return GatlingProcess.onThisClasspath()
        .withConfigFolder(Path.of("conf"))
        .withJvmOption("-Xmx512m")
        // Gatling's log writer reads String internals; the gatling-maven-plugin adds this
        // option by default, GatlingProcess does not (yet).
        .withJvmOption("--add-opens=java.base/java.lang=ALL-UNNAMED")
        .withSystemProperty("loadfleet.conf", Path.of("conf").toAbsolutePath().toString())
        .withSystemProperty("users", "4")
        .withSystemProperty("rampRate", "4")
        .withSystemProperty("steadyDuration", "5s")
        .withSystemProperty("uploadInterval", "2s")
        .withSystemProperty("heartbeatInterval", "500ms")
        .withSystemProperty("recordingSize", "256KiB")
        .withSystemProperty("idOffset", "100")
        .withSystemProperty("progressFile", tmp.resolve("progress.json").toString());
  }

  @Test
  void embeddedRunReportsTheSameCountsAsTheService() throws Exception {
    Path data = tmp.resolve("server_data");
    // An earlier run's recordings in the same serviceDataDir stay out of this run's folder.
    Path earlier = data.resolve("run-20260101-000000-000/30/recordings/test_100/0.webm");
    Files.createDirectories(earlier.getParent());
    Files.writeString(earlier, "an earlier run");
    Path console = tmp.resolve("console.log");
    int exit =
        shortRun()
            .withSystemProperty("serviceDataDir", data.toString())
            .simulate(SIMULATION, tmp.resolve("results"), console, Duration.ofMinutes(3));
    String out = Files.readString(console);
    assertEquals(GatlingProcess.SUCCESS, exit, out);

    Path run = runFolder(tmp.resolve("results"));
    assertTrue(Files.isRegularFile(run.resolve("index.html")), "no report in " + run);
    assertTrue(Files.isRegularFile(run.resolve("simulation.log")));

    long[] uploads = requestCounts(out, "upload");
    long[] heartbeats = requestCounts(out, "heartbeat");
    JsonNode stats = serviceStats(out);
    assertTrue(uploads[0] >= 4, "every student uploads at least once: " + uploads[0]);
    assertEquals(0, uploads[2], "KO uploads");
    assertEquals(uploads[1], stats.get("uploadsStored").asLong(), out);
    // Every student sends the same recording: hashed once, then verified by comparison.
    long compared = stats.get("uploadsCompared").asLong();
    assertTrue(compared >= 1 && compared < uploads[1], out);
    assertEquals(0, stats.get("uploadsRejected").asLong());
    assertEquals(heartbeats[1], stats.get("heartbeats").asLong(), out);
    assertEquals(4, stats.get("studentsSeen").asLong());
    assertEquals(uploads[1] * 256 * 1024, stats.get("bytesReceived").asLong());
    assertTrue(out.contains("uploads stored by the service " + uploads[1] + " == OK uploads"), out);

    // The files on disk agree, in this run's own folder under the guide's layout, with the
    // shifted student ids.
    List<Path> runs;
    try (Stream<Path> s = Files.list(data)) {
      runs = s.filter(p -> !p.getFileName().toString().equals("run-20260101-000000-000")).toList();
    }
    assertEquals(1, runs.size(), "one new run folder: " + runs);
    assertTrue(
        runs.get(0).getFileName().toString().matches("run-\\d{8}-\\d{6}-\\d{3}"), runs.toString());
    assertTrue(out.contains("recordings under " + runs.get(0)), out);
    Path recordings = runs.get(0).resolve("30/recordings");
    assertEquals("an earlier run", Files.readString(earlier));
    try (Stream<Path> students = Files.list(recordings)) {
      assertEquals(
          List.of("test_100", "test_101", "test_102", "test_103"),
          students.map(p -> p.getFileName().toString()).sorted().toList());
    }
    try (Stream<Path> files = Files.walk(recordings)) {
      assertEquals(uploads[1], files.filter(Files::isRegularFile).count());
    }

    // Assertions were evaluated: console lines and the report's assertion table.
    assertEquals(
        3, count(out, Pattern.compile("^Global: .* : true \\(actual", Pattern.MULTILINE)), out);
    String report = Files.readString(run.resolve("index.html"));
    assertTrue(report.contains("Global: 95th percentile of response time is less than 15000.0"));

    // The progress file's last write.
    JsonNode progress = JSON.readTree(tmp.resolve("progress.json").toFile());
    assertTrue(progress.get("finished").asBoolean());
    assertEquals(4, progress.get("usersStarted").asLong());
    assertEquals(4, progress.get("usersDone").asLong());
    assertEquals(0, progress.get("usersActive").asLong());
    assertEquals(uploads[1], progress.get("uploadsOk").asLong());
    assertEquals(heartbeats[1], progress.get("heartbeatsOk").asLong());
    assertTrue(progress.get("injectionStart").asLong() > 0);
  }

  /** One student for 2 s against the embedded service; its console output, the run passed. */
  private String oneStudent(GatlingProcess run) throws Exception {
    Path console = tmp.resolve("console.log");
    int exit =
        run.withSystemProperty("users", "1")
            .withSystemProperty("steadyDuration", "2s")
            .withSystemProperty("serviceDataDir", tmp.resolve("server_data").toString())
            .simulate(SIMULATION, tmp.resolve("results"), console, Duration.ofMinutes(2));
    String out = Files.readString(console);
    assertEquals(GatlingProcess.SUCCESS, exit, out);
    return out;
  }

  @Test
  void aSingleStudentSitsTheExam() throws Exception {
    // A host's share can be one student; a one-user ramp once injected nobody at all.
    String out = oneStudent(shortRun());
    JsonNode stats = serviceStats(out);
    assertEquals(1, stats.get("studentsSeen").asLong(), out);
    assertTrue(stats.get("uploadsStored").asLong() >= 1, out);
    assertEquals(1, JSON.readTree(tmp.resolve("progress.json").toFile()).get("usersDone").asLong());
  }

  @Test
  void overPlainHttpEveryUploadSendsTheRecordingFromItsFileAndFromMemoryOnRequest()
      throws Exception {
    for (String mode : List.of("", "memory")) {
      String out = oneStudent(shortRun().withSystemProperty("loadfleet.uploadBody", mode));
      long[] uploads = everyUploadVerified(out);
      String sent =
          mode.isEmpty()
              ? "from the recording's file (sendfile) " + uploads[0] + ", from memory 0"
              : "from the recording's file (sendfile) 0, from memory " + uploads[0];
      assertTrue(out.contains("upload bodies sent " + sent), mode + ": " + out);
    }
  }

  @Test
  void gatlingsOwnMultipartPartsStillSendAFormTheServiceVerifies() throws Exception {
    // The reference the injector benchmark compares the default upload body with.
    everyUploadVerified(
        oneStudent(shortRun().withSystemProperty("loadfleet.uploadBody", "gatling")));
  }

  /**
   * Asserts that the run's uploads were all OK and all stored, whole, by the stand-in (which checks
   * each one's size and SHA-256); returns the upload counts: all, OK, KO.
   */
  private static long[] everyUploadVerified(String out) throws Exception {
    long[] uploads = requestCounts(out, "upload");
    JsonNode stats = serviceStats(out);
    assertTrue(uploads[1] >= 1, out);
    assertEquals(0, uploads[2], "KO uploads");
    assertEquals(uploads[1], stats.get("uploadsStored").asLong(), out);
    assertEquals(uploads[1] * 256 * 1024, stats.get("bytesReceived").asLong());
    return uploads;
  }

  @Test
  void failuresFromTheServiceAreKoRequestsAndFailTheSloAssertion() throws Exception {
    // An external service that answers 30 % of requests with 503: KO accounting and a failed run.
    try (ProctoringService service =
        ProctoringService.start(
            ServiceOptions.loopback(tmp.resolve("ext")).withDiscard(true).withFaults(0, 0.3))) {
      Path console = tmp.resolve("console.log");
      int exit =
          shortRun()
              .withSystemProperty("baseUrl", service.baseUrl().toString())
              .simulate(SIMULATION, tmp.resolve("results"), console, Duration.ofMinutes(3));
      String out = Files.readString(console);
      assertEquals(GatlingProcess.ASSERTIONS_FAILED, exit, out);
      assertTrue(out.contains("Global: percentage of failed events is less than 5.0 : false"), out);

      long[] uploads = requestCounts(out, "upload");
      long[] heartbeats = requestCounts(out, "heartbeat");
      ServiceStats stats = service.stats();
      assertEquals(stats.uploadsStored(), uploads[1]);
      assertEquals(stats.uploadsFaulted(), uploads[2]);
      assertEquals(stats.heartbeats(), heartbeats[1]);
      assertEquals(stats.heartbeatsFaulted(), heartbeats[2]);
      assertTrue(uploads[2] + heartbeats[2] > 0, "some requests failed");
      JsonNode progress = JSON.readTree(tmp.resolve("progress.json").toFile());
      assertEquals(uploads[2], progress.get("uploadsKo").asLong());
      assertEquals(heartbeats[2], progress.get("heartbeatsKo").asLong());
    }
  }

  /**
   * The guide's slow cadence (a heartbeat every 10 s, an upload every 30 s) stopped a few seconds
   * in: every student is in its pause, and 10 minutes of exam are left. The stop file ends the run
   * within about two seconds, Gatling ends normally and its log holds every request the service
   * answered, although far less than Gatling's 8 KiB write buffer was ever written.
   */
  @Test
  void theStopFileEndsASlowRunWithinSecondsAndTheLogHoldsEveryRequest() throws Exception {
    Path stop = tmp.resolve("stop");
    Path console = tmp.resolve("console.log");
    Path progress = tmp.resolve("progress.json");
    CompletableFuture<Integer> gatling =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return shortRun()
                    .withSystemProperty("steadyDuration", "10m")
                    .withSystemProperty("uploadInterval", "30s")
                    .withSystemProperty("heartbeatInterval", "10s")
                    .withSystemProperty("stopFile", stop.toString())
                    .withSystemProperty("serviceDataDir", tmp.resolve("server_data").toString())
                    .simulate(SIMULATION, tmp.resolve("results"), console, Duration.ofMinutes(3));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // Every student has sent its first upload and heartbeat and sits in a 10-30 s pause.
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline
        && !(Files.exists(progress)
            && JSON.readTree(progress.toFile()).path("uploadsOk").asLong() == 4
            && JSON.readTree(progress.toFile()).path("heartbeatsOk").asLong() == 4)) {
      Thread.sleep(200);
    }
    Thread.sleep(2000);
    assertTrue(!gatling.isDone(), "the run is still on: " + Files.readString(console));

    Files.writeString(stop, "now\n");
    long askedAt = System.currentTimeMillis();
    long asked = System.nanoTime();
    int exit = gatling.get(60, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - asked) / 1_000_000;
    String out = Files.readString(console);
    assertEquals(GatlingProcess.SUCCESS, exit, out);
    // Seen within the poll's second (plus scheduling on a loaded machine); then the run's end,
    // Gatling's own report included, in a bound generous for a loaded machine.
    Matcher seen = Pattern.compile("loadfleet: stop requested at (\\S+) ").matcher(out);
    assertTrue(seen.find(), out);
    long seenMs = java.time.Instant.parse(seen.group(1)).toEpochMilli() - askedAt;
    System.out.println(
        "ProctoringSimulationIT: stop seen "
            + seenMs
            + " ms, JVM ended "
            + tookMs
            + " ms after the stop file appeared");
    assertTrue(seenMs < 3_000, "seen " + seenMs + " ms after the stop file appeared:\n" + out);
    assertTrue(tookMs < 30_000, "ended " + tookMs + " ms after the stop file appeared:\n" + out);
    assertTrue(out.contains("8 virtual users leave"), out);

    long[] uploads = requestCounts(out, "upload");
    long[] heartbeats = requestCounts(out, "heartbeat");
    JsonNode stats = serviceStats(out);
    assertEquals(stats.get("uploadsStored").asLong(), uploads[1], out);
    assertEquals(stats.get("heartbeats").asLong(), heartbeats[1], out);
    assertEquals(4, uploads[1], "one upload each before the stop");
    Path log = runFolder(tmp.resolve("results")).resolve("simulation.log");
    assertTrue(
        Files.size(log) < 8192, "all of it was in Gatling's unwritten buffer: " + Files.size(log));
    try (SimulationLogReader reader = SimulationLogReader.open(log)) {
      long requests = 0;
      for (LogRecord r = reader.next(); r != null; r = reader.next()) {
        if (r instanceof LogRecord.Request q && q.ok()) {
          requests++;
        }
      }
      assertEquals(uploads[1] + heartbeats[1], requests, "every answered request is in the log");
    }
    JsonNode last = JSON.readTree(progress.toFile());
    assertTrue(last.get("finished").asBoolean());
    assertEquals(0, last.get("usersActive").asLong());
  }

  /** A stop before startAt: nobody waits for the start, no request is sent, Gatling ends. */
  @Test
  void aStopBeforeTheStartEndsTheRunWithoutARequest() throws Exception {
    Path stop = tmp.resolve("stop");
    Path console = tmp.resolve("console.log");
    CompletableFuture<Integer> gatling =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return shortRun()
                    .withSystemProperty(
                        "startAt", String.valueOf(System.currentTimeMillis() + 120_000))
                    .withSystemProperty("stopFile", stop.toString())
                    .withSystemProperty("serviceDataDir", tmp.resolve("server_data").toString())
                    .simulate(SIMULATION, tmp.resolve("results"), console, Duration.ofMinutes(3));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline
        && !(Files.exists(console) && Files.readString(console).contains("loadfleet: waiting"))) {
      Thread.sleep(200);
    }
    Files.writeString(stop, "now\n");
    int exit = gatling.get(60, TimeUnit.SECONDS);
    String out = Files.readString(console);
    // The run ended normally; with no request, Gatling's report generator (which the injectors
    // do not run) refuses to build a report and exits 1, saying so in one of two ways: its run
    // ended in the millisecond it started ("Run didn't last"), or later with no request.
    assertTrue(
        exit == GatlingProcess.SUCCESS
            || out.contains("There were no requests sent during the simulation")
            || out.contains("java.lang.AssertionError: assertion failed: Run didn't last"),
        "exit " + exit + ":\n" + out);
    assertTrue(
        out.contains("loadfleet: students' requests: uploads 0 OK / 0 KO, heartbeats 0 OK / 0 KO"),
        out);
    assertTrue(
        Files.isRegularFile(runFolder(tmp.resolve("results")).resolve("simulation.log")), out);
    assertEquals(0, serviceStats(out).get("heartbeats").asLong(), out);
    assertEquals(0, serviceStats(out).get("uploadsStored").asLong(), out);
  }

  /** Total, OK and KO of one request name in Gatling's last console table. */
  private static long[] requestCounts(String console, String name) {
    Matcher m =
        Pattern.compile(
                "^> " + name + "\\s+\\|\\s+(\\d+)\\s+\\|\\s+(\\d+)\\s+\\|\\s+(\\d+)\\s*$",
                Pattern.MULTILINE)
            .matcher(console);
    long[] last = null;
    while (m.find()) {
      last =
          new long[] {
            Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))
          };
    }
    assertTrue(last != null, "no console counts for " + name + " in:\n" + console);
    assertEquals(last[0], last[1] + last[2]);
    return last;
  }

  private static JsonNode serviceStats(String console) throws Exception {
    Matcher m = Pattern.compile("stand-in service stats: (\\{.*})").matcher(console);
    assertTrue(m.find(), "no service stats printed:\n" + console);
    return JSON.readTree(m.group(1));
  }

  private static Path runFolder(Path results) throws Exception {
    try (Stream<Path> runs = Files.list(results)) {
      List<Path> all = runs.filter(Files::isDirectory).toList();
      assertEquals(1, all.size(), "run folders: " + all);
      return all.get(0);
    }
  }

  private static int count(String text, Pattern p) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
