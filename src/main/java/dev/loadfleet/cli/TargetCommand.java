package dev.loadfleet.cli;

import dev.loadfleet.service.ProctoringService;
import dev.loadfleet.service.ServiceOptions;
import dev.loadfleet.units.Quantities;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet target}: run the stand-in proctoring service until SIGTERM/SIGINT (or for {@code
 * --duration}). The first line printed is its base URL, so scripts can read it.
 */
public final class TargetCommand implements Command {
  @Override
  public String name() {
    return "target";
  }

  @Override
  public String summary() {
    return "run the stand-in proctoring service";
  }

  @Override
  public Options options() {
    return new Options()
        .addOption(valued("bind", "ADDR", "address to listen on (default 127.0.0.1)"))
        .addOption(valued("port", "P", "TCP port, 0 for a free one (default 8080)"))
        .addOption(valued("data-dir", "DIR", "where recordings are stored (default ./server_data)"))
        .addOption(
            Option.builder()
                .longOpt("discard")
                .desc("count and checksum uploads, store nothing")
                .get())
        .addOption(valued("max-body", "SIZE", "largest request body, e.g. 64MB (default 256MiB)"))
        .addOption(
            valued("latency", "MS", "fault knob: delay every upload/heartbeat answer (default 0)"))
        .addOption(
            valued("error-rate", "R", "fault knob: answer this share 0-1 with 503 (default 0)"))
        .addOption(
            valued(
                "idle-timeout",
                "DURATION",
                "cut a connection silent this long before or inside a request, 408 inside one"
                    + " (default 30s)"))
        .addOption(
            valued(
                "header-timeout",
                "DURATION",
                "408 for a request head not complete this long after its first byte (default"
                    + " 10s)"))
        .addOption(
            valued(
                "keep-alive-timeout",
                "DURATION",
                "close a kept-alive connection with no new request this long (default 2m)"))
        .addOption(
            valued(
                "auth-sha256",
                "HEX",
                "answer 401 to uploads and heartbeats whose Authorization header value does not"
                    + " have this SHA-256 (`printf %s 'Bearer TOKEN' | sha256sum`): the token"
                    + " itself stays off the command line"))
        .addOption(
            valued(
                "duration",
                "DURATION",
                "stop by itself after this long (default: until a signal)"));
  }

  private static Option valued(String name, String arg, String desc) {
    return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).get();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    ServiceOptions options = parse(line);
    Duration duration = line.hasOption("duration") ? duration(line, "duration") : null;
    ProctoringService service = ProctoringService.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              service.close();
              out.println("loadfleet target: stopped; stats " + service.statsJson());
              out.flush();
              stopped.countDown();
            },
            "loadfleet-target-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(service.baseUrl());
    out.println(
        "loadfleet target: "
            + (options.discard() ? "discarding uploads" : "storing under " + options.dataDir())
            + "; GET "
            + service.baseUrl()
            + "/stats ("
            + service.transport()
            + "); stop with Ctrl+C or SIGTERM");
    out.flush();
    if (duration == null) {
      stopped.await();
      return ExitCode.OK;
    }
    if (!stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
      boolean ours;
      try {
        ours = Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        ours = false; // a signal came at the very end: the hook stops the service
      }
      if (ours) {
        hook.run();
      }
    }
    return ExitCode.OK;
  }

  static ServiceOptions parse(CommandLine line) throws UsageException {
    ServiceOptions options =
        ServiceOptions.loopback(Path.of(line.getOptionValue("data-dir", "server_data")));
    int port = (int) whole(line, "port", 8080, 0, 65535, "a TCP port number");
    long latency = whole(line, "latency", 0, 0, 3_600_000, "a whole number of milliseconds");
    double errorRate = fraction(line, "error-rate");
    ServiceOptions.Timeouts t = options.timeouts();
    String authSha256 = line.getOptionValue("auth-sha256", "").trim().toLowerCase(Locale.ROOT);
    if (line.hasOption("auth-sha256") && !authSha256.matches("[0-9a-f]{64}")) {
      throw new UsageException(
          "--auth-sha256 must be 64 hex digits (`printf %s 'Bearer TOKEN' | sha256sum`), not '"
              + line.getOptionValue("auth-sha256")
              + "'");
    }
    try {
      options = options.withAddress(line.getOptionValue("bind", "127.0.0.1"), port);
      options = options.withDiscard(line.hasOption("discard"));
      if (line.hasOption("max-body")) {
        options = options.withMaxBody(Quantities.parseSize(line.getOptionValue("max-body")));
      }
      options = options.withFaults(latency, errorRate);
      options = options.withAuthSha256(authSha256);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return options.withTimeouts(
        new ServiceOptions.Timeouts(
            line.hasOption("idle-timeout") ? duration(line, "idle-timeout") : t.idle(),
            line.hasOption("header-timeout") ? duration(line, "header-timeout") : t.header(),
            line.hasOption("keep-alive-timeout")
                ? duration(line, "keep-alive-timeout")
                : t.keepAlive()));
  }

  /** A whole number from {@code min} to {@code max}, else a sentence naming the option. */
  private static long whole(
      CommandLine line, String name, long fallback, long min, long max, String what)
      throws UsageException {
    String v = line.getOptionValue(name);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      n = min - 1;
    }
    if (n < min || n > max) {
      throw new UsageException(
          "--" + name + " must be " + what + " from " + min + " to " + max + ", not '" + v + "'");
    }
    return n;
  }

  /** A fraction from 0 to 1 (default 0), else a sentence naming the option. */
  private static double fraction(CommandLine line, String name) throws UsageException {
    String v = line.getOptionValue(name, "0");
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d >= 0 && d <= 1)) {
      throw new UsageException("--" + name + " must be a number from 0 to 1, not '" + v + "'");
    }
    return d;
  }

  private static Duration duration(CommandLine line, String name) throws UsageException {
    try {
      Duration d = Quantities.parseDuration(line.getOptionValue(name));
      if (d.isZero()) {
        throw new UsageException("--" + name + " must be above 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
  }
}
