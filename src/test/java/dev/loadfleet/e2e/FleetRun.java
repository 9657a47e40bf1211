package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One launcher run against the test bed, seen from outside: the inventory it was given, the
 * launcher process, and what it left in {@code <workDir>/results/<runId>/}.
 */
public final class FleetRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Small recordings and short intervals: real uploads, little CPU, a run of about a minute. */
  static final Map<String, String> LIGHT_WORKLOAD =
      Map.of(
          "recordingSize",
          "100KB",
          "uploadInterval",
          "5s",
          "heartbeatInterval",
          "2s",
          "requestTimeout",
          "10s");

  private final TestBed bed;
  private final Path workDir;
  private final Path inventory;

  private FleetRun(TestBed bed, Path workDir, Path inventory) {
    this.bed = bed;
    this.workDir = workDir;
    this.inventory = inventory;
  }

  /**
   * A fresh work dir under target/e2e/ and an inventory of the 4 test-bed hosts.
   *
   * @param weights host name -> weight, in host order; hosts not named are left out
   */
  public static FleetRun plan(
      TestBed bed,
      String name,
      int users,
      double rampRate,
      String duration,
      Map<String, Integer> weights) {
    return plan(bed, name, users, rampRate, duration, weights, Map.of());
  }

  /** As above, with workload knobs that replace or add to {@link #LIGHT_WORKLOAD}. */
  public static FleetRun plan(
      TestBed bed,
      String name,
      int users,
      double rampRate,
      String duration,
      Map<String, Integer> weights,
      Map<String, String> workload) {
    Map<String, String> knobs = new java.util.TreeMap<>(LIGHT_WORKLOAD);
    knobs.putAll(workload);
    StringBuilder y = new StringBuilder();
    y.append("users: ").append(users).append('\n');
    y.append("rampRate: ").append(rampRate).append('\n');
    y.append("duration: ").append(duration).append('\n');
    y.append("target: ").append(bed.targetUrl()).append('\n');
    y.append("knownHosts: ").append(bed.knownHosts()).append('\n');
    y.append("workload:\n");
    knobs.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
    y.append("defaults:\n  keyFile: ").append(bed.key()).append("\n  baseDir: loadfleet\n");
    y.append("hosts:\n");
    weights.forEach(
        (host, weight) ->
            y.append(bed.hostEntry(host)).append("    weight: ").append(weight).append('\n'));
    return withInventory(bed, name, y.toString());
  }

  /** A fresh work dir holding {@code yaml} as its inventory, verbatim. */
  public static FleetRun withInventory(TestBed bed, String name, String yaml) {
    Path dir = bed.repo().resolve("target/e2e").resolve(name);
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
      Path inventory = dir.resolve("cluster.yaml");
      Files.writeString(inventory, yaml);
      return new FleetRun(bed, dir, inventory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Equal weight 1 on every test-bed host. */
  static Map<String, Integer> equalWeights() {
    return equalWeights(TestBed.INJECTORS);
  }

  /** Equal weight 1 on each of {@code hosts}. */
  static Map<String, Integer> equalWeights(List<String> hosts) {
    Map<String, Integer> w = new LinkedHashMap<>();
    hosts.forEach(h -> w.put(h, 1));
    return w;
  }

  /**
   * A run on {@code hosts} (equal weights, students arriving 20/s) at the guide's cadence: a
   * heartbeat every 10 s and an upload every 30 s, with {@code workload}'s knobs added.
   */
  static FleetRun atGuideCadence(
      TestBed bed,
      String name,
      int users,
      String duration,
      List<String> hosts,
      Map<String, String> workload) {
    Map<String, String> knobs = new java.util.TreeMap<>(workload);
    knobs.put("heartbeatInterval", "10s");
    knobs.put("uploadInterval", "30s");
    return plan(bed, name, users, 20, duration, equalWeights(hosts), knobs);
  }

  /** From T0 to the end of the run (the launcher's finished timing), in ms. */
  long ranMs() {
    JsonNode record = runJson();
    return record.path("timings").path("finished").asLong() - record.path("t0").asLong();
  }

  public Path inventory() {
    return inventory;
  }

  public Path workDir() {
    return workDir;
  }

  /** Starts {@code loadfleet <command> -i <inventory> [args]} in the work dir. */
  public LauncherProcess start(String command, String... args) {
    return start(Map.of(), command, args);
  }

  /**
   * Starts {@code loadfleet run} as the scenarios that watch a run do: T0 8 s ahead, a poll every 2
   * s, then {@code args}.
   */
  public LauncherProcess startWatched(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--start-delay";
    all[1] = "8";
    all[2] = "--poll";
    all[3] = "2";
    System.arraycopy(args, 0, all, 4, args.length);
    return start("run", all);
  }

  /** As {@link #start(String, String...)}, with {@code env} added to the launcher's. */
  public LauncherProcess start(Map<String, String> env, String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "-i";
    all[2] = inventory.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return LauncherProcess.start(bed.launcher(), workDir, env, all);
  }

  /** Runs {@code loadfleet <args>} (no inventory added) in the work dir to its end. */
  public LauncherProcess launcher(Duration timeout, String... args) {
    return LauncherProcess.runToEnd(bed.launcher(), workDir, timeout, args);
  }

  public Path results() {
    return workDir.resolve("results");
  }

  /** The run this work dir holds, once its run.json exists. */
  public Optional<String> runId() {
    if (!Files.isDirectory(results())) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(results())) {
      return s.filter(p -> Files.isRegularFile(p.resolve("run.json")))
          .map(p -> p.getFileName().toString())
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String awaitRunId(LauncherProcess launcher, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Optional<String> id = runId();
      if (id.isPresent()) {
        return id.get();
      }
      assertTrue(
          launcher.alive(), "the launcher ended before creating a run:\n" + launcher.output());
      LauncherProcess.sleep(200);
    }
    throw new AssertionError(
        "no results/<run>/run.json after " + timeout.toSeconds() + " s:\n" + launcher.output());
  }

  public Path runDir() {
    return results()
        .resolve(runId().orElseThrow(() -> new AssertionError("no run in " + results())));
  }

  public JsonNode runJson() {
    return readJson(runDir().resolve("run.json"));
  }

  /** The run's entry for one host in run.json. */
  public JsonNode runHost(String host) {
    for (JsonNode h : runJson().path("hosts")) {
      if (host.equals(h.path("name").asText())) {
        return h;
      }
    }
    throw new AssertionError("run.json has no host " + host + ": " + runJson());
  }

  public Path report() {
    return runDir().resolve("report");
  }

  public JsonNode summary() {
    return readJson(report().resolve("summary.json"));
  }

  public LogFacts hostLog(String host) throws IOException {
    return LogFacts.of(runDir().resolve("hosts").resolve(host).resolve("simulation.log"));
  }

  public LogFacts mergedLog() throws IOException {
    return LogFacts.of(report().resolve("simulation.log"));
  }

  /** Waits until the common start instant T0 (launcher clock) plus {@code after}. */
  public void awaitInjection(Duration after) {
    long t0 = runJson().path("t0").asLong();
    assertTrue(t0 > 0, "run.json has no t0: " + runJson());
    long wait = t0 + after.toMillis() - System.currentTimeMillis();
    if (wait > 0) {
      LauncherProcess.sleep(wait);
    }
  }

  /**
   * A run that completed with every host: exit 0, or 5 when the launcher flagged a saturated
   * injector. The 4 test-bed hosts share this machine's 2 cores and /proc/stat, so the CPU check
   * sees the whole machine busy; then summary.json must show the flagged stretches.
   */
  void assertCompleted(int code, String output) {
    if (code == dev.loadfleet.cli.ExitCode.INJECTORS_SATURATED.code()) {
      boolean flagged = false;
      for (JsonNode host : summary().path("inputs")) {
        flagged |= host.path("saturation").size() > 0;
      }
      assertTrue(
          flagged,
          "exit 5 (saturated) but no host has a saturation stretch in summary.json:\n" + output);
      System.out.println(
          workDir.getFileName()
              + ": the launcher flagged saturated injectors (shared 2-core machine)");
      return;
    }
    org.junit.jupiter.api.Assertions.assertEquals(0, code, "loadfleet:\n" + output);
  }

  static JsonNode readJson(Path file) {
    assertTrue(Files.isRegularFile(file), file + " does not exist");
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
