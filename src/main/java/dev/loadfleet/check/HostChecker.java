package dev.loadfleet.check;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.remote.MarkedOutput;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks one connected host: Java, disk, descriptors, CPU and memory, clock, the target URL. */
public final class HostChecker {
  static final int MIN_JAVA = 17;
  static final String JAVA_HINT =
      "install a JRE 17+: sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or "
          + "sudo dnf install -y java-17-openjdk-headless (Fedora/RHEL), or run check --install-java";
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static final Pattern JAVA_VERSION = Pattern.compile("version \"(1\\.)?(\\d+)");
  private static final int CLOCK_PROBES = 7;
  private static final long MIN_FREE_MEMORY_KB = 512 * 1024;

  private HostChecker() {}

  /** Descriptors an injector with {@code users} users needs (the planner's figure). */
  public static long descriptorsNeeded(int users) {
    return dev.loadfleet.plan.Limits.DEFAULTS.descriptorsFor(users);
  }

  /** Disk the bundle and a run need under the base dir. */
  static long diskNeededKb(long bundleBytes) {
    return (3 * bundleBytes) / 1024 + 256 * 1024;
  }

  public static HostReport check(
      RemoteHost remote, int users, String target, CheckOptions options) {
    HostSpec host = remote.host();
    Map<String, String> facts = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    facts.put("ssh", "ok");
    Optional<ClockOffset> clock = Optional.empty();
    try {
      Map<String, String> f = facts(remote);
      java(remote, f, options, facts, problems);
      facts.put("cpus", f.getOrDefault("nproc", "?"));
      long memKb = parseLong(f.get("memavail"), -1);
      facts.put("mem avail", memKb < 0 ? "?" : String.format("%.1f GB", memKb / 1048576.0));
      if (memKb >= 0 && memKb < MIN_FREE_MEMORY_KB) {
        problems.add(
            new Problem(
                "only " + memKb / 1024 + " MB memory available",
                "free memory on the host (the injector JVM takes up to 60% of RAM) or give it fewer users"));
      }
      long diskKb = parseLong(f.get("disk_kb"), -1);
      facts.put("disk free", diskKb < 0 ? "?" : String.format("%.1f GB", diskKb / 1048576.0));
      long needKb = diskNeededKb(options.bundleBytes());
      if (diskKb >= 0 && diskKb < needKb) {
        problems.add(
            new Problem(
                String.format(
                    "only %d MB free under %s, need %d MB",
                    diskKb / 1024, f.get("disk_dir"), needKb / 1024),
                "free disk space there or set the host's baseDir to a larger file system"));
      }
      descriptors(f, users, facts, problems);
      clock = Optional.of(measureClock(remote));
      facts.put("clock", clock.get().toString());
      target(remote, target, f, facts, problems);
    } catch (IOException e) {
      problems.add(
          new Problem(
              "command failed over SSH: " + e.getMessage(),
              "check the host's shell and that it is a Linux host"));
    }
    return new HostReport(host.name(), facts, problems, clock);
  }

  /** A report for a host that could not be reached or authenticated. */
  public static HostReport unreachable(HostSpec host, IOException e) {
    String fix =
        e instanceof dev.loadfleet.remote.HostKeyException
            ? "see the message"
            : "check the address, port, user and keyFile in the inventory, then `ssh -p "
                + host.port()
                + " -i "
                + host.keyFile()
                + " "
                + host.user()
                + "@"
                + host.address()
                + " true`";
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put(
        "ssh",
        e instanceof dev.loadfleet.remote.HostKeyException hk
            ? (hk.changed() ? "KEY CHANGED" : "key unknown")
            : "FAILED");
    return new HostReport(
        host.name(), facts, List.of(new Problem(e.getMessage(), fix)), Optional.empty());
  }

  private static Map<String, String> facts(RemoteHost remote) throws IOException {
    String base = Shell.quote(remote.host().baseDir());
    String script =
        String.join(
            "\n",
            "echo \"java_path=$(command -v java)\"",
            "echo \"java_version=$(java -version 2>&1 | head -n 1)\"",
            "echo \"nproc=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)\"",
            "echo \"memavail=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)\"",
            "echo \"nofile_soft=$(ulimit -Sn)\"",
            "echo \"nofile_hard=$(ulimit -Hn)\"",
            "d=" + base + "; while [ ! -d \"$d\" ]; do d=$(dirname \"$d\"); done",
            "echo \"disk_dir=$d\"",
            "echo \"disk_kb=$(df -Pk \"$d\" | awk 'NR==2 {print $4}')\"",
            "echo \"curl=$(command -v curl)\"",
            "echo \"bash=$(command -v bash)\"");
    MarkedOutput out =
        MarkedOutput.parse(
            remote.execOk(
                MarkedOutput.mark("facts") + "\n" + script + "\n" + MarkedOutput.END,
                SHORT,
                "collecting host facts"));
    if (!out.complete()) {
      throw new IOException(
          "the host facts came back cut short (output began: " + out.head().strip() + ")");
    }
    Map<String, String> facts = new HashMap<>();
    for (String line : out.lines("facts")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        facts.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    return facts;
  }

  private static void java(
      RemoteHost remote,
      Map<String, String> f,
      CheckOptions options,
      Map<String, String> facts,
      List<Problem> problems)
      throws IOException {
    int version = javaVersion(f);
    if (version < MIN_JAVA && options.installJava()) {
      String install =
          String.join(
              "\n",
              "if [ \"$(id -u)\" = 0 ]; then sudo=; else sudo='sudo -n'; fi",
              "if command -v apt-get >/dev/null; then",
              "  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless ||",
              "  { $sudo apt-get update -q && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; }",
              "elif command -v dnf >/dev/null; then $sudo dnf install -y -q java-17-openjdk-headless",
              "elif command -v yum >/dev/null; then $sudo yum install -y -q java-17-openjdk-headless",
              "else echo 'no apt-get, dnf or yum on this host' >&2; exit 3; fi");
      var r = remote.exec(install, Duration.ofMinutes(10));
      if (!r.ok()) {
        problems.add(
            new Problem(
                "--install-java failed (" + r.describe() + ")",
                "install a JRE 17+ by hand; sudo must work without a password (sudo -n) for --install-java"));
      }
      f = facts(remote);
      version = javaVersion(f);
    }
    if (version < 0) {
      facts.put("java", "MISSING");
      problems.add(new Problem("java not found on PATH", JAVA_HINT));
    } else {
      facts.put("java", String.valueOf(version));
      if (version < MIN_JAVA) {
        problems.add(new Problem("java " + version + " is older than " + MIN_JAVA, JAVA_HINT));
      }
    }
  }

  static int javaVersion(Map<String, String> f) {
    if (f.getOrDefault("java_path", "").isEmpty()) {
      return -1;
    }
    Matcher m = JAVA_VERSION.matcher(f.getOrDefault("java_version", ""));
    return m.find() ? Integer.parseInt(m.group(2)) : 0;
  }

  private static void descriptors(
      Map<String, String> f, int users, Map<String, String> facts, List<Problem> problems) {
    long soft = parseLimit(f.get("nofile_soft"));
    long hard = parseLimit(f.get("nofile_hard"));
    long need = descriptorsNeeded(users);
    facts.put(
        "nofile",
        (soft == Long.MAX_VALUE ? "unlimited" : String.valueOf(soft))
            + "/"
            + (hard == Long.MAX_VALUE ? "unlimited" : String.valueOf(hard)));
    // HotSpot raises its soft limit to the hard limit at start (-XX:+MaxFDLimit), so the hard
    // limit is what the injector can use.
    if (hard < need) {
      problems.add(
          new Problem(
              "open-file limit "
                  + hard
                  + " (hard) is below the "
                  + need
                  + " descriptors "
                  + users
                  + " users need",
              "raise nofile for the user in /etc/security/limits.conf (e.g. '* hard nofile 65536') and log in again"));
    }
  }

  /**
   * Several {@code date +%s%N} probes; the one with the fastest round trip is trusted most: the
   * remote reading happened between send and receive, best guessed at the midpoint.
   */
  static ClockOffset measureClock(RemoteHost remote) throws IOException {
    long bestRtt = Long.MAX_VALUE;
    long bestOffset = 0;
    for (int i = 0; i < CLOCK_PROBES; i++) {
      long t0 = nowMicros();
      MarkedOutput out =
          MarkedOutput.parse(
              remote.execOk(
                  MarkedOutput.mark("clock") + "; date +%s%N; " + MarkedOutput.END,
                  SHORT,
                  "reading the clock"));
      long t1 = nowMicros();
      String date = out.first("clock").orElse("");
      if (!out.complete() || !date.matches("\\d{10,19}")) {
        throw new IOException(
            "`date +%s%N` printed '" + date + "', not nanoseconds since 1970 (GNU date needed)");
      }
      long remoteMicros = Long.parseLong(date) / 1000;
      long rtt = t1 - t0;
      if (rtt < bestRtt) {
        bestRtt = rtt;
        bestOffset = remoteMicros - (t0 + t1) / 2;
      }
    }
    return new ClockOffset(
        Math.round(bestOffset / 1000.0), Math.max(1, Math.round(bestRtt / 2000.0)));
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  private static void target(
      RemoteHost remote,
      String target,
      Map<String, String> f,
      Map<String, String> facts,
      List<Problem> problems)
      throws IOException {
    if (target.isEmpty()) {
      facts.put("target", "embedded");
      return;
    }
    URI uri = URI.create(target);
    int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    String probe;
    if (!f.getOrDefault("curl", "").isEmpty()) {
      probe = "curl -sS -o /dev/null --max-time 5 " + Shell.quote(target);
    } else if (!f.getOrDefault("bash", "").isEmpty()) {
      probe = "timeout 5 bash -c " + Shell.quote("exec 3<>/dev/tcp/" + uri.getHost() + "/" + port);
    } else {
      facts.put("target", "?");
      problems.add(
          new Problem(
              "cannot probe " + target + ": neither curl nor bash on the host",
              "install curl on the host"));
      return;
    }
    var r = remote.exec(probe, SHORT);
    if (r.ok()) {
      facts.put("target", "ok");
    } else {
      facts.put("target", "UNREACHABLE");
      problems.add(
          new Problem(
              "target " + target + " not reachable from the host (" + r.describe() + ")",
              "check the service runs, the URL in the inventory and the firewall between this host and "
                  + uri.getHost()
                  + ":"
                  + port));
    }
  }

  private static long parseLimit(String s) {
    if (s == null || s.isEmpty()) {
      return -1;
    }
    return s.equals("unlimited") ? Long.MAX_VALUE : parseLong(s, -1);
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
