package dev.loadfleet.cli;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.run.RunControl;
import dev.loadfleet.run.RunRecord;
import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet collect}: bring a run's logs home and build its report. */
public final class CollectCommand implements Command {
  @Override
  public String name() {
    return "collect";
  }

  @Override
  public String summary() {
    return "bring a run's logs home and build its report";
  }

  @Override
  public Options options() {
    return LauncherOptions.runId(
        new Options(), "the run (default: the newest under the results root)");
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    RunRecord run = LauncherOptions.run(line);
    out.println("collecting run " + run.runId());
    try (Fleet fleet = RunControl.connect(run)) {
      return ExitCode.result(
          RunControl.collectAndReport(
              run,
              fleet,
              LauncherOptions.results(line),
              Reports.standard(),
              RunControl.CollectOptions.LATER,
              out,
              err),
          out);
    }
  }
}
