import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.bench.Machine;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.report.GatlingProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Injector benchmark (BENCHMARKS.md "## Injector"): one forked Gatling run of ProctoringSimulation
 * (profile full: 17.5 MB every 30 s, heartbeats every 10 s, ramp 10/s) per step, against a stand-in
 * service ({@code loadfleet target --discard}) started in its own JVM for that step, so each
 * process's CPU is read apart from /proc. A curl floor (the same multipart bytes over one
 * kept-alive connection) runs in the same invocation. Run through bench/injector/run.sh.
 *
 * <p>Usage: InjectorBenchmark OUTDIR STEP... where a STEP is {@code VARIANT:USERS} or {@code curl};
 * {@code InjectorBenchmark OUTDIR --summary} prints the tables of an earlier run again. A variant's
 * injector JVM options come from the system property {@code bench.variant.VARIANT} (space
 * separated; Gatling settings as -Dgatling.x=y), the service's from {@code bench.service.VARIANT}
 * or else {@code bench.serviceOptions}. {@code bench.steady} is the measured steady window in
 * seconds (default 60), {@code bench.curlUploads} the floor's upload count.
 *
 * <p>What is measured for each step (window = ramp end to ramp end + steady, interpolated between 1
 * s samples):
 *
 * <ul>
 *   <li>achieved MB/s: the service's bytesReceived over the window;
 *   <li>injector and service CPU seconds per GB: /proc/PID/stat utime+stime over the window; the
 *       injector's whole-process CPU from this JVM's cutime+cstime once Gatling is reaped;
 *   <li>heap: the injector's -Xlog:gc lines (peak before a collection, peak after one);
 *   <li>RSS: VmHWM from /proc/PID/status, last sample before exit;
 *   <li>latency: p95 of each request name in Gatling's simulation.log (read with loadfleet's
 *       SimulationLogReader) and the service's own handlingMs p95 from /stats, whole run each.
 * </ul>
 */
public final class InjectorBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final long RECORDING_BYTES = 17_500_000L;

  /** The seed of dev.loadfleet.simulations.Recording: the floor sends the very same bytes. */
  private static final long RECORDING_SEED = 0x5EED_2024L;

  private static final double RAMP_RATE = 10;
  private static final double UPLOAD_INTERVAL_S = 30;
  private static final long CLK_TCK = 100;
  private static final Pattern GC_LINE =
      Pattern.compile("(Pause \\S+).*?(\\d+)M->(\\d+)M\\((\\d+)M\\) ([\\d.]+)ms");

  private static final Pattern CURL_STATUS = Pattern.compile("HTTP (\\d{3}) (\\d+)");

  private final Path out;
  private final int steadySeconds;
  private final ObjectNode results = JSON.createObjectNode();
  private final String classpath = System.getProperty("java.class.path");
  private final Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");

  private InjectorBenchmark(Path out) {
    this.out = out;
    this.steadySeconds = Integer.getInteger("bench.steady", 60);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: InjectorBenchmark OUTDIR VARIANT:USERS|curl ...");
      System.exit(2);
    }
    Path out = Path.of(args[0]).toAbsolutePath();
    if (args[1].equals("--summary")) {
      System.out.println(summary(JSON.readTree(out.resolve("results.json").toFile())));
      return;
    }
    Files.createDirectories(out);
    InjectorBenchmark bench = new InjectorBenchmark(out);
    bench.results.put("machine", Machine.describe());
    for (String step : Arrays.copyOfRange(args, 1, args.length)) {
      System.out.printf(
          "%n== %s  (%s, load %s)%n", step, java.time.Instant.now(), Machine.loadAvg());
      JsonNode r =
          step.equals("curl")
              ? bench.curlFloor(Integer.getInteger("bench.curlUploads", 100))
              : bench.injector(
                  step.substring(0, step.indexOf(':')),
                  Integer.parseInt(step.substring(step.indexOf(':') + 1)));
      String key = step;
      for (int n = 2; bench.results.has(key); n++) {
        key = step + "#" + n;
      }
      bench.results.set(key, r);
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(out.resolve("results.json").toFile(), bench.results);
    }
    String md = summary(bench.results);
    Files.writeString(out.resolve("summary.md"), md);
    System.out.println(md);
  }

  // ---------------------------------------------------------------- the tables

  /** Markdown tables of every step, in the order run; the floor is the mean of the curl steps. */
  static String summary(JsonNode results) {
    StringBuilder b = new StringBuilder();
    double floorSum = 0;
    int floors = 0;
    Map<String, Double> idleHeap = new LinkedHashMap<>();
    Map<String, Integer> baseUsers = new LinkedHashMap<>();
    for (var it = results.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode r = e.getValue();
      if (r.has("curlCpuPerGB")) {
        floorSum += r.get("curlCpuPerGB").asDouble();
        floors++;
      } else if (r.has("variant") && r.get("gc").get("pauses").asInt() > 0) {
        // The baseline of each variant: its step with the fewest students.
        String v = r.get("variant").asText();
        if (!baseUsers.containsKey(v) || r.get("users").asInt() < baseUsers.get(v)) {
          baseUsers.put(v, r.get("users").asInt());
          idleHeap.put(v, r.get("gc").get("peakAfterGcMiB").asDouble());
        }
      }
    }
    double floor = floors == 0 ? Double.NaN : floorSum / floors;
    b.append(String.format("Machine: %s%n%n", results.get("machine")));
    b.append("Floor (curl, one kept-alive connection):\n\n");
    b.append(
        "| uploads | GB | new connections | MB/s | curl CPU s | curl CPU s/GB | service CPU s/GB | load avg |\n|---|---|---|---|---|---|---|---|\n");
    for (var it = results.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode r = e.getValue();
      if (r.has("curlCpuPerGB")) {
        b.append(
            String.format(
                "| %d/%d created | %.2f | %d | %.0f | %.2f | %.2f | %.2f | %s |%n",
                r.get("created").asInt(),
                r.get("uploads").asInt(),
                r.get("bytes").asDouble() / 1e9,
                r.get("newConnections").asInt(),
                r.get("MBps").asDouble(),
                r.get("curlCpuS").asDouble(),
                r.get("curlCpuPerGB").asDouble(),
                r.get("serviceCpuPerGB").asDouble(),
                load1(r)));
      }
    }
    b.append(String.format("%nFloor used for the ratios: %.2f CPU s/GB.%n%n", floor));
    b.append("Throughput and CPU (steady window):\n\n");
    b.append(
        "| step | offered MB/s | achieved MB/s | achieved % | uploads OK/KO of scheduled | heartbeats OK/KO | injector CPU s/GB | x floor | injector cores | of which kernel | whole-run injector CPU s (s/GB) | service CPU s/GB | service cores | load avg start/end |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (var it = results.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode r = e.getValue();
      if (!r.has("variant")) {
        continue;
      }
      JsonNode g = r.get("gatling");
      b.append(
          String.format(
              "| %s | %.1f | %.1f | %.1f %% | %s | %s | %.2f | %.2f | %.2f | %.0f %% | %.1f (%.2f) | %.2f | %.2f | %s / %s |%n",
              e.getKey(),
              r.get("offeredMBps").asDouble(),
              r.get("achievedMBps").asDouble(),
              r.get("achievedPercent").asDouble(),
              okKo(g.get("upload")) + " of " + r.path("uploadsScheduled").asLong(),
              okKo(g.get("heartbeat")),
              r.get("injectorCpuPerGB").asDouble(),
              r.get("injectorCpuPerGB").asDouble() / floor,
              r.get("injectorCores").asDouble(),
              100 * r.path("injectorSystemShare").asDouble(),
              r.get("injectorCpuTotalS").asDouble(),
              r.get("injectorCpuTotalPerGB").asDouble(),
              r.get("serviceCpuPerGB").asDouble(),
              r.get("serviceCores").asDouble(),
              load1(r),
              r.get("loadAtEnd").asText().split(" ")[0]));
    }
    b.append(
        "\nMemory and latency (p95 in ms; Gatling = whole run as its report sees it, service = its handlingMs, added = the difference; window = Gatling's p95 of requests started in the steady window; probe = GET /stats round trip from the benchmark, once a second):\n\n");
    b.append(
        "| step | peak heap used MiB | peak after GC MiB | heap/student KiB (vs fewest students) | GC pauses n / total ms / max ms | peak RSS MiB | connections | heartbeat p95 Gatling / service / added | (window) | upload p95 Gatling / service / added | (window) | probe p95 |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (var it = results.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode r = e.getValue();
      if (!r.has("variant")) {
        continue;
      }
      JsonNode gc = r.get("gc");
      Double base = idleHeap.get(r.get("variant").asText());
      int users = r.get("users").asInt();
      int fewest = baseUsers.getOrDefault(r.get("variant").asText(), users);
      String perStudent =
          base == null || users == fewest
              ? "-"
              : String.format(
                  "%.0f", (gc.get("peakAfterGcMiB").asDouble() - base) * 1024 / (users - fewest));
      b.append(
          String.format(
              "| %s | %d | %d | %s | %d / %.0f / %.0f | %.0f | %d | %s | %s | %s | %s | %.0f |%n",
              e.getKey(),
              gc.get("peakUsedMiB").asInt(),
              gc.get("peakAfterGcMiB").asInt(),
              perStudent,
              gc.get("pauses").asInt(),
              gc.get("pauseTotalMs").asDouble(),
              gc.get("maxPauseMs").asDouble(),
              r.get("injectorPeakRssMiB").asDouble(),
              r.get("connectionsMidWindow").asInt(),
              latency(r, "heartbeat"),
              window(r, "heartbeat"),
              latency(r, "upload"),
              window(r, "upload"),
              r.path("statsProbeMs").path("p95").asDouble()));
    }
    return b.toString();
  }

  private static String okKo(JsonNode n) {
    return n == null ? "0/0" : n.get("ok").asLong() + "/" + n.get("ko").asLong();
  }

  private static String load1(JsonNode r) {
    return r.get("loadAtStart").asText().split(" ")[0];
  }

  private static String latency(JsonNode r, String name) {
    JsonNode g = r.get("gatling").get(name);
    JsonNode s = r.get("service").get("handlingMs").get(name);
    if (g == null || s == null) {
      return "-";
    }
    return String.format(
        "%d / %.0f / %.0f",
        g.get("p95").asInt(),
        s.get("p95").asDouble(),
        g.get("p95").asDouble() - s.get("p95").asDouble());
  }

  private static String window(JsonNode r, String name) {
    JsonNode g = r.get("gatlingWindow").get(name);
    return g == null ? "-" : Integer.toString(g.get("p95").asInt());
  }

  // ---------------------------------------------------------------- the injector at N students

  private JsonNode injector(String variant, int users) throws Exception {
    Path dir = out.resolve(variant + "-" + users);
    deleteTree(dir);
    Files.createDirectories(dir);
    double rampS = users / RAMP_RATE;
    // The window starts once every student is in and the first upload cycle (JIT-cold, bunched
    // by the ramp) is over; it spans whole upload intervals, so each student starts exactly
    // steady/30 uploads inside it whatever its phase.
    double warmS = Math.max(rampS, UPLOAD_INTERVAL_S);
    String options = System.getProperty("bench.variant." + variant);
    if (options == null) {
      throw new IllegalArgumentException("no -Dbench.variant." + variant + "=\"JVM options\"");
    }
    ObjectNode r = JSON.createObjectNode();
    r.put("variant", variant).put("jvmOptions", options).put("users", users);
    r.put(
        "serviceOptions",
        System.getProperty(
            "bench.service." + variant, System.getProperty("bench.serviceOptions", "")));
    r.put("offeredMBps", users * RECORDING_BYTES / UPLOAD_INTERVAL_S / 1e6);
    r.put("loadAtStart", Machine.loadAvg());

    try (Service service =
        Service.start(this, variant, dir, (long) (warmS + steadySeconds + 300))) {
      GatlingProcess gatling = GatlingProcess.onThisClasspath().withConfigFolder(Path.of("conf"));
      for (String o : options.trim().split("\\s+")) {
        if (!o.isEmpty()) {
          gatling = gatling.withJvmOption(o);
        }
      }
      gatling =
          gatling
              .withJvmOption("-Xlog:gc:file=" + dir.resolve("gc.log") + ":uptime,level,tags")
              .withSystemProperty("profile", "full")
              .withSystemProperty("baseUrl", service.baseUrl)
              .withSystemProperty("users", Integer.toString(users))
              // 5 s past the measured window, so the window ends before any student stops.
              .withSystemProperty("steadyDuration", steadyOf(rampS, warmS) + "s")
              .withSystemProperty("progressFile", dir.resolve("progress.json").toString());
      GatlingProcess run = gatling;
      // bench.reports.VARIANT=true: Gatling builds its HTML report at the end, as bin/injector
      // makes it do today; otherwise --no-reports (the launcher builds the report at home).
      boolean reports = Boolean.getBoolean("bench.reports." + variant);
      r.put("htmlReport", reports);
      long childCpuBefore = ownChildrenCpuTicks();
      Duration timeout = Duration.ofSeconds((long) (warmS + steadySeconds + 300));
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  List<String> args =
                      new ArrayList<>(
                          List.of(
                              "--simulation",
                              "dev.loadfleet.simulations.ProctoringSimulation",
                              "--results-folder",
                              dir.resolve("gatling").toString()));
                  if (!reports) {
                    args.add("--no-reports");
                  }
                  return run.run(args, dir.resolve("console.log"), timeout);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      long injectorPid = findGatlingPid(exit);
      List<Sample> samples = new ArrayList<>();
      long injectionStart = 0;
      Integer connections = null;
      long hwmKb = 0;
      try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(dir.resolve("samples.csv")))) {
        csv.println(
            "t,injectorTicks,injectorSysTicks,serviceTicks,bytesReceived,injectorRssKb,injectorHwmKb,serviceRssKb,statsMs");
        while (!exit.isDone()) {
          Sample s = Sample.take(injectorPid, service);
          if (s != null) {
            samples.add(s);
            hwmKb = Math.max(hwmKb, s.injectorHwmKb);
            csv.printf(
                "%d,%d,%d,%d,%d,%d,%d,%d,%.2f%n",
                s.t,
                s.injectorTicks,
                s.injectorSysTicks,
                s.serviceTicks,
                s.bytes,
                s.injectorRssKb,
                s.injectorHwmKb,
                s.serviceRssKb,
                s.statsMs);
            csv.flush();
          }
          if (injectionStart == 0) {
            injectionStart = progressStart(dir.resolve("progress.json"));
          }
          long mid = injectionStart + (long) (warmS * 1000) + steadySeconds * 500L;
          if (injectionStart > 0 && connections == null && System.currentTimeMillis() >= mid) {
            connections = establishedTo(service.port);
          }
          Thread.sleep(1000 - System.currentTimeMillis() % 1000);
        }
      }
      int code = exit.join();
      long injectorCpuTicks = ownChildrenCpuTicks() - childCpuBefore;
      JsonNode stats = service.stats();
      r.put("gatlingExit", code);
      r.put("loadAtEnd", Machine.loadAvg());

      long w0 = injectionStart + (long) (warmS * 1000);
      long w1 = w0 + steadySeconds * 1000L;
      double bytes = interpolate(samples, w0, w1, s -> s.bytes);
      double injS = interpolate(samples, w0, w1, s -> s.injectorTicks) / CLK_TCK;
      double injSys = interpolate(samples, w0, w1, s -> s.injectorSysTicks) / CLK_TCK;
      double svcS = interpolate(samples, w0, w1, s -> s.serviceTicks) / CLK_TCK;
      boolean windowCovered =
          !samples.isEmpty() && samples.get(0).t <= w0 && samples.get(samples.size() - 1).t >= w1;
      r.put("windowCovered", windowCovered);
      r.put("windowSeconds", steadySeconds);
      r.put("achievedMBps", bytes / steadySeconds / 1e6);
      r.put(
          "achievedPercent",
          100.0 * (bytes / steadySeconds / 1e6) / r.get("offeredMBps").asDouble());
      r.put("injectorCpuPerGB", injS / (bytes / 1e9));
      r.put("injectorCores", injS / steadySeconds);
      r.put("injectorSystemShare", injSys / injS);
      r.set("statsProbeMs", probeSummary(samples, w0, w1));
      r.put("serviceCpuPerGB", svcS / (bytes / 1e9));
      r.put("serviceCores", svcS / steadySeconds);
      long totalBytes = stats.get("bytesReceived").asLong();
      r.put("uploadsScheduled", scheduledUploads(users, rampS, rampS + steadyOf(rampS, warmS)));
      r.put("bytesTotal", totalBytes);
      r.put("injectorCpuTotalS", injectorCpuTicks / (double) CLK_TCK);
      r.put("injectorCpuTotalPerGB", injectorCpuTicks / (double) CLK_TCK / (totalBytes / 1e9));
      r.put("injectorPeakRssMiB", hwmKb / 1024.0);
      r.put("connectionsMidWindow", connections == null ? -1 : connections);
      r.set("gc", gcSummary(dir.resolve("gc.log")));
      r.set("service", stats);
      r.set("gatling", gatlingLog(dir.resolve("gatling"), 0, Long.MAX_VALUE));
      r.set("gatlingWindow", gatlingLog(dir.resolve("gatling"), w0, w1));
      for (String name : List.of("heartbeat", "upload")) {
        JsonNode g = r.get("gatling").get(name);
        JsonNode s = stats.get("handlingMs").get(name);
        if (g != null && s != null) {
          r.put(name + "P95AddedMs", g.get("p95").asDouble() - s.get("p95").asDouble());
        }
      }
    }
    return r;
  }

  /** The steady duration given to the simulation: warm-up past the ramp, the window, 5 s. */
  private long steadyOf(double rampS, double warmS) {
    return (long) Math.ceil(warmS - rampS + steadySeconds + 5);
  }

  /**
   * Uploads the workload asks for: student i arrives at i x ramp / users and uploads every 30 s
   * (start to start) until the exam ends, ramp + steady after the first arrival.
   */
  private static long scheduledUploads(int users, double rampS, double examEndS) {
    long n = 0;
    for (int i = 0; i < users; i++) {
      double arrival = users == 1 ? 0 : i * rampS / users;
      n += (long) Math.ceil((examEndS - arrival) / UPLOAD_INTERVAL_S);
    }
    return n;
  }

  /** Gatling's JVM: the child of this JVM whose command line runs io.gatling.app.Gatling. */
  private static long findGatlingPid(CompletableFuture<Integer> exit) throws InterruptedException {
    for (int i = 0; i < 300 && !exit.isDone(); i++) {
      var found =
          ProcessHandle.current()
              .children()
              .filter(p -> cmdline(p.pid()).contains("\0io.gatling.app.Gatling\0"))
              .findFirst();
      if (found.isPresent()) {
        return found.get().pid();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Gatling's JVM did not appear within 30 s");
  }

  private static String cmdline(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  // ---------------------------------------------------------------- the curl floor

  private JsonNode curlFloor(int uploads) throws Exception {
    Path dir = out.resolve("curl");
    deleteTree(dir);
    Files.createDirectories(dir);
    byte[] bytes = new byte[(int) RECORDING_BYTES];
    new Random(RECORDING_SEED).nextBytes(bytes);
    Path file = dir.resolve("0.webm");
    Files.write(file, bytes);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    ObjectNode r = JSON.createObjectNode();
    r.put("uploads", uploads).put("loadAtStart", Machine.loadAvg());
    try (Service service = Service.start(this, "curl", dir, 600)) {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "curl",
                  "-sS",
                  "-H",
                  "Expect:",
                  "-w",
                  "HTTP %{http_code} %{num_connects}\\n",
                  "-F",
                  "studentId=curl_0",
                  "-F",
                  "examId=30",
                  "-F",
                  "seq=0",
                  "-F",
                  "size=" + RECORDING_BYTES,
                  "-F",
                  "sha256=" + sha,
                  "-F",
                  "file=@" + file + ";type=video/webm;filename=0.webm"));
      for (int i = 0; i < uploads; i++) {
        cmd.add(service.baseUrl + "/upload");
      }
      Sample before = Sample.take(0, service);
      long childBefore = ownChildrenCpuTicks();
      long t0 = System.nanoTime();
      Process curl =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("curl.out").toFile())
              .start();
      if (!curl.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
        curl.destroyForcibly();
        throw new IOException("curl did not finish within 300 s");
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double curlS = (ownChildrenCpuTicks() - childBefore) / (double) CLK_TCK;
      Sample after = Sample.take(0, service);
      String output = Files.readString(dir.resolve("curl.out"));
      long created = 0;
      long connects = 0;
      for (Matcher m = CURL_STATUS.matcher(output); m.find(); ) {
        created += m.group(1).equals("201") ? 1 : 0;
        connects += Long.parseLong(m.group(2));
      }
      double gb = (after.bytes - before.bytes) / 1e9;
      r.put("curlExit", curl.exitValue()).put("created", created).put("newConnections", connects);
      r.put("bytes", after.bytes - before.bytes).put("wallS", wall).put("MBps", gb * 1e3 / wall);
      r.put("curlCpuS", curlS).put("curlCpuPerGB", curlS / gb);
      r.put("serviceCpuPerGB", (after.serviceTicks - before.serviceTicks) / (double) CLK_TCK / gb);
      r.put("loadAtEnd", Machine.loadAvg());
      r.set("service", service.stats());
    }
    return r;
  }

  // ---------------------------------------------------------------- the stand-in, its own JVM

  private static final class Service implements AutoCloseable {
    final Process process;
    final String baseUrl;
    final int port;

    private Service(Process process, String baseUrl) {
      this.process = process;
      this.baseUrl = baseUrl;
      this.port = URI.create(baseUrl).getPort();
    }

    /** The service's JVM options: bench.service.VARIANT, else bench.serviceOptions. */
    static Service start(InjectorBenchmark bench, String variant, Path dir, long maxSeconds)
        throws IOException {
      List<String> cmd = new ArrayList<>(List.of(bench.javaBin.toString()));
      String opts =
          System.getProperty(
              "bench.service." + variant, System.getProperty("bench.serviceOptions", ""));
      for (String o : opts.trim().split("\\s+")) {
        if (!o.isEmpty()) {
          cmd.add(o);
        }
      }
      cmd.addAll(
          List.of(
              "-cp",
              bench.classpath,
              "dev.loadfleet.cli.Main",
              "target",
              "--bind",
              "127.0.0.1",
              "--port",
              "0",
              "--discard",
              "--data-dir",
              dir.resolve("server_data").toString(),
              "--duration",
              maxSeconds + "s"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = lines.readLine();
      if (first == null || !first.startsWith("http://")) {
        p.destroyForcibly();
        throw new IOException("loadfleet target did not print its URL, but: " + first);
      }
      Thread drain =
          new Thread(
              () -> {
                try (PrintWriter log =
                    new PrintWriter(Files.newBufferedWriter(dir.resolve("service.log")))) {
                  log.println(first);
                  for (String l; (l = lines.readLine()) != null; ) {
                    log.println(l);
                  }
                } catch (IOException ignored) {
                  // the service is gone
                }
              });
      drain.setDaemon(true);
      drain.start();
      return new Service(p, first.trim());
    }

    JsonNode stats() throws IOException, InterruptedException {
      HttpResponse<String> res =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/stats")).build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(res.body());
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  // ---------------------------------------------------------------- sampling

  /**
   * One second's reading. statsMs is the round trip of GET /stats from this JVM: a probe of how
   * long the service takes to get to a small request (its event loops also decode uploads), which
   * the service's own handlingMs cannot see because it starts the clock at the request line.
   */
  private record Sample(
      long t,
      long injectorTicks,
      long injectorSysTicks,
      long serviceTicks,
      long bytes,
      long injectorRssKb,
      long injectorHwmKb,
      long serviceRssKb,
      double statsMs) {
    static Sample take(long injectorPid, Service service) {
      try {
        long t = System.currentTimeMillis();
        long svc = cpuTicks(service.process.pid());
        long inj = injectorPid == 0 ? 0 : cpuTicks(injectorPid);
        long injSys =
            injectorPid == 0
                ? 0
                : Long.parseLong(statFields(Path.of("/proc/" + injectorPid + "/stat"))[14]);
        Map<String, Long> injStatus = injectorPid == 0 ? Map.of() : status(injectorPid);
        Map<String, Long> svcStatus = status(service.process.pid());
        long n0 = System.nanoTime();
        long bytes = service.stats().get("bytesReceived").asLong();
        double statsMs = (System.nanoTime() - n0) / 1e6;
        return new Sample(
            t,
            inj,
            injSys,
            svc,
            bytes,
            injStatus.getOrDefault("VmRSS", 0L),
            injStatus.getOrDefault("VmHWM", 0L),
            svcStatus.getOrDefault("VmRSS", 0L),
            statsMs);
      } catch (IOException | RuntimeException e) {
        return null; // a process just ended
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  private static long cpuTicks(long pid) throws IOException {
    String[] f = statFields(Path.of("/proc/" + pid + "/stat"));
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** cutime + cstime of this JVM: the CPU of its children that have ended and been reaped. */
  private static long ownChildrenCpuTicks() throws IOException {
    String[] f = statFields(Path.of("/proc/self/stat"));
    return Long.parseLong(f[15]) + Long.parseLong(f[16]);
  }

  private static String[] statFields(Path stat) throws IOException {
    String s = Files.readString(stat);
    // The command name (field 2) may hold spaces: split after its closing parenthesis.
    String rest = s.substring(s.lastIndexOf(')') + 2);
    String[] tail = rest.trim().split(" ");
    String[] f = new String[tail.length + 2];
    f[0] = s.substring(0, s.indexOf(' '));
    f[1] = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
    System.arraycopy(tail, 0, f, 2, tail.length);
    return f;
  }

  private static Map<String, Long> status(long pid) throws IOException {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
        m.put(line.substring(0, line.indexOf(':')), Long.parseLong(line.replaceAll("\\D", "")));
      }
    }
    return m;
  }

  private static JsonNode probeSummary(List<Sample> samples, long w0, long w1) {
    double[] ms =
        samples.stream()
            .filter(x -> x.t >= w0 && x.t < w1)
            .mapToDouble(Sample::statsMs)
            .sorted()
            .toArray();
    ObjectNode n = JSON.createObjectNode();
    n.put("count", ms.length);
    if (ms.length > 0) {
      n.put("p50", ms[(int) Math.ceil(0.50 * ms.length) - 1]);
      n.put("p95", ms[(int) Math.ceil(0.95 * ms.length) - 1]);
      n.put("max", ms[ms.length - 1]);
    }
    return n;
  }

  private static long progressStart(Path progress) {
    try {
      return Files.exists(progress)
          ? JSON.readTree(progress.toFile()).path("injectionStart").asLong(0)
          : 0;
    } catch (IOException e) {
      return 0; // being rewritten
    }
  }

  private static int establishedTo(int port) throws IOException, InterruptedException {
    Process ss =
        new ProcessBuilder("ss", "-Htn", "state", "established", "( dport = :" + port + " )")
            .redirectErrorStream(true)
            .start();
    String text = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ss.waitFor();
    return (int) text.lines().filter(l -> !l.isBlank()).count();
  }

  /** Counter growth between t0 and t1, each end linearly interpolated between 1 s samples. */
  private static double interpolate(
      List<Sample> samples, long t0, long t1, java.util.function.ToLongFunction<Sample> v) {
    return at(samples, t1, v) - at(samples, t0, v);
  }

  private static double at(
      List<Sample> samples, long t, java.util.function.ToLongFunction<Sample> v) {
    Sample prev = null;
    for (Sample s : samples) {
      if (s.t >= t) {
        if (prev == null) {
          return v.applyAsLong(s);
        }
        double f = (t - prev.t) / (double) (s.t - prev.t);
        return v.applyAsLong(prev) + f * (v.applyAsLong(s) - v.applyAsLong(prev));
      }
      prev = s;
    }
    return prev == null ? 0 : v.applyAsLong(prev);
  }

  // ---------------------------------------------------------------- reading the results

  private static JsonNode gcSummary(Path gcLog) throws IOException {
    ObjectNode g = JSON.createObjectNode();
    long peakBefore = 0;
    long peakAfter = 0;
    long maxCommitted = 0;
    int pauses = 0;
    double pauseMs = 0;
    double maxPauseMs = 0;
    if (Files.exists(gcLog)) {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_LINE.matcher(line);
        if (m.find()) {
          pauses++;
          peakBefore = Math.max(peakBefore, Long.parseLong(m.group(2)));
          peakAfter = Math.max(peakAfter, Long.parseLong(m.group(3)));
          maxCommitted = Math.max(maxCommitted, Long.parseLong(m.group(4)));
          double ms = Double.parseDouble(m.group(5));
          pauseMs += ms;
          maxPauseMs = Math.max(maxPauseMs, ms);
        }
      }
    }
    g.put("pauses", pauses).put("pauseTotalMs", pauseMs).put("maxPauseMs", maxPauseMs);
    g.put("peakUsedMiB", peakBefore)
        .put("peakAfterGcMiB", peakAfter)
        .put("maxCommittedMiB", maxCommitted);
    return g;
  }

  /**
   * Per request name: count, OK, KO, mean and percentiles (nearest rank) of end - start, for the
   * requests that started between fromMs and toMs (epoch ms).
   */
  private static JsonNode gatlingLog(Path resultsFolder, long fromMs, long toMs)
      throws IOException {
    ObjectNode g = JSON.createObjectNode();
    Path log;
    try (Stream<Path> files = Files.walk(resultsFolder)) {
      log =
          files
              .filter(p -> p.getFileName().toString().equals("simulation.log"))
              .findFirst()
              .orElse(null);
    }
    if (log == null) {
      g.put("error", "no simulation.log under " + resultsFolder);
      return g;
    }
    Map<String, List<Integer>> times = new LinkedHashMap<>();
    Map<String, long[]> okKo = new LinkedHashMap<>();
    Map<String, Integer> messages = new LinkedHashMap<>();
    try (SimulationLogReader reader = SimulationLogReader.open(log)) {
      long runStart = reader.header().startMs();
      for (LogRecord rec; (rec = reader.next()) != null; ) {
        if (rec instanceof LogRecord.Request q
            && runStart + q.start() >= fromMs
            && runStart + q.start() < toMs) {
          times.computeIfAbsent(q.name(), k -> new ArrayList<>()).add(q.end() - q.start());
          okKo.computeIfAbsent(q.name(), k -> new long[2])[q.ok() ? 0 : 1]++;
          if (!q.ok()) {
            messages.merge(q.name() + ": " + q.message(), 1, Integer::sum);
          }
        }
      }
    }
    for (var e : times.entrySet()) {
      int[] t = e.getValue().stream().mapToInt(Integer::intValue).sorted().toArray();
      ObjectNode n = g.putObject(e.getKey());
      n.put("count", t.length)
          .put("ok", okKo.get(e.getKey())[0])
          .put("ko", okKo.get(e.getKey())[1]);
      n.put("mean", Arrays.stream(t).average().orElse(0));
      n.put("p50", t[(int) Math.ceil(0.50 * t.length) - 1]);
      n.put("p95", t[(int) Math.ceil(0.95 * t.length) - 1]);
      n.put("p99", t[(int) Math.ceil(0.99 * t.length) - 1]);
      n.put("max", t[t.length - 1]);
    }
    ObjectNode ko = g.putObject("koMessages");
    messages.forEach(ko::put);
    return g;
  }

  // ---------------------------------------------------------------- misc

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
