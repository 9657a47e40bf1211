package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loadfleet.config.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * {@code results/<runId>/run.json}: the plan, hosts, offsets, timings and each host's state, so a
 * fresh launcher process can run {@code status}, {@code stop} and {@code collect} after a crash.
 *
 * <p>Written whole at every state change: into a temporary file of its own (two writers never share
 * one), then renamed over run.json, so a reader sees the old record or the new one, never a part.
 * Writers of one run take turns (a lock within the JVM and a file lock between launcher processes,
 * e.g. a {@code collect} beside a live {@code run}), so the last record written is the last one
 * renamed into place.
 *
 * <p>Read back, a run.json is checked as strictly as an inventory: its names become local folder
 * names (results/&lt;run&gt;/hosts/&lt;host&gt;/), so a hand-edited one cannot send a write outside
 * the results root.
 *
 * @param t0 the common start instant in the launcher's clock (epoch ms)
 * @param workload the knobs every injector got (besides its share), secret knobs left out
 * @param timings named instants (epoch ms): created, deployed, started, finished, collected, ...
 * @param report the report's index.html, relative to the run's folder, once there is one
 * @param stopGraceMs how long a stop waits for the injectors to end their runs by themselves before
 *     it signals them (0 in a run.json written before it was recorded: {@link #stopGrace} then)
 * @param stopped why the run was stopped early, once it was (null otherwise)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(
    String runId,
    String inventory,
    String knownHosts,
    String simulation,
    String target,
    String bundleSha256,
    int users,
    double rampRate,
    long t0,
    Map<String, String> workload,
    List<HostRun> hosts,
    Map<String, Long> timings,
    RunState state,
    String report,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long stopGraceMs,
    @JsonInclude(JsonInclude.Include.NON_NULL) StopReason stopped) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Far more than a run of a thousand hosts writes; a larger run.json is not the launcher's. */
  private static final long MAX_BYTES = 16L << 20;

  /** Writers of one run.json within this JVM; the file lock orders them across processes. */
  private static final Map<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

  public static Path file(Path resultsRoot, String runId) {
    return resultsRoot.resolve(runId).resolve("run.json");
  }

  public static RunRecord read(Path resultsRoot, String runId) throws IOException {
    if (!Names.isRunId(runId)) {
      throw new IOException("'" + runId + "' is not a run id: " + Names.RUN_RULE);
    }
    Path f = file(resultsRoot, runId);
    if (!Files.isRegularFile(f)) {
      throw new IOException(
          "no run "
              + runId
              + ": "
              + f
              + " does not exist; list runs with `ls "
              + resultsRoot
              + "`");
    }
    RunRecord run;
    try {
      run = JSON.readValue(bounded(f), RunRecord.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // A state or jump the launcher never writes fails in our own reader with a sentence of its
      // own; anything else is Jackson's account of the JSON.
      String what =
          e.getCause() instanceof IllegalArgumentException bad
              ? bad.getMessage()
              : e.getOriginalMessage();
      throw new IOException(unreadable(f, what), e);
    }
    run.check(f, runId);
    return run;
  }

  /** The file's bytes, refused past {@link #MAX_BYTES} before they are read. */
  private static byte[] bounded(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] bytes = in.readNBytes(Math.toIntExact(MAX_BYTES + 1));
      if (bytes.length > MAX_BYTES) {
        throw new IOException(unreadable(f, "larger than " + (MAX_BYTES >> 20) + " MiB"));
      }
      return bytes;
    }
  }

  private static String unreadable(Path f, String what) {
    return f
        + " is not a run.json this launcher can read ("
        + what
        + "); it is written by `loadfleet run`, so restore it or start a new run";
  }

  /**
   * What a run.json read back must hold before any of it names a folder or a host: its own run id,
   * and hosts named as an inventory names them, each once.
   */
  private void check(Path f, String expectedId) throws IOException {
    if (!expectedId.equals(runId)) {
      throw new IOException(
          unreadable(
              f,
              "it names run '"
                  + (runId == null ? "" : printable(runId))
                  + "', not "
                  + expectedId
                  + ", the folder it is in"));
    }
    if (hosts == null || hosts.isEmpty()) {
      throw new IOException(unreadable(f, "it lists no host"));
    }
    Set<String> seen = new HashSet<>();
    for (HostRun h : hosts) {
      String name = h.name();
      if (!Names.isHostName(name)) {
        throw new IOException(
            unreadable(
                f,
                "host name '"
                    + (name == null ? "" : printable(name))
                    + "' is not one an inventory allows: "
                    + Names.HOST_RULE));
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new IOException(unreadable(f, "host " + name + " is listed twice"));
      }
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(100)
        .forEach(c -> b.append(c < 0x20 || c == 0x7f ? "?" : Character.toString(c)));
    return b.toString();
  }

  /**
   * The newest run under {@code resultsRoot}: the one whose recorded T0 is latest (run ids are
   * chosen freely, {@code --run-id exam-42}, so their names do not sort by time). Folders whose
   * run.json cannot be read are passed over.
   */
  public static Optional<String> latest(Path resultsRoot) throws IOException {
    if (!Files.isDirectory(resultsRoot)) {
      return Optional.empty();
    }
    List<Path> runs;
    try (Stream<Path> s = Files.list(resultsRoot)) {
      runs =
          s.filter(p -> Names.isRunId(p.getFileName().toString()))
              .filter(p -> Files.isRegularFile(p.resolve("run.json")))
              .toList();
    }
    String newest = null;
    long newestT0 = Long.MIN_VALUE;
    for (Path run : runs) {
      String id = run.getFileName().toString();
      OptionalLong t0 = recordedT0(run.resolve("run.json"));
      if (t0.isEmpty()) {
        continue;
      }
      long t = t0.getAsLong();
      if (newest == null || t > newestT0 || (t == newestT0 && id.compareTo(newest) > 0)) {
        newest = id;
        newestT0 = t;
      }
    }
    return Optional.ofNullable(newest);
  }

  /** The T0 a run.json records, or empty when it cannot be read. */
  private static OptionalLong recordedT0(Path f) {
    try {
      JsonNode t0 = JSON.readTree(bounded(f)).path("t0");
      return t0.canConvertToLong() ? OptionalLong.of(t0.asLong()) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Replaces run.json with this record, whole (see the class comment). A thread interrupted (by a
   * Ctrl+C) still writes it: file channels would close on the interrupt and lose the record; the
   * interrupt is kept for the caller.
   */
  public void write(Path resultsRoot) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      writeWhole(resultsRoot);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @SuppressWarnings("try") // the file lock is held by being open, never used by name
  private void writeWhole(Path resultsRoot) throws IOException {
    Path f = file(resultsRoot, runId);
    Path dir = Files.createDirectories(f.getParent());
    byte[] json = JSON.writeValueAsBytes(this);
    ReentrantLock inJvm =
        WRITERS.computeIfAbsent(f.toAbsolutePath().normalize(), p -> new ReentrantLock());
    inJvm.lock();
    try (FileChannel lockFile =
            FileChannel.open(
                dir.resolve(".run.json.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock betweenProcesses = lockFile.lock()) {
      Path tmp = Files.createTempFile(dir, ".run.json.", ".tmp");
      try {
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          out.write(ByteBuffer.wrap(json));
          out.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } finally {
      inJvm.unlock();
    }
  }

  public HostRun host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
  }

  public RunRecord withHost(String name, UnaryOperator<HostRun> change) {
    List<HostRun> updated = new ArrayList<>();
    for (HostRun h : hosts) {
      updated.add(h.name().equals(name) ? change.apply(h) : h);
    }
    return new RunRecord(
        runId,
        inventory,
        knownHosts,
        simulation,
        target,
        bundleSha256,
        users,
        rampRate,
        t0,
        workload,
        updated,
        timings,
        state,
        report,
        stopGraceMs,
        stopped);
  }

  public RunRecord withTiming(String name, long epochMs) {
    Map<String, Long> t = new java.util.LinkedHashMap<>(timings);
    t.put(name, epochMs);
    return new RunRecord(
        runId,
        inventory,
        knownHosts,
        simulation,
        target,
        bundleSha256,
        users,
        rampRate,
        t0,
        workload,
        hosts,
        t,
        state,
        report,
        stopGraceMs,
        stopped);
  }

  public RunRecord withState(RunState newState, String newReport) {
    return new RunRecord(
        runId,
        inventory,
        knownHosts,
        simulation,
        target,
        bundleSha256,
        users,
        rampRate,
        t0,
        workload,
        hosts,
        timings,
        newState,
        newReport,
        stopGraceMs,
        stopped);
  }

  /**
   * Records why the run was stopped; a run stopped before keeps its first reason (a Ctrl+C after
   * {@code loadfleet stop} does not rename it).
   */
  public RunRecord withStopped(StopReason why) {
    if (stopped != null) {
      return this;
    }
    return new RunRecord(
        runId,
        inventory,
        knownHosts,
        simulation,
        target,
        bundleSha256,
        users,
        rampRate,
        t0,
        workload,
        hosts,
        timings,
        state,
        report,
        stopGraceMs,
        why);
  }

  /** Why the run was stopped early, if it was. */
  public Optional<StopReason> stopReason() {
    return Optional.ofNullable(stopped);
  }

  /**
   * How long a stop waits for the injectors to end by themselves; for a run.json written before the
   * grace was recorded, the default for the workload's default request timeout.
   */
  public Duration stopGrace() {
    return stopGraceMs > 0
        ? Duration.ofMillis(stopGraceMs)
        : RunControl.defaultStopGrace(Duration.ofSeconds(60));
  }

  /** Whether run.json already says how the run ended (a later stage wrote its outcome). */
  public boolean ended() {
    return state != RunState.STARTING && state != RunState.RUNNING;
  }
}
