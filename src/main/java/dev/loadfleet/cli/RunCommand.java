package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.StopCriterion;
import dev.loadfleet.live.Dashboard;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.run.RunOutcome;
import dev.loadfleet.run.Runner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code loadfleet run}: check, deploy, start at one instant, watch, collect, merge and report. */
public final class RunCommand implements Command {
  /** The longest --start-delay, --lost-after and --lost-wait: an hour. */
  private static final double MAX_WAIT_SECONDS = 3600;

  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "check, deploy, start at one instant, watch, collect, merge and report";
  }

  @Override
  public Options options() {
    Options o =
        LauncherOptions.bundle(LauncherOptions.ssh(LauncherOptions.inventory(new Options())));
    LauncherOptions.runId(o, "name the run (default: UTC time + random suffix)");
    return o.addOption(Option.builder().longOpt("dry-run").desc("show the plan and stop").get())
        .addOption(
            Option.builder()
                .longOpt("start-delay")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "T0 this far ahead of the start commands, time for every JVM to start, 0 to 3600"
                        + " (default 15)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("poll")
                .hasArg()
                .argName("SECONDS")
                .desc("live view and host polling interval, 0.1 to 5 (default 2)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("lost-after")
                .hasArg()
                .argName("SECONDS")
                .desc("a host silent this long is marked lost, 1 to 3600 (default 15)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("lost-wait")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "once every other host is done, how long lost hosts may come back, 0 to 3600"
                        + " (default 30)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("stop-grace")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "on an early stop (Ctrl+C, loadfleet stop), how long the injectors may take to"
                        + " end their runs by themselves before they are signalled (default: the"
                        + " workload's requestTimeout + 15 s)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("ignore-saturation")
                .desc("report saturated injectors but do not exit with code 5 for them")
                .get())
        .addOption(
            Option.builder()
                .longOpt("stop-when")
                .hasArg()
                .argName("CRITERION")
                .desc(
                    "end the run (exit 8) when this holds for its window, besides the inventory's"
                        + " stopWhen; repeatable, e.g. \"{ko: '> 10%', for: 30s}\"")
                .get())
        .addOption(
            Option.builder()
                .longOpt("dashboard")
                .hasArg()
                .argName("PORT")
                .desc("serve the live dashboard and /metrics on this port (default: any free one)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("dashboard-bind")
                .hasArg()
                .argName("ADDRESS")
                .desc("the dashboard's address (default 127.0.0.1: this machine only)")
                .get())
        .addOption(Option.builder().longOpt("no-dashboard").desc("serve no dashboard").get());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    // Every bound checked before the inventory is read: a typo costs no file access.
    Duration startDelay = LauncherOptions.seconds(line, "start-delay", 15, 0, MAX_WAIT_SECONDS);
    Duration poll = LauncherOptions.seconds(line, "poll", 2, 0.1, 5);
    Duration lostAfter = LauncherOptions.seconds(line, "lost-after", 15, 1, MAX_WAIT_SECONDS);
    Duration lostWait = LauncherOptions.seconds(line, "lost-wait", 30, 0, MAX_WAIT_SECONDS);
    Optional<String> given = Optional.ofNullable(line.getOptionValue(LauncherOptions.RUN_ID));
    if (given.isPresent()) {
      LauncherOptions.validRunId(given.get());
    }
    Inventory inventory =
        line.hasOption("dry-run")
            ? LauncherOptions.loadInventory(line)
            : LauncherOptions.loadForConnecting(line);
    inventory.warnings().forEach(w -> err.println("warning: " + w));
    // Chosen here, so that the run's full log can go to results/<runId>/launcher.log.
    String runId = given.orElseGet(Runner::newRunId);
    List<StopCriterion> stopWhen = new ArrayList<>();
    for (String text :
        Optional.ofNullable(line.getOptionValues("stop-when")).orElse(new String[0])) {
      try {
        stopWhen.addAll(StopCriterion.fromOption(text));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Runner.Options options =
        new Runner.Options(
            LauncherOptions.results(line),
            LauncherOptions.bundlePath(line),
            line.hasOption("dry-run"),
            startDelay,
            poll,
            lostAfter,
            lostWait,
            Optional.of(runId),
            line.hasOption("ignore-saturation")
                ? RunOutcome.OnSaturation.WARN
                : RunOutcome.OnSaturation.FAIL,
            line.hasOption("stop-grace")
                ? Optional.of(LauncherOptions.seconds(line, "stop-grace", 0, 0, MAX_WAIT_SECONDS))
                : Optional.empty(),
            stopWhen,
            dashboard(line));
    Path results = LauncherOptions.results(line);
    long attempts = RemoteHost.connectAttempts();
    LauncherLog.Session log =
        LauncherLog.start(
            Optional.of(results.resolve(runId)), LauncherLog.commandLog(results, name()));
    try {
      return ExitCode.result(
          Runner.run(
              inventory,
              LauncherOptions.sshOptions(line, inventory),
              options,
              Reports.standard(),
              out,
              err),
          out);
    } finally {
      // A run refused before its folder existed keeps its log apart, if it touched any host.
      Optional<Path> written = log.close(RemoteHost.connectAttempts() > attempts);
      if (written.isPresent() && !written.equals(log.runLog())) {
        err.println("full log: " + written.get());
      }
    }
  }

  /** Where the dashboard listens: 127.0.0.1 on any free port unless told. */
  private static Optional<Dashboard.Options> dashboard(CommandLine line) throws UsageException {
    if (line.hasOption("no-dashboard")) {
      if (line.hasOption("dashboard") || line.hasOption("dashboard-bind")) {
        throw new UsageException(
            "--no-dashboard cannot go with --dashboard or --dashboard-bind; give one or the other");
      }
      return Optional.empty();
    }
    int port = 0;
    String given = line.getOptionValue("dashboard");
    if (given != null) {
      try {
        port = Integer.parseInt(given.trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new UsageException(
            "--dashboard '" + given + "' is not a port; give a number from 1 to 65535");
      }
    }
    String bind = line.getOptionValue("dashboard-bind", "127.0.0.1").trim();
    if (bind.isEmpty()) {
      throw new UsageException("--dashboard-bind is empty; give an address, e.g. 0.0.0.0");
    }
    return Optional.of(new Dashboard.Options(bind, port));
  }
}
