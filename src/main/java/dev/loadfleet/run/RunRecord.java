package dev.loadfleet.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    String report) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    Path tmp = f.resolveSibling("run.json.tmp");
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
        report);
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
        report);
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
        newReport);
  }
}
