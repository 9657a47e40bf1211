package dev.loadfleet.cli;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.run.RunControl;
import dev.loadfleet.run.RunRecord;
import dev.loadfleet.run.StopReason;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet stop}: stop every remote injector of a run, from any launcher process. Each is
 * asked to end its run, so that its Gatling writes out its whole log, and signalled only after the
 * grace; the process running the run (if any) sees the request within a second, and collects and
 * reports the run, marked stopped. Exits ERROR, naming them, when a host could not be reached or
 * its stop failed: its injector may still be running.
 */
public final class StopCommand implements Command {
  @Override
  public String name() {
    return "stop";
  }

  @Override
  public String summary() {
    return "stop every remote injector of a run (each ends its run and keeps its whole log)";
  }

  @Override
  public Options options() {
    return LauncherOptions.runId(
            new Options(), "the run (default: the newest under the results root)")
        .addOption(
            Option.builder()
                .longOpt("grace")
                .hasArg()
                .argName("SECONDS")
                .desc(
                    "how long the injectors may take to end their runs by themselves before they"
                        + " are signalled (default: the run's, its request timeout + 15 s)")
                .get());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    RunRecord run = LauncherOptions.run(line);
    Duration grace =
        line.hasOption("grace")
            ? LauncherOptions.seconds(line, "grace", 0, 0, 3600)
            : run.stopGrace();
    Path results = LauncherOptions.results(line);
    StopReason why = StopReason.operator(System.getProperty("user.name", "an operator"));
    // First the request, so that the process running the run (if any) stops watching at once.
    RunControl.requestStop(results, run.runId(), why);
    out.println("stopping run " + run.runId());
    try (Fleet fleet = RunControl.connect(run)) {
      RunControl.Stopped stopped =
          RunControl.stop(run, fleet, results, new RunControl.StopRequest(why, grace), out);
      if (stopped.failed().isEmpty()) {
        return ExitCode.OK;
      }
      err.println(
          "stop: "
              + stopped.failed().size()
              + " of "
              + run.hosts().size()
              + " hosts did not stop, so their injectors may still run: "
              + String.join("; ", stopped.failed())
              + "; fix the cause, then run `loadfleet stop --run-id "
              + run.runId()
              + "` again");
      return ExitCode.ERROR;
    }
  }
}
