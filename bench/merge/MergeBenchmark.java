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
 */
public final class MergeBenchmark {
  private static int INPUTS = 4;
  private static final String[] MESSAGES = {
    "status.find.in([200, 209], 304), found 500",
    "Request timeout to 127.0.0.1/127.0.0.1:8080 after 60000 ms"
  };

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    boolean report = true;
    boolean full = false;
    List<Long> sizes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--no-report")) {
        report = false;
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
      long t0 = System.nanoTime();
      MergeResult merged = LogMerger.merge(inputs, run.resolve("simulation.log"));
      double mergeS = (System.nanoTime() - t0) / 1e9;
      long peak = peakHeap();
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
        long f0 = System.nanoTime();
        ReportResult r =
            Reporter.generate(
                new ReportRequest(inputs, dir.resolve("full"), Map.of()),
                GatlingProcess.onThisClasspath().withJvmOption("-Xmx6g"));
        double fs = (System.nanoTime() - f0) / 1e9;
        long wall = System.currentTimeMillis();
        Path out = r.reportIndex().getParent();
        // The phases by the files' modification times: the merged log is complete when the merge
        // (with its statistics and series) ends; Gatling's console when Gatling ends; junit.xml is
        // written after summary.json and hosts.html.
        double mergeStats =
            (mtime(out.resolve("simulation.log")) - (wall - (long) (fs * 1000))) / 1e3;
        double pages = (mtime(r.junitXml()) - mtime(out.resolve("gatling-report.log"))) / 1e3;
        System.out.printf(
            "  loadfleet report: %.1f s in all; merge with statistics and series %.1f s (merge"
                + " alone above); summary.json + hosts.html + junit.xml after Gatling %.2f s;"
                + " hosts.html %,d bytes, summary.json %,d bytes, junit.xml %,d bytes%n",
            fs,
            mergeStats,
            pages,
            Files.size(r.hostsPage()),
            Files.size(r.summaryJson()),
            Files.size(r.junitXml()));
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
      deleteTree(dir);
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

  private static long mtime(Path file) throws Exception {
    return Files.getLastModifiedTime(file).toMillis();
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
