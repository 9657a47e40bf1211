package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.run.RunOutcome;
import dev.loadfleet.run.Runner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code loadfleet run}: check, deploy, start at one instant, watch, collect, merge and report. */
public final class RunCommand implements Command {
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
                    "T0 this far ahead of the start commands, time for every JVM to start (default 15)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("poll")
                .hasArg()
                .argName("SECONDS")
                .desc("live view and host polling interval, at most 5 (default 2)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("lost-after")
                .hasArg()
                .argName("SECONDS")
                .desc("a host silent this long is marked lost (default 15)")
                .build())
        .addOption(
            Option.builder()
                .longOpt("lost-wait")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "once every other host is done, how long lost hosts may come back (default 30)")
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
    Inventory inventory = LauncherOptions.loadInventory(line);
    Duration poll = LauncherOptions.seconds(line, "poll", 2);
    if (poll.isZero() || poll.compareTo(Duration.ofSeconds(5)) > 0) {
      throw new UsageException("--poll must be above 0 and at most 5 seconds");
    }
    Optional<String> runId = Optional.ofNullable(line.getOptionValue(LauncherOptions.RUN_ID));
    if (runId.isPresent()) {
      LauncherOptions.validRunId(runId.get());
    }
    Runner.Options options =
        new Runner.Options(
            LauncherOptions.results(line),
            LauncherOptions.bundlePath(line),
            line.hasOption("dry-run"),
            LauncherOptions.seconds(line, "start-delay", 15),
            poll,
            LauncherOptions.seconds(line, "lost-after", 15),
            LauncherOptions.seconds(line, "lost-wait", 30),
            runId,
            line.hasOption("ignore-saturation")
                ? RunOutcome.OnSaturation.WARN
                : RunOutcome.OnSaturation.FAIL,
            line.hasOption("stop-grace")
                ? Optional.of(LauncherOptions.seconds(line, "stop-grace", 0))
                : Optional.empty());
    return ExitCode.result(
        Runner.run(
            inventory,
            LauncherOptions.sshOptions(line, inventory),
            options,
            Reports.standard(),
            out,
            err),
        out);
  }
}
