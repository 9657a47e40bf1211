package dev.loadfleet.health;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The raw counters of one run of {@link ProcSampler#command()}: cumulative values, so two snapshots
 * make a {@link HealthSample}. Parses the text the Linux kernel writes (proc(5)).
 *
 * @param uptimeSeconds the host's /proc/uptime, the clock the rates are measured on
 * @param cpuJiffies all CPU time in /proc/stat's aggregate line (user .. steal)
 * @param idleJiffies idle plus iowait
 * @param net bytes received and sent so far, per interface, in /proc/net/dev order
 * @param defaultRoute the interface of the default route in /proc/net/route, if any
 * @param processRssBytes VmRSS of the watched process, -1 when it is not running
 * @param jvm the watched JVM's performance counters, when it publishes them
 */
public record ProcSnapshot(
    long receivedAtMs,
    double uptimeSeconds,
    int cpus,
    long cpuJiffies,
    long idleJiffies,
    double load1,
    long memTotalBytes,
    long memAvailableBytes,
    Map<String, NetCounters> net,
    Optional<String> defaultRoute,
    long processRssBytes,
    int processThreads,
    int openFds,
    Optional<HsPerfData> jvm) {

  /** The name a sample carries when it sums every interface but loopback and ifb. */
  public static final String ALL_INTERFACES = "*";

  /** Cumulative bytes of one interface. */
  public record NetCounters(long rxBytes, long txBytes) {}

  public ProcSnapshot {
    net = Map.copyOf(net);
  }

  /**
   * Parses one output of {@link ProcSampler#command()}.
   *
   * @param receivedAtMs when the output arrived, epoch ms on the launcher's clock
   * @throws IllegalArgumentException naming the section that is missing or unreadable
   */
  public static ProcSnapshot parse(String output, long receivedAtMs) {
    ProcSections sections = ProcSections.split(output);
    try {
      return parse(sections, receivedAtMs);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw sections.unreadable(e);
    }
  }

  private static ProcSnapshot parse(ProcSections sections, long receivedAtMs) {
    List<String> stat = sections.require("stat");
    String[] cpu =
        fields(
            stat.stream()
                .filter(l -> l.startsWith("cpu "))
                .findFirst()
                .orElseThrow(() -> sections.broken("stat", "no aggregate 'cpu ' line")));
    long total = 0;
    // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
    for (int i = 1; i <= Math.min(8, cpu.length - 1); i++) {
      total += Long.parseLong(cpu[i]);
    }
    long idle = Long.parseLong(cpu[4]) + (cpu.length > 5 ? Long.parseLong(cpu[5]) : 0);
    int cpus = (int) stat.stream().filter(l -> l.matches("cpu\\d+ .*")).count();

    Map<String, Long> meminfo = new LinkedHashMap<>();
    for (String line : sections.require("meminfo")) {
      String[] f = fields(line);
      if (f.length >= 2) {
        // proc(5): the "kB" in /proc/meminfo and /proc/<pid>/status means KiB.
        meminfo.put(f[0].replace(":", ""), Long.parseLong(f[1]) * 1024);
      }
    }
    Map<String, Long> status = new LinkedHashMap<>();
    for (String line : sections.optional("status")) {
      String[] f = fields(line);
      if (f.length >= 2 && (f[0].equals("VmRSS:") || f[0].equals("Threads:"))) {
        status.put(f[0], Long.parseLong(f[1]));
      }
    }
    boolean running = status.containsKey("Threads:");
    int fds = running ? parseCount(sections.optional("fds")) : -1;
    return new ProcSnapshot(
        receivedAtMs,
        Double.parseDouble(fields(sections.first("uptime"))[0]),
        cpus,
        total,
        idle,
        Double.parseDouble(fields(sections.first("loadavg"))[0]),
        sections.value(meminfo, "meminfo", "MemTotal"),
        sections.value(meminfo, "meminfo", "MemAvailable"),
        netDev(sections.require("net/dev")),
        defaultRoute(sections.optional("net/route")),
        running && status.containsKey("VmRSS:") ? status.get("VmRSS:") * 1024 : -1,
        running ? status.get("Threads:").intValue() : -1,
        // A live JVM always holds descriptors: 0 means /proc/<pid>/fd was not readable to us.
        fds > 0 ? fds : -1,
        running ? jvm(sections.optional("hsperf")) : Optional.empty());
  }

  /**
   * The base64 of the JVM's hsperfdata file; absent when the process runs with -XX:-UsePerfData.
   */
  private static Optional<HsPerfData> jvm(List<String> base64) {
    if (base64.isEmpty()) {
      return Optional.empty();
    }
    try {
      return HsPerfData.parse(Base64.getMimeDecoder().decode(String.join("\n", base64)));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // cut short mid-line: the next sample will have it
    }
  }

  private static Map<String, NetCounters> netDev(List<String> lines) {
    Map<String, NetCounters> net = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue; // the two header lines
      }
      String[] f = fields(line.substring(colon + 1));
      // Receive has 8 columns (bytes first), then Transmit starts with bytes.
      net.put(
          line.substring(0, colon).trim(),
          new NetCounters(Long.parseLong(f[0]), Long.parseLong(f[8])));
    }
    return net;
  }

  private static Optional<String> defaultRoute(List<String> lines) {
    return lines.stream()
        .map(ProcSnapshot::fields)
        .filter(f -> f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000"))
        .map(f -> f[0])
        .findFirst();
  }

  private static int parseCount(List<String> lines) {
    return lines.isEmpty() ? 0 : Integer.parseInt(lines.get(0).trim());
  }

  static String[] fields(String line) {
    return line.trim().split("\\s+");
  }
}
