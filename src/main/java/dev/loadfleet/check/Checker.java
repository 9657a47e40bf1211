package dev.loadfleet.check;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.remote.Fleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  public static void print(List<HostReport> reports, PrintWriter out) {
    // Every column as wide as its widest value or its header, whichever is wider.
    int nameWidth = Math.max(4, reports.stream().mapToInt(r -> r.host().length()).max().orElse(4));
    Map<String, Integer> widths = new java.util.HashMap<>();
    for (String c : COLUMNS) {
      widths.put(
          c,
          Math.max(c.length(), reports.stream().mapToInt(r -> r.fact(c).length()).max().orElse(0)));
    }
    StringBuilder header = new StringBuilder(String.format("%-" + nameWidth + "s", "host"));
    for (String c : COLUMNS) {
      header.append("  ").append(String.format("%-" + widths.get(c) + "s", c));
    }
    header.append("  status");
    out.println(header);
    for (HostReport r : reports) {
      StringBuilder row = new StringBuilder(String.format("%-" + nameWidth + "s", r.host()));
      for (String c : COLUMNS) {
        row.append("  ").append(String.format("%-" + widths.get(c) + "s", r.fact(c)));
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
}
