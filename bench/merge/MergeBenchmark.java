import com.fasterxml.jackson.databind.JsonNode;
import dev.loadfleet.browser.HeadlessBrowser;
import dev.loadfleet.browser.Page;
import dev.loadfleet.merge.LogMerger;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.MergeResult;
import dev.loadfleet.merge.RunHeader;
import dev.loadfleet.merge.SimulationLogWriter;
import dev.loadfleet.report.GatlingProcess;
import dev.loadfleet.report.ReportRequest;
import dev.loadfleet.report.ReportResult;
import dev.loadfleet.report.Reporter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Merge benchmark: synthetic Gatling 3.15.1 logs of N records across 4 inputs, written with
 * loadfleet's writer; merge throughput and peak heap; then Gatling's own report generation on the
 * merged log in a forked JVM, timed, for the ratio. With {@code --full-report}, loadfleet's whole
 * report of the same inputs after that ({@code Reporter.generate}: merge with exact statistics and
 * time series, Gatling, summary.json, hosts.html, junit.xml), timed, so its own share is the
 * difference, and the sizes of the pages it writes. Run through bench/merge/run.sh.
 *
 * <p>Usage: MergeBenchmark WORKDIR TOTAL_RECORDS... [--no-report] [--inputs N] [--full-report]
 * [--no-browser] [--keep] (keep the logs and the report under WORKDIR/nTOTAL_RECORDS), or
 * MergeBenchmark WORKDIR --browse ROUNDS PAGE... (each hosts page ROUNDS times, alternating)
 */
public final class MergeBenchmark {
  private static int INPUTS = 4;
  private static boolean NO_BROWSER = false;
  private static boolean KEEP = false;
  private static final String[] MESSAGES = {
    "status.find.in([200, 209], 304), found 500",
    "Request timeout to 127.0.0.1/127.0.0.1:8080 after 60000 ms"
  };

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    if (args.length > 2 && args[1].equals("--browse")) {
      List<Path> pages = new ArrayList<>();
      for (int i = 3; i < args.length; i++) {
        pages.add(Path.of(args[i]).toAbsolutePath());
      }
      browse(pages, Integer.parseInt(args[2]));
      return;
    }
    boolean report = true;
    boolean full = false;
    List<Long> sizes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--no-report")) {
        report = false;
      } else if (args[i].equals("--keep")) {
        KEEP = true;
      } else if (args[i].equals("--no-browser")) {
        NO_BROWSER = true;
      } else if (args[i].equals("--full-report")) {
        full = true;
      } else if (args[i].equals("--inputs")) {
        INPUTS = Integer.parseInt(args[++i]);
      } else {
        sizes.add(Long.parseLong(args[i]));
      }
    }
    System.out.printf(
        "java %s, max heap %d MiB, %d cores%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| records | inputs | input MB | merge s | records/s | MB/s | peak heap MiB | Gatling"
            + " report s | merge/report |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (long total : sizes) {
      Path dir = work.resolve("n" + total);
      deleteTree(dir);
      List<MergeInput> inputs = new ArrayList<>();
      long inputBytes = 0;
      long base = System.currentTimeMillis() - 3_600_000L;
      for (int i = 0; i < INPUTS; i++) {
        Path log =
            Files.createDirectories(dir.resolve("injector-" + (i + 1))).resolve("simulation.log");
        inputBytes += write(log, base + 37L * i, total / INPUTS, new Random(i));
        inputs.add(MergeInput.of(log));
      }
      Path run = Files.createDirectories(dir.resolve("report"));
      System.gc();
      resetPeaks();
      resetPeakRss();
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      MergeResult merged = LogMerger.merge(inputs, run.resolve("simulation.log"));
      double mergeS = (System.nanoTime() - t0) / 1e9;
      double mergeCpu = (cpuNanos() - c0) / 1e9;
      long peak = peakHeap();
      long rss = peakRssKib();
      System.out.printf(
          "  merge alone: %.2f s wall, %.2f s CPU of this JVM, peak heap %d MiB, peak RSS %d MiB,"
              + " load average %s%n",
          mergeS, mergeCpu, peak >> 20, rss >> 10, loadAverage());
      String reportS = "-";
      String ratio = "-";
      if (report) {
        long r0 = System.nanoTime();
        int code =
            GatlingProcess.onThisClasspath()
                .withJvmOption("-Xmx6g")
                .reportsOnly(
                    dir, "report", dir.resolve("gatling-report.log"), Duration.ofMinutes(30));
        double rs = (System.nanoTime() - r0) / 1e9;
        if (code != 0) {
          throw new IllegalStateException(
              "Gatling report exit " + code + ", see " + dir.resolve("gatling-report.log"));
        }
        // Proof that Gatling read every merged request: its own count, from its console summary.
        String count =
            Files.readAllLines(dir.resolve("gatling-report.log")).stream()
                .filter(l -> l.startsWith("> request count"))
                .findFirst()
                .orElse("no request count line");
        System.out.println("  Gatling on the merged log: " + count.replaceAll("\\s+", " "));
        reportS = String.format("%.1f", rs);
        ratio = String.format("%.1f %%", 100 * mergeS / rs);
      }
      if (full) {
        fullReport(inputs, dir.resolve("full"), merged.records());
      }
      System.out.printf(
          "| %,d | %d | %.0f | %.2f | %,.0f | %.0f | %d | %s | %s |%n",
          merged.records(),
          INPUTS,
          inputBytes / 1e6,
          mergeS,
          merged.records() / mergeS,
          inputBytes / 1e6 / mergeS,
          peak >> 20,
          reportS,
          ratio);
      if (!KEEP) {
        deleteTree(dir);
      }
    }
  }

  /** One injector's log: users that log in, heartbeat twice, upload inside a group, and leave. */
  private static long write(Path log, long start, long records, Random rnd) throws Exception {
    RunHeader header =
        new RunHeader(
            RunHeader.SUPPORTED_VERSION,
            "bench.SyntheticSimulation",
            start,
            "",
            List.of("student", "proctor"),
            List.of());
    int t = 0;
    long written = 0;
    try (SimulationLogWriter w = SimulationLogWriter.create(log, header)) {
      while (written < records) {
        int scenario = rnd.nextInt(10) == 0 ? 1 : 0;
        t += rnd.nextInt(3);
        w.write(new LogRecord.User(scenario, true, t));
        written++;
        for (int k = 0; k < 3 && written < records; k++) {
          int rt = 5 + (int) (rnd.nextDouble() * rnd.nextDouble() * 2000);
          boolean ok = rnd.nextInt(50) != 0;
          t += rnd.nextInt(3);
          List<String> groups = k == 2 ? List.of("upload") : List.of();
          String name = k == 2 ? "recording chunk" : "heartbeat";
          w.write(
              new LogRecord.Request(
                  groups, name, t - rt, t, ok, ok ? "" : MESSAGES[rnd.nextInt(2)]));
          written++;
          if (k == 2 && written < records) {
            w.write(new LogRecord.Group(groups, t - rt - 2, t, rt, ok));
            written++;
          }
        }
        if (written < records) {
          w.write(new LogRecord.User(scenario, false, ++t));
          written++;
        }
      }
    }
    return Files.size(log);
  }

  /**
   * loadfleet's whole report of the inputs, its phases apart: from the call to Gatling's fork (the
   * merge with exact statistics and series), Gatling's own report generation (the forked JVM, seen
   * from here through its process handle: wall from its start to its exit, CPU from this JVM's
   * reaped children), and from Gatling's exit to the return (summary.json, hosts.html, junit.xml,
   * the links in Gatling's pages). "CPU of this JVM" is every thread of the benchmark JVM, GC and
   * JIT included, never Gatling's. Then the hosts page in headless Chromium.
   */
  private static void fullReport(List<MergeInput> inputs, Path out, long records) throws Exception {
    System.gc();
    resetPeaks();
    resetPeakRss();
    String loadBefore = loadAverage();
    ForkWatch gatling = new ForkWatch();
    gatling.start();
    long t0 = System.nanoTime();
    long wall0 = System.currentTimeMillis();
    long c0 = cpuNanos();
    long children0 = childrenCpuTicks();
    ReportResult r =
        Reporter.generate(
            new ReportRequest(inputs, out, Map.of()),
            GatlingProcess.onThisClasspath().withJvmOption("-Xmx6g"));
    double fs = (System.nanoTime() - t0) / 1e9;
    long wall1 = System.currentTimeMillis();
    double cpu = (cpuNanos() - c0) / 1e9;
    double gatlingCpu = (childrenCpuTicks() - children0) / 100.0;
    long peak = peakHeap();
    long rss = peakRssKib();
    gatling.interrupt();
    gatling.join();
    if (gatling.startMs == 0 || gatling.endMs == 0) {
      throw new IllegalStateException("did not see Gatling's forked JVM start and end");
    }
    double before = (gatling.startMs - wall0) / 1e3;
    double gatlingS = (gatling.endMs - gatling.startMs) / 1e3;
    double after = (wall1 - gatling.endMs) / 1e3;
    long c1 = cpuNanos();
    Path hosts = r.hostsPage();
    System.out.printf(
        "  loadfleet report of %,d records: %.1f s in all (max heap %d MiB); before Gatling (merge"
            + " + statistics + series) %.2f s; Gatling %.1f s wall, %.1f s CPU; after Gatling"
            + " (summary.json + hosts.html + junit.xml + links) %.2f s; CPU of this JVM %.2f s"
            + " (before Gatling %.2f s, while Gatling ran %.2f s, after %.2f s);"
            + " peak heap %d MiB; peak RSS %d MiB; load average %s before, %s after%n",
        records,
        fs,
        Runtime.getRuntime().maxMemory() >> 20,
        before,
        gatlingS,
        gatlingCpu,
        after,
        cpu,
        (gatling.cpuAtStart - c0) / 1e9,
        (gatling.cpuAtEnd - gatling.cpuAtStart) / 1e9,
        (c1 - gatling.cpuAtEnd) / 1e9,
        peak >> 20,
        rss >> 10,
        loadBefore,
        loadAverage());
    System.out.printf(
        "  sizes: hosts.html %,d bytes, summary.json %,d bytes, junit.xml %,d bytes%n",
        Files.size(hosts), Files.size(r.summaryJson()), Files.size(r.junitXml()));
    if (!NO_BROWSER) {
      browse(hosts);
    }
  }

  /**
   * The hosts page in headless Chromium: the load event, then until every chart is drawn ({@code
   * window.lfCharts}), while a probe evaluates a trivial expression in the page every 20 ms; a
   * probe waits for the page's main thread, so the longest probe round trip is the longest the page
   * would not have answered a click or a scroll after its load event. Chromium's own long tasks
   * (over 50 ms on the main thread, buffered from the navigation on) cover the time before it too.
   * Then the series' points and the console's errors.
   */
  private static void browse(Path page) throws Exception {
    browse(List.of(page), 1);
  }

  /** Opens each page {@code rounds} times, alternating, in one browser; one table row per visit. */
  private static void browse(List<Path> pages, int rounds) throws Exception {
    System.out.println(
        "| page | bytes | DOMContentLoaded ms | load ms | all charts drawn ms | charts | long tasks"
            + " (> 50 ms) | longest task ms | long tasks total ms | longest probe after load ms"
            + " | JS heap MiB | series x most points | console errors | load avg |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    try (HeadlessBrowser browser = HeadlessBrowser.start()) {
      // a first page warms the browser up (its first tab pays Chromium's own start-up)
      try (Page warm = browser.open("about:blank")) {
        warm.eval("0");
      }
      for (int round = 0; round < rounds; round++) {
        for (Path page : pages) {
          visit(browser, page);
        }
      }
    }
  }

  private static void visit(HeadlessBrowser browser, Path page) throws Exception {
    String url = page.toUri().toString();
    long t0 = System.nanoTime();
    try (Page p = browser.open(url, 1400, 900)) {
      long longest = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!p.eval(
              "window.lfCharts && window.lfCharts.done"
                  + " && window.lfCharts.drawn === window.lfCharts.expected")
          .asBoolean()) {
        long e0 = System.nanoTime();
        p.eval("0");
        longest = Math.max(longest, System.nanoTime() - e0);
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the charts of " + page + " were not drawn in 2 min");
        }
        Thread.sleep(20);
      }
      double seenMs = (System.nanoTime() - t0) / 1e6;
      JsonNode nav =
          p.eval(
              "new Promise(function (done) { var n = performance.getEntriesByType('navigation')[0];"
                  + " new PerformanceObserver(function (list, o) { o.disconnect();"
                  + "   var t = list.getEntries().map(function (e) { return e.duration; });"
                  + "   done({ dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
                  + "     doneMs: window.lfCharts.doneMs || -1, charts: window.lfCharts.drawn,"
                  + "     tasks: t.length, longest: Math.max.apply(null, [0].concat(t)),"
                  + "     total: t.reduce(function (a, b) { return a + b; }, 0),"
                  + "     heap: performance.memory ? performance.memory.usedJSHeapSize : -1 }); })"
                  + " .observe({ type: 'longtask', buffered: true });"
                  + " setTimeout(function () { done({ dcl: n.domContentLoadedEventEnd,"
                  + "   load: n.loadEventEnd, doneMs: window.lfCharts.doneMs || -1,"
                  + "   charts: window.lfCharts.drawn, tasks: 0, longest: 0, total: 0,"
                  + "   heap: performance.memory ? performance.memory.usedJSHeapSize : -1 }); }, 500); })");
      JsonNode points =
          p.eval(
              "(function () { var max = 0, n = 0; LF.hosts.forEach(function (h) {"
                  + " [h.users, h.rps, h.kops].forEach(function (s) { n++; max = Math.max(max, s.length); });"
                  + " Object.keys(h.times).forEach(function (k) { ['p50','p95','p99'].forEach(function (q) {"
                  + " n++; max = Math.max(max, h.times[k][q].length); }); }); });"
                  + " return { series: n, maxPoints: max }; })()");
      double doneMs = nav.get("doneMs").asDouble();
      System.out.printf(
          "| %s | %,d | %.0f | %.0f | %s | %d | %d | %.0f | %.0f | %.0f | %.1f | %d x %d | %s | %s"
              + " |%n",
          page,
          Files.size(page),
          nav.get("dcl").asDouble(),
          nav.get("load").asDouble(),
          doneMs >= 0 ? String.format("%.0f", doneMs) : String.format("(seen) %.0f", seenMs),
          nav.get("charts").asInt(),
          nav.get("tasks").asInt(),
          nav.get("longest").asDouble(),
          nav.get("total").asDouble(),
          longest / 1e6,
          nav.get("heap").asDouble() / (1 << 20),
          points.get("series").asInt(),
          points.get("maxPoints").asInt(),
          p.consoleErrors().isEmpty() ? "none" : p.consoleErrors().toString(),
          loadAverage());
    }
  }

  /** Watches this JVM's children: the start and the exit of the first one (Gatling's fork). */
  private static final class ForkWatch extends Thread {
    volatile long startMs;
    volatile long endMs;
    volatile long cpuAtStart;
    volatile long cpuAtEnd;

    ForkWatch() {
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (!isInterrupted()) {
          var child = ProcessHandle.current().children().findFirst();
          if (child.isPresent()) {
            ProcessHandle h = child.get();
            cpuAtStart = cpuNanos();
            startMs =
                h.info()
                    .startInstant()
                    .map(java.time.Instant::toEpochMilli)
                    .orElse(System.currentTimeMillis());
            h.onExit().join();
            endMs = System.currentTimeMillis();
            cpuAtEnd = cpuNanos();
            return;
          }
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        // the report ended
      }
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** utime + stime of this JVM's reaped children, in clock ticks (1/100 s on Linux). */
  private static long childrenCpuTicks() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 16 and 17 of stat(5), counted from the state (field 3) here
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** Resets this process's peak RSS (VmHWM), see proc(5) on clear_refs. */
  private static void resetPeakRss() throws Exception {
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
  }

  private static long peakRssKib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private static String loadAverage() throws Exception {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
