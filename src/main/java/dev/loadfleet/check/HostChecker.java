package dev.loadfleet.check;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.remote.Installer;
import dev.loadfleet.remote.MarkedOutput;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import dev.loadfleet.remote.SshFailure;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one connected host for everything deploy and run will need of it: the login shell runs our
 * commands, every tool they call is there, the base dir takes a deploy (rehearsed with a tiny
 * archive exactly as the bundle goes), free disk for the bundle and the run's logs, Java 17+,
 * descriptors, memory, the clock and the target URL.
 */
public final class HostChecker {
  static final int MIN_JAVA = 17;
  static final String JAVA_HINT =
      "install a JRE 17+: sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or "
          + "sudo dnf install -y java-17-openjdk-headless (Fedora/RHEL), or run check --install-java";
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static final Pattern JAVA_VERSION = Pattern.compile("version \"(1\\.)?(\\d+)");
  private static final long MIN_FREE_MEMORY_KB = 512 * 1024;

  /** Round trips of the clock probe; the fastest one is trusted. */
  private static final int CLOCK_PROBES = 15;

  /**
   * Every command the launcher's steps call on a host besides the shell's builtins: the deploy's
   * ({@link Installer#TOOLS}), bin/injector's (a bash script: setsid, nohup, ...), and those of
   * check, health sampling and collect.
   */
  static final List<String> TOOLS =
      List.of(
          "bash",
          "setsid",
          "nohup",
          "tar",
          "gzip",
          "sha256sum",
          "find",
          "cat",
          "cut",
          "head",
          "ln",
          "mv",
          "rm",
          "mkdir",
          "mktemp",
          "seq",
          "sleep",
          "date",
          "base64",
          "awk",
          "df",
          "wc",
          "id",
          "ls");

  /** The Debian/Ubuntu package a missing tool comes in (coreutils when not named). */
  private static final Map<String, String> PACKAGES =
      Map.of(
          "bash", "bash",
          "setsid", "util-linux",
          "tar", "tar",
          "gzip", "gzip",
          "find", "findutils",
          "awk", "mawk");

  /** Disk a run's logs take per user, allowed generously (Gatling's log is ~50 KB per hour). */
  static final long LOG_KB_PER_USER = 1024;

  private HostChecker() {}

  /** Descriptors an injector with {@code users} users needs (the planner's figure). */
  public static long descriptorsNeeded(int users) {
    return dev.loadfleet.plan.Limits.DEFAULTS.descriptorsFor(users);
  }

  /** Disk the bundle (archive, then unpacked) and a run of {@code users} users need. */
  static long diskNeededKb(long bundleBytes, int users) {
    return (3 * bundleBytes) / 1024 + 256 * 1024 + users * LOG_KB_PER_USER;
  }

  public static HostReport check(
      RemoteHost remote, int users, String target, CheckOptions options) {
    HostSpec host = remote.host();
    Map<String, String> facts = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    facts.put("ssh", host.jump().map(j -> "via " + j.address()).orElse("ok"));
    Optional<ClockOffset> clock = Optional.empty();
    try {
      Map<String, String> f = facts(remote);
      facts.put("shell", f.getOrDefault("shell", "?"));
      tools(f, problems);
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
      baseDir(remote, options, users, facts, problems);
      descriptors(f, users, facts, problems);
      clock = Optional.of(measureClock(remote));
      facts.put(Checker.CLOCK, clock.get().toString());
      target(remote, target, f, facts, problems);
    } catch (SshFailure e) {
      problems.add(new Problem(withoutHost(e.what(), host), e.fix()));
    } catch (IOException e) {
      problems.add(
          new Problem(
              "a command failed over SSH: " + withoutHost(e.getMessage(), host),
              "run `loadfleet check --verbose` and read the host's own words in the log"));
    }
    return new HostReport(host.name(), facts, problems, clock);
  }

  /** A report for a host that could not be reached or authenticated. */
  public static HostReport unreachable(HostSpec host, IOException e) {
    String what;
    String fix;
    if (e instanceof SshFailure f) {
      what = withoutHost(f.what(), host);
      fix = f.fix();
    } else {
      what = withoutHost(String.valueOf(e.getMessage()), host);
      fix =
          "check the address, port, user and keyFile in the inventory, then `ssh -p "
              + host.port()
              + host.keyFile().map(k -> " -i " + k).orElse("")
              + " "
              + host.user()
              + "@"
              + host.address()
              + " true`";
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put(
        "ssh",
        e instanceof SshFailure f
            ? switch (f.kind()) {
              case HOST_KEY_CHANGED -> "KEY CHANGED";
              case HOST_KEY_UNKNOWN -> "key unknown";
              case AUTH_REJECTED -> "REFUSED KEY";
              case KEY -> "NO KEY";
              case TIMEOUT -> "TIMEOUT";
              case REFUSED -> "REFUSED";
              case UNKNOWN_HOST -> "UNKNOWN HOST";
              case NO_ROUTE -> "NO ROUTE";
              default -> "FAILED";
            }
            : "FAILED");
    return new HostReport(host.name(), facts, List.of(new Problem(what, fix)), Optional.empty());
  }

  /** The table prints each problem under its host's name: a leading "host: " would repeat it. */
  private static String withoutHost(String what, HostSpec host) {
    String prefix = host.name() + ": ";
    return what.startsWith(prefix) ? what.substring(prefix.length()) : what;
  }

  private static Map<String, String> facts(RemoteHost remote) throws IOException {
    String base = Shell.quote(remote.host().baseDir());
    List<String> lines = new ArrayList<>();
    // $SHELL is the login shell sshd started (our command runs under /bin/sh below it).
    lines.add("echo \"shell=${SHELL##*/}\"");
    lines.add("echo \"java_path=$(command -v java)\"");
    lines.add("echo \"java_version=$(java -version 2>&1 | head -n 1)\"");
    lines.add("echo \"nproc=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)\"");
    lines.add("echo \"memavail=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)\"");
    lines.add("echo \"nofile_soft=$(ulimit -Sn)\"");
    lines.add("echo \"nofile_hard=$(ulimit -Hn)\"");
    lines.add("echo \"curl=$(command -v curl)\"");
    for (String tool : TOOLS) {
      lines.add("command -v " + tool + " >/dev/null 2>&1 || echo \"missing=" + tool + "\"");
    }
    // GNU date prints nanoseconds; others print a literal N (the clock needs them).
    lines.add("echo \"date_ns=$(date +%N)\"");
    MarkedOutput out =
        MarkedOutput.parse(
            remote.execOk(
                MarkedOutput.mark("facts")
                    + "\n"
                    + String.join("\n", lines)
                    + "\n"
                    + MarkedOutput.END,
                SHORT,
                "collecting host facts"));
    if (!out.complete()) {
      throw new IOException(
          "the host facts came back cut short (output began: " + out.head().strip() + ")");
    }
    Map<String, String> facts = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String line : out.lines("facts")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1).trim();
        if (key.equals("missing")) {
          missing.add(value);
        } else {
          facts.put(key, value);
        }
      }
    }
    facts.put("missing", String.join(" ", missing));
    return facts;
  }

  private static void tools(Map<String, String> f, List<Problem> problems) {
    List<String> missing =
        f.getOrDefault("missing", "").isBlank() ? List.of() : List.of(f.get("missing").split(" "));
    if (!missing.isEmpty()) {
      List<String> packages =
          missing.stream().map(t -> PACKAGES.getOrDefault(t, "coreutils")).distinct().toList();
      problems.add(
          new Problem(
              "missing on the login's PATH: " + String.join(", ", missing),
              "install them (Debian/Ubuntu: sudo apt-get install -y "
                  + String.join(" ", packages)
                  + "), or put them on the PATH the user's login shell sets"));
    }
    if (!f.getOrDefault("date_ns", "").matches("\\d{9}")) {
      problems.add(
          new Problem(
              "date cannot print nanoseconds (`date +%N` printed '"
                  + f.getOrDefault("date_ns", "")
                  + "'), so the clock offset cannot be measured",
              "install GNU coreutils' date (Debian/Ubuntu: coreutils)"));
    }
  }

  /**
   * The base dir takes a deploy (rehearsed with a tiny archive, exactly as the bundle goes), its
   * runs dir takes a run, and its file system has room for both.
   */
  private static void baseDir(
      RemoteHost remote,
      CheckOptions options,
      int users,
      Map<String, String> facts,
      List<Problem> problems)
      throws IOException {
    HostSpec host = remote.host();
    // The first dir of baseDir that does not exist yet: check leaves the host as it found it, so
    // whatever it creates from there down is removed again (only while empty).
    String top =
        MarkedOutput.parse(
                remote.execOk(
                    String.join(
                        "; ",
                        MarkedOutput.mark("top"),
                        "d=" + Shell.quote(host.baseDir()) + "; top=",
                        "while [ ! -e \"$d\" ]; do top=$d; d=$(dirname -- \"$d\"); done",
                        "echo \"$top\"",
                        MarkedOutput.END),
                    SHORT,
                    "looking at " + host.baseDir()))
            .first("top")
            .orElse("");
    try {
      baseDirTakesARun(remote, options, users, facts, problems);
    } finally {
      if (!top.isEmpty()) {
        remote.exec("find " + Shell.quote(top) + " -depth -type d -empty -delete", SHORT);
      }
    }
  }

  private static void baseDirTakesARun(
      RemoteHost remote,
      CheckOptions options,
      int users,
      Map<String, String> facts,
      List<Problem> problems)
      throws IOException {
    HostSpec host = remote.host();
    try {
      Installer.rehearse(remote, host.bundlesDir());
    } catch (SshFailure e) {
      facts.put("disk free", "?");
      problems.add(new Problem(withoutHost(e.what(), host), e.fix()));
      return;
    }
    String runs = Shell.quote(host.baseDir() + "/runs");
    MarkedOutput out =
        MarkedOutput.parse(
            remote.execOk(
                String.join(
                    "; ",
                    MarkedOutput.mark("runs"),
                    "mkdir -p "
                        + runs
                        + " && d=$(mktemp -d "
                        + runs
                        + "/.check.XXXXXX) && rmdir \"$d\" && echo ok",
                    MarkedOutput.mark("disk"),
                    "df -Pk " + Shell.quote(host.baseDir()) + " | awk 'NR==2 {print $4}'",
                    MarkedOutput.END),
                SHORT,
                "checking " + host.baseDir()));
    if (!out.first("runs").orElse("").equals("ok")) {
      problems.add(
          new Problem(
              host.user() + " cannot create run dirs under " + host.baseDir() + "/runs",
              "make it writable by "
                  + host.user()
                  + " (on the host: `sudo chown -R "
                  + host.user()
                  + " "
                  + host.baseDir()
                  + "`) or set the host's baseDir to a directory it owns"));
    }
    long diskKb = parseLong(out.first("disk").orElse(null), -1);
    facts.put("disk free", diskKb < 0 ? "?" : String.format("%.1f GB", diskKb / 1048576.0));
    long needKb = diskNeededKb(options.bundleBytes(), users);
    if (diskKb >= 0 && diskKb < needKb) {
      problems.add(
          new Problem(
              String.format(
                  "only %d MB free under %s, need %d MB (the bundle and the run's logs)",
                  diskKb / 1024, host.baseDir(), needKb / 1024),
              "free disk space there or set the host's baseDir to a larger file system"));
    }
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
   * The host's clock minus this machine's ({@code clockOffsetMs}, positive when the host is ahead),
   * from {@value #CLOCK_PROBES} timestamps exchanged over one long-lived remote shell: a line in,
   * {@code date +%s%N} out. No command start-up (login shell, sh, session) sits inside a round
   * trip, only the network and one {@code date}. The fastest round trip is trusted most: the remote
   * reading happened between send and receive, best guessed at the midpoint, within half the round
   * trip.
   */
  static ClockOffset measureClock(RemoteHost remote) throws IOException {
    long bestRtt = Long.MAX_VALUE;
    long bestOffset = 0;
    try (RemoteHost.Conversation shell =
        remote.converse("while read -r line; do date +%s%N; done")) {
      for (int i = 0; i < CLOCK_PROBES; i++) {
        long t0 = nowMicros();
        String date = shell.ask("t", SHORT).trim();
        long t1 = nowMicros();
        if (!date.matches("\\d{10,19}")) {
          throw new IOException(
              "`date +%s%N` printed '" + date + "', not nanoseconds since 1970 (GNU date needed)");
        }
        long remoteMicros = Long.parseLong(date) / 1000;
        long rtt = t1 - t0;
        if (i > 0 && rtt < bestRtt) { // the first exchange also pays for the loop's start
          bestRtt = rtt;
          bestOffset = remoteMicros - (t0 + t1) / 2;
        }
      }
    }
    return new ClockOffset(
        Math.round(bestOffset / 1000.0), Math.max(1, Math.round(bestRtt / 2000.0)));
  }

  private static long nowMicros() {
    Instant now = Instant.now();
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
    } else if (!f.getOrDefault("missing", "").contains("bash")) {
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
