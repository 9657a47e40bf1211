package dev.loadfleet.check;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.remote.Fleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code check}: every host at once, one table, a row per host and every problem with its fix. */
public final class Checker {
  /**
   * The clock column: the host's clock minus this machine's, positive when the host is ahead, the
   * name run.json and the report use for the same quantity.
   */
  public static final String CLOCK = "clockOffsetMs";

  private static final List<String> COLUMNS =
      List.of("ssh", "shell", "java", "cpus", "mem avail", "disk free", "nofile", CLOCK, "target");

  private Checker() {}

  public static List<HostReport> checkAll(
      Fleet fleet, Plan plan, String target, CheckOptions options) {
    Map<String, Fleet.Result<HostReport>> results =
        fleet.eachHost(
            h -> {
              var remote = fleet.get(h.name());
              if (remote.isEmpty()) {
                return HostChecker.unreachable(
                    h, fleet.failure(h.name()).orElse(new IOException("not connected")));
              }
              return HostChecker.check(remote.get(), plan.share(h.name()).users(), target, options);
            });
    List<HostReport> reports = new ArrayList<>();
    for (HostSpec h : fleet.hosts()) {
      Fleet.Result<HostReport> r = results.get(h.name());
      reports.add(
          r.ok() ? r.value() : HostChecker.unreachable(h, new IOException(r.message(), r.error())));
    }
    return reports;
  }

  public static boolean allOk(List<HostReport> reports) {
    return reports.stream().allMatch(HostReport::ok);
  }

  /**
   * The table (each column as wide as its header or its widest value, so a long value never shifts
   * the columns after it), each host's problems with their fixes under its row, and a verdict line.
   */
  public static void print(List<HostReport> reports, PrintWriter out) {
    int nameWidth = width("host", reports.stream().map(HostReport::host));
    int[] widths =
        COLUMNS.stream().mapToInt(c -> width(c, reports.stream().map(r -> r.fact(c)))).toArray();
    StringBuilder header = new StringBuilder(pad("host", nameWidth));
    for (int i = 0; i < COLUMNS.size(); i++) {
      header.append("  ").append(pad(COLUMNS.get(i), widths[i]));
    }
    header.append("  status");
    out.println(header);
    for (HostReport r : reports) {
      StringBuilder row = new StringBuilder(pad(r.host(), nameWidth));
      for (int i = 0; i < COLUMNS.size(); i++) {
        row.append("  ").append(pad(r.fact(COLUMNS.get(i)), widths[i]));
      }
      row.append("  ").append(r.ok() ? "OK" : "FAIL");
      out.println(row);
      for (Problem p : r.problems()) {
        out.println("    " + r.host() + ": " + p.what());
        out.println("      fix: " + p.fix());
      }
    }
    out.println(
        CLOCK
            + ": the host's clock minus this machine's, in ms (+ = host ahead), ± half the fastest"
            + " round trip");
    long failed = reports.stream().filter(r -> !r.ok()).count();
    out.println(
        failed == 0
            ? "all " + reports.size() + " hosts ready"
            : failed + " of " + reports.size() + " hosts not ready");
    out.flush();
  }

  /** A column's width: its header's or its widest value's length. */
  private static int width(String header, Stream<String> values) {
    return Math.max(header.length(), values.mapToInt(String::length).max().orElse(0));
  }

  private static String pad(String value, int width) {
    return value + " ".repeat(width - value.length());
  }
}
