package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * {@code results/<runId>/run.json}: the plan, hosts, offsets, timings and each host's state, so a
 * fresh launcher process can run {@code status}, {@code stop} and {@code collect} after a crash.
 * Rewritten atomically (temporary file, then rename) at every state change.
 *
 * @param t0 the common start instant in the launcher's clock (epoch ms)
 * @param workload the knobs every injector got (besides its share)
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
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final java.util.concurrent.atomic.AtomicLong TMP =
      new java.util.concurrent.atomic.AtomicLong();

  public static Path file(Path resultsRoot, String runId) {
    return resultsRoot.resolve(runId).resolve("run.json");
  }

  public static RunRecord read(Path resultsRoot, String runId) throws IOException {
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
    try {
      return JSON.readValue(f.toFile(), RunRecord.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // A state or jump the launcher never writes fails in our own reader with a sentence of its
      // own; anything else is Jackson's account of the JSON.
      String what =
          e.getCause() instanceof IllegalArgumentException bad
              ? bad.getMessage()
              : e.getOriginalMessage();
      throw new IOException(
          f
              + " is not a run.json this launcher can read ("
              + what
              + "); it is written by `loadfleet run`, so restore it or start a new run",
          e);
    }
  }

  /** The newest run under {@code resultsRoot} (run ids sort by time). */
  public static Optional<String> latest(Path resultsRoot) throws IOException {
    if (!Files.isDirectory(resultsRoot)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(resultsRoot)) {
      return s.filter(p -> Files.isRegularFile(p.resolve("run.json")))
          .map(p -> p.getFileName().toString())
          .max(String::compareTo);
    }
  }

  public void write(Path resultsRoot) throws IOException {
    Path f = file(resultsRoot, runId);
    Files.createDirectories(f.getParent());
    // A name of its own per writer: `loadfleet stop` may write while the run's own process does.
    Path tmp =
        f.resolveSibling("run.json." + ProcessHandle.current().pid() + "-" + TMP.incrementAndGet());
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
