package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.run.RunOutcome;
import dev.loadfleet.run.Runner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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
    return o.addOption(Option.builder().longOpt("dry-run").desc("show the plan and stop").build())
        .addOption(
            Option.builder()
                .longOpt("start-delay")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "T0 this far ahead of the start commands, time for every JVM to start, 0 to 3600"
                        + " (default 15)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("poll")
                .hasArg()
                .argName("SECONDS")
                .desc("live view and host polling interval, 0.1 to 5 (default 2)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("lost-after")
                .hasArg()
                .argName("SECONDS")
                .desc("a host silent this long is marked lost, 1 to 3600 (default 15)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("lost-wait")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "once every other host is done, how long lost hosts may come back, 0 to 3600"
                        + " (default 30)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("stop-grace")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "on an early stop (Ctrl+C, loadfleet stop), how long the injectors may take to"
                        + " end their runs by themselves before they are signalled (default: the"
                        + " workload's requestTimeout + 15 s)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("ignore-saturation")
                .desc("report saturated injectors but do not exit with code 5 for them")
                .build());
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
                : Optional.empty());
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
}
