package dev.loadfleet.simulations;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import dev.loadfleet.config.Workload;
import dev.loadfleet.config.Workload.Form;
import dev.loadfleet.config.Workload.Heartbeat;
import dev.loadfleet.config.Workload.Population;
import dev.loadfleet.config.Workload.Target;
import dev.loadfleet.config.Workload.Upload;
import dev.loadfleet.service.ProctoringService;
import dev.loadfleet.service.ServiceOptions;
import dev.loadfleet.service.ServiceStats;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.BodyPart;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Students sitting a proctored exam: each uploads a recording chunk every {@code uploadInterval}
 * and, on its own timer, sends a heartbeat every {@code heartbeatInterval}, also while one of its
 * uploads (17.5 MB, several seconds) is still in flight, as the real exam client does.
 *
 * <p><b>The student model.</b> Gatling runs one chain per virtual user, so a student is two virtual
 * users with the same student id: one in "students uploading", one in "students heartbeating". Both
 * scenarios inject the same number of users on the same ramp and each takes the next id from its
 * own counter, so the n-th user of each scenario is student n ({@code studentIdPrefix + (idOffset +
 * n)}). In the report each scenario's active users are the number of students; the global "active
 * users" chart is twice that. Every student stops once the ramp plus {@code steadyDuration} has
 * passed since the first student started (an upload already in flight finishes), or as soon as the
 * launcher's stop file appears ({@link StopSignal}): then the run ends early, normally, with every
 * record in its log.
 *
 * <p>Configuration: conf/workload-{@code <profile>}.yaml plus {@code -D} overrides, validated
 * before any load ({@link Workload}). With no {@code baseUrl}, the stand-in service runs in this
 * JVM on a free loopback port and its stats are printed at the end, beside the report path.
 */
public class ProctoringSimulation extends Simulation {

  // The workload: profile file + -D overrides; fails here, before any load, if invalid.
  static final Workload WORKLOAD = Workload.fromSystemProperties();

  // Its parts, as the story below reads them.
  static final Target TARGET = WORKLOAD.target();
  static final Population STUDENTS = WORKLOAD.population();
  static final Upload UPLOAD = WORKLOAD.upload();
  static final Heartbeat HEARTBEAT = WORKLOAD.heartbeat();
  static final Form FORM = WORKLOAD.form();

  // The recording chunk: made once per JVM, shared by every student.
  static final Recording RECORDING = Recording.of(UPLOAD);

  // The uploads' multipart boundary: one per JVM, never found in the recording.
  static final String BOUNDARY = UploadBody.boundaryAbsentFrom(RECORDING, new Random());

  // How many upload bodies went from the recording's file and how many from its memory.
  static final AtomicLong BODIES_FROM_FILE = new AtomicLong();
  static final AtomicLong BODIES_FROM_MEMORY = new AtomicLong();

  // What the students have done so far (progress file, end-of-run check).
  static final Progress PROGRESS = new Progress(WORKLOAD.progressFile());

  // The launcher's request to end early (its stop file), checked once a second.
  static final StopSignal STOP = new StopSignal(WORKLOAD.stopFile());

  // How early Gatling may build its engine before startAt (see waitUntil).
  static final Duration ENGINE_BUILD_LEAD = Duration.ofSeconds(3);

  // The service under test: baseUrl, or the embedded stand-in's, started in before().
  private static volatile String serviceUrl = TARGET.baseUrl();
  private static volatile ProctoringService embedded;

  // HTTP: JSON answers; the auth header, if any, on every request.
  static final HttpProtocolBuilder httpProtocol = authorized(http.acceptHeader("application/json"));

  // One recording chunk, multipart: ids, chunk sequence number, its size and SHA-256, the bytes.
  static final ChainBuilder upload =
      PROGRESS
          .timed(
              withUploadBody(
                      http("upload")
                          .httpRequest(UPLOAD.method(), session -> url(UPLOAD.path(), session)))
                  .requestTimeout(TARGET.requestTimeout())
                  .check(status().in(200, 201, 204)))
          .exec(session -> PROGRESS.countUpload(session, RECORDING.size()));

  // "I am still here": the student's ids as a small form.
  static final ChainBuilder heartbeat =
      PROGRESS
          .timed(
              http("heartbeat")
                  .httpRequest(HEARTBEAT.method(), session -> url(HEARTBEAT.path(), session))
                  .formParam(FORM.studentIdField(), "#{studentId}")
                  .formParam(FORM.examIdField(), TARGET.examId())
                  .requestTimeout(TARGET.requestTimeout())
                  .check(status().in(200, 201, 204)))
          .exec(session -> PROGRESS.countHeartbeat(session));

  // A student's uploads: one every uploadInterval (start to start) while the exam lasts.
  static final ScenarioBuilder uploading =
      scenario("students uploading")
          .feed(ProctoringSimulation::studentsFromStartAt)
          .exec(session -> started(STOP.arrive(session)))
          .asLongAs(session -> sitting(), "seq")
          .on(every(UPLOAD.interval(), upload))
          .exec(session -> done(session))
          .exec(STOP.leave());

  // The same students' heartbeats, on their own timer, independent of uploads in flight.
  static final ScenarioBuilder heartbeating =
      scenario("students heartbeating")
          .feed(ProctoringSimulation::studentsFromStartAt)
          .exec(session -> STOP.arrive(session))
          .asLongAs(session -> sitting())
          .on(every(HEARTBEAT.interval(), heartbeat))
          .exec(STOP.leave());

  {
    setUp(arrive(uploading), arrive(heartbeating))
        .protocols(httpProtocol)
        // A hard stop, so no run outlives its plan by more than one upload and a minute.
        .maxDuration(
            STUDENTS
                .examDuration()
                .plus(UPLOAD.interval())
                .plus(TARGET.requestTimeout())
                .plus(Duration.ofMinutes(1)))
        // The guide's SLOs.
        .assertions(
            global().failedRequests().percent().lt(WORKLOAD.slo().failedPercent()),
            global().responseTime().mean().lt((int) WORKLOAD.slo().meanMs()),
            global().responseTime().percentile(95.0).lt((int) WORKLOAD.slo().p95Ms()));
  }

  @Override
  public void before() {
    System.out.println("loadfleet workload: " + WORKLOAD);
    if (TARGET.embedded()) {
      ServiceOptions options =
          ServiceOptions.loopback(runDataDir(WORKLOAD.service().dataDir()))
              .withDiscard(WORKLOAD.service().discard());
      try {
        embedded = ProctoringService.start(options);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded stand-in service", e);
      }
      serviceUrl = embedded.baseUrl().toString();
      System.out.println(
          "loadfleet: embedded stand-in service at "
              + serviceUrl
              + (WORKLOAD.service().discard()
                  ? " (discarding uploads)"
                  : ", recordings under " + embedded.options().dataDir()));
    }
    PROGRESS.start();
    STOP.start();
    waitUntil(
        STUDENTS.startAt() - ENGINE_BUILD_LEAD.toMillis(), "to build Gatling's engine before");
  }

  @Override
  public void after() {
    STOP.close();
    PROGRESS.finish();
    System.out.printf(
        "loadfleet: students' requests: uploads %d OK / %d KO, heartbeats %d OK / %d KO%n",
        PROGRESS.uploadsOk(),
        PROGRESS.uploadsKo(),
        PROGRESS.heartbeatsOk(),
        PROGRESS.heartbeatsKo());
    System.out.printf(
        "loadfleet: upload bodies sent from the recording's file (sendfile) %d, from memory %d%n",
        BODIES_FROM_FILE.get(), BODIES_FROM_MEMORY.get());
    if (embedded != null) {
      ServiceStats stats = embedded.stats();
      embedded.close();
      System.out.println("loadfleet: stand-in service stats: " + embedded.statsJson());
      System.out.printf(
          "loadfleet: uploads stored by the service %d %s OK uploads in this run %d%n",
          stats.uploadsStored(),
          stats.uploadsStored() == PROGRESS.uploadsOk() ? "==" : "!= (MISMATCH)",
          PROGRESS.uploadsOk());
    }
  }

  /**
   * This run's own folder under {@code serviceDataDir} ({@code run-<yyyyMMdd-HHmmss-SSS>}, local
   * time), so the recordings of one run never mix with an earlier run's.
   */
  static Path runDataDir(Path serviceDataDir) {
    return serviceDataDir.resolve(
        "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
  }

  /**
   * Sleeps until {@code epochMs} (no-op when it is past, e.g. startAt = 0).
   *
   * <p>Why two waits: Gatling stamps the run start right after {@code before()}, then builds its
   * engine and the scenarios (0.3 s on an idle host, 0.6-2.4 s with four JVMs on two cores), then
   * injects. Waiting in {@code before()} alone lets that build time, different on every host, fall
   * between startAt and the first user. So {@code before()} lets Gatling go {@link
   * #ENGINE_BUILD_LEAD} early, and the rest of the wait happens in the feeders' suppliers, which
   * Gatling calls while building the scenarios (FeedBuilder.build at v3.15.1), after its HTTP
   * engine exists and a few ms before injection: every host's first user starts at startAt. The
   * report's timeline begins up to that lead before the first user. A stop request ends the wait:
   * the students then arrive and leave at once.
   */
  private static void waitUntil(long epochMs, String why) {
    long wait = epochMs - System.currentTimeMillis();
    if (wait > 0) {
      System.out.printf(
          "loadfleet: waiting %.1f s %s startAt %d%n", wait / 1000.0, why, STUDENTS.startAt());
      try {
        STOP.sleepUntil(epochMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for startAt", e);
      }
    }
  }

  /** A scenario's students, handed to Gatling at startAt (see {@link #waitUntil}). */
  private static Iterator<Map<String, Object>> studentsFromStartAt() {
    waitUntil(STUDENTS.startAt(), "for");
    return students();
  }

  /** Each scenario counts its students from 0: the n-th user is student n. */
  private static Iterator<Map<String, Object>> students() {
    return Stream.iterate(0, n -> n + 1)
        .map(n -> Map.<String, Object>of("studentId", STUDENTS.studentId(n)))
        .iterator();
  }

  private static PopulationBuilder arrive(ScenarioBuilder scenario) {
    Duration ramp = STUDENTS.rampDuration();
    // One student has no ramp; rampUsers(1).during(d) injected nobody here (Gatling 3.15.1).
    OpenInjectionStep step =
        ramp.toMillis() < 1 || STUDENTS.users() == 1
            ? atOnceUsers(STUDENTS.users())
            : rampUsers(STUDENTS.users()).during(ramp);
    return scenario.injectOpen(step);
  }

  /**
   * {@code action}, then a pause until {@code interval} after it started (start-to-start, like
   * Gatling's pace) or until the exam ends, whichever comes first: no student idles past the end. A
   * stop request ends the pause at once.
   */
  private static ChainBuilder every(Duration interval, ChainBuilder action) {
    return exec(session -> session.set("slotStart", System.currentTimeMillis()))
        .exec(action)
        .exec(
            STOP.pauseUntil(
                session ->
                    Math.min(session.getLong("slotStart") + interval.toMillis(), examEnd())));
  }

  /** True while the exam lasts and nobody asked the run to stop. */
  private static boolean sitting() {
    return !STOP.raised() && System.currentTimeMillis() < examEnd();
  }

  /** The exam ends the ramp plus steadyDuration after the first student started. */
  private static long examEnd() {
    return PROGRESS.injectionStart() + STUDENTS.examDuration().toMillis();
  }

  private static Session started(Session session) {
    PROGRESS.studentStarted();
    return session;
  }

  private static Session done(Session session) {
    PROGRESS.studentDone();
    return session;
  }

  private static String url(String path, Session session) {
    return serviceUrl
        + path.replace("#{examId}", TARGET.examId())
            .replace("#{studentId}", session.getString("studentId"));
  }

  /**
   * The upload's body: the recording's shared bytes sent without copies ({@link UploadBody}: over
   * plain HTTP from the recording's file with {@code sendfile}, over HTTPS or a proxy from its
   * memory); with {@code -Dloadfleet.uploadBody=memory}, from its memory always; with {@code
   * -Dloadfleet.uploadBody=gatling}, the same form built from Gatling's own multipart parts. The
   * same bytes go on the wire in all three; the other two are what the injector benchmark measures
   * against.
   */
  private static HttpRequestActionBuilder withUploadBody(HttpRequestActionBuilder request) {
    String mode = System.getProperty("loadfleet.uploadBody", "");
    if (mode.equals("gatling")) {
      return request.bodyParts(gatlingParts());
    }
    boolean memoryOnly = mode.equals("memory");
    return request
        .header("Content-Type", UploadBody.mediaType(BOUNDARY))
        .sign(
            (built, session) ->
                built.copyWithNewBody(
                    uploadBody(
                        session,
                        !memoryOnly
                            && UploadBody.canSendFile(
                                RECORDING,
                                built.getUri().isSecured(),
                                built.getProxyServer() != null))));
  }

  /** The upload's form as Gatling's multipart parts, ids as Gatling EL. */
  private static List<BodyPart> gatlingParts() {
    List<BodyPart> parts = new ArrayList<>();
    formFields("#{studentId}", "#{seq}")
        .forEach(field -> parts.add(StringBodyPart(field.getKey(), field.getValue())));
    byte[] bytes = new byte[RECORDING.size()];
    RECORDING.content().getBytes(RECORDING.content().readerIndex(), bytes);
    parts.add(
        ByteArrayBodyPart(FORM.fileField(), bytes)
            .fileName(session -> session.getInt("seq") + RECORDING.extension())
            .contentType("video/webm"));
    return parts;
  }

  /** One upload's form: ids, chunk number, size, SHA-256, any extra fields, then the bytes. */
  private static UploadBody uploadBody(Session session, boolean fromFile) {
    (fromFile ? BODIES_FROM_FILE : BODIES_FROM_MEMORY).incrementAndGet();
    String seq = Integer.toString(session.getInt("seq"));
    return new UploadBody(
        formFields(session.getString("studentId"), seq),
        FORM.fileField(),
        seq + RECORDING.extension(),
        "video/webm",
        BOUNDARY,
        RECORDING,
        fromFile);
  }

  /** The upload's text fields in form order: ids, chunk number, size, SHA-256, extra fields. */
  private static List<Map.Entry<String, String>> formFields(String studentId, String seq) {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    fields.add(Map.entry(FORM.studentIdField(), studentId));
    fields.add(Map.entry(FORM.examIdField(), TARGET.examId()));
    fields.add(Map.entry(FORM.seqField(), seq));
    fields.add(Map.entry(FORM.sizeField(), Integer.toString(RECORDING.size())));
    fields.add(Map.entry(FORM.checksumField(), RECORDING.sha256()));
    FORM.extraFields().forEach((name, value) -> fields.add(Map.entry(name, value)));
    return fields;
  }

  private static HttpProtocolBuilder authorized(HttpProtocolBuilder protocol) {
    String header = TARGET.authHeader();
    if (header.isEmpty()) {
      return protocol;
    }
    int colon = header.indexOf(':');
    return protocol.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
  }
}
