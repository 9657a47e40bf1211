package dev.loadfleet.health;

import dev.loadfleet.remote.MarkedOutput;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Samples one host's health through a single remote shell command run every few seconds over the
 * SSH connection the launcher already holds, and turns consecutive outputs into {@link
 * HealthSample}s. One instance per host; not thread-safe (one sampling loop per host).
 *
 * <p>The command is a fixed string: the only value put into it is the injector's pid, an int
 * checked positive, so nothing from an inventory or a remote file reaches the shell. It only runs
 * cat, ls, wc, id and base64 (coreutils), so it costs the host a few milliseconds and works with
 * any POSIX sh; its output is about 50 KB with the JVM's counters.
 */
public final class ProcSampler {
  private static final String[] FILES = {
    "uptime", "stat", "loadavg", "meminfo", "net/dev", "net/route"
  };

  private final OptionalInt pid;
  private final Optional<String> netInterface;
  private ProcSnapshot previous;

  /**
   * @param pid the injector process to watch (its status and descriptors); empty for a host alone,
   *     e.g. the target service's machine
   * @param netInterface the interface to count, e.g. "eth0"; empty = the default route's interface,
   *     or the sum over every interface but lo and ifb* when the host has no default route
   */
  public ProcSampler(OptionalInt pid, Optional<String> netInterface) {
    if (pid.isPresent() && pid.getAsInt() <= 0) {
      throw new IllegalArgumentException(
          "injector pid is " + pid.getAsInt() + ": a process id is a positive integer");
    }
    this.pid = pid;
    this.netInterface = netInterface;
  }

  /**
   * The remote command; prints every section between marker lines. It holds no quote character, so
   * {@code "sh -c '" + command() + "'"} runs it under sh whatever the user's login shell is.
   */
  public String command() {
    StringBuilder sh = new StringBuilder("LC_ALL=C; export LC_ALL; ");
    for (String file : FILES) {
      section(sh, file).append("cat /proc/").append(file).append("; ");
    }
    if (pid.isPresent()) {
      String dir = "/proc/" + pid.getAsInt();
      section(sh, "status").append("cat ").append(dir).append("/status 2>/dev/null; ");
      section(sh, "fds").append("ls ").append(dir).append("/fd 2>/dev/null | wc -l; ");
      // HotSpot writes its perf counters to /tmp/hsperfdata_<effective user>/<pid> whatever
      // java.io.tmpdir says: 32 KiB, read here because jstat is not in a JRE.
      section(sh, "hsperf")
          .append("base64 /tmp/hsperfdata_$(id -un)/")
          .append(pid.getAsInt())
          .append(" 2>/dev/null; ");
    }
    return section(sh, "end").toString().trim();
  }

  private static StringBuilder section(StringBuilder sh, String name) {
    return sh.append(MarkedOutput.mark(name)).append("; ");
  }

  /**
   * Takes one output of {@link #command()}; returns the sample since the previous output, or empty
   * for the first one (rates need two).
   *
   * @param receivedAtMs when the output arrived, epoch ms
   * @throws IllegalArgumentException when the output is cut short or not /proc text
   */
  public Optional<HealthSample> accept(String output, long receivedAtMs) {
    ProcSnapshot current = ProcSnapshot.parse(output, receivedAtMs);
    ProcSnapshot before = previous;
    previous = current;
    if (before == null || current.uptimeSeconds() <= before.uptimeSeconds()) {
      return Optional.empty(); // first sample, or the host rebooted: start over
    }
    return Optional.of(between(before, current, netInterface));
  }

  /** The sample over the period between two snapshots of the same host. */
  public static HealthSample between(
      ProcSnapshot before, ProcSnapshot after, Optional<String> netInterface) {
    double seconds = after.uptimeSeconds() - before.uptimeSeconds();
    if (!(seconds > 0)) {
      throw new IllegalArgumentException(
          "health sample: the second snapshot is not later than the first (uptime "
              + before.uptimeSeconds()
              + " s then "
              + after.uptimeSeconds()
              + " s)");
    }
    long cpu = after.cpuJiffies() - before.cpuJiffies();
    long idle = after.idleJiffies() - before.idleJiffies();
    double busy = cpu <= 0 ? 0 : 100.0 * Math.max(0, cpu - idle) / cpu;
    String name = netInterface.or(after::defaultRoute).orElse(ProcSnapshot.ALL_INTERFACES);
    ProcSnapshot.NetCounters a = counters(after.net(), name);
    ProcSnapshot.NetCounters b = counters(before.net(), name);
    return new HealthSample(
        after.receivedAtMs(),
        Math.round(seconds * 1000),
        after.cpus(),
        busy,
        after.load1(),
        after.memAvailableBytes(),
        after.memTotalBytes(),
        name,
        rate(b.txBytes(), a.txBytes(), seconds),
        rate(b.rxBytes(), a.rxBytes(), seconds),
        after.openFds(),
        after.processRssBytes(),
        after.processThreads(),
        after.jvm().map(HsPerfData::heapUsedBytes).orElse(-1L),
        after.jvm().map(HsPerfData::heapCommittedBytes).orElse(-1L),
        gcPct(before, after, seconds));
  }

  private static double gcPct(ProcSnapshot before, ProcSnapshot after, double seconds) {
    if (before.jvm().isEmpty() || after.jvm().isEmpty()) {
      return -1;
    }
    double gc = after.jvm().get().gcSeconds() - before.jvm().get().gcSeconds();
    return gc < 0 ? -1 : Math.min(100, 100 * gc / seconds); // < 0: another JVM got the pid
  }

  private static ProcSnapshot.NetCounters counters(
      Map<String, ProcSnapshot.NetCounters> net, String name) {
    if (!name.equals(ProcSnapshot.ALL_INTERFACES)) {
      ProcSnapshot.NetCounters one = net.get(name);
      if (one == null) {
        throw new IllegalArgumentException(
            "health sample: the host has no network interface '"
                + name
                + "' (it has "
                + net.keySet()
                + "); set the host's interface to one of these");
      }
      return one;
    }
    // ifb devices re-count traffic redirected for tc shaping; loopback never leaves the host.
    long rx = 0;
    long tx = 0;
    for (Map.Entry<String, ProcSnapshot.NetCounters> e : net.entrySet()) {
      if (!e.getKey().equals("lo") && !e.getKey().startsWith("ifb")) {
        rx += e.getValue().rxBytes();
        tx += e.getValue().txBytes();
      }
    }
    return new ProcSnapshot.NetCounters(rx, tx);
  }

  /** A counter that went down was reset (interface re-created): no rate rather than a negative. */
  private static double rate(long before, long after, double seconds) {
    return after < before ? 0 : (after - before) / seconds;
  }
}
