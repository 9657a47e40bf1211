import dev.loadfleet.merge.LogMerger;
import dev.loadfleet.merge.LogRecord;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.MergeResult;
import dev.loadfleet.merge.RunHeader;
import dev.loadfleet.merge.SimulationLogWriter;
import dev.loadfleet.report.GatlingProcess;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Merge benchmark: synthetic Gatling 3.15.1 logs of N records across 4 inputs, written with
 * loadfleet's writer; merge throughput and peak heap; then Gatling's own report generation on the
 * merged log in a forked JVM, timed, for the ratio. Run through bench/merge/run.sh.
 *
 * <p>Usage: MergeBenchmark WORKDIR TOTAL_RECORDS... [--no-report]
 */
public final class MergeBenchmark {
  private static final int INPUTS = 4;
  private static final String[] MESSAGES = {
    "status.find.in([200, 209], 304), found 500",
    "Request timeout to 127.0.0.1/127.0.0.1:8080 after 60000 ms"
  };

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    boolean report = true;
    List<Long> sizes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--no-report")) {
        report = false;
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
