package dev.loadfleet.cli;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.run.RunControl;
import dev.loadfleet.run.RunRecord;
import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet status}: show the state of a run from its run.json and the hosts. */
public final class StatusCommand implements Command {
  @Override
  public String name() {
    return "status";
  }

  @Override
  public String summary() {
    return "show the state of a run from its run.json and the hosts";
  }

  @Override
  public Options options() {
    return LauncherOptions.runId(
        new Options(), "the run (default: the newest under the results root)");
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    RunRecord run = LauncherOptions.run(line);
    try (Fleet fleet = RunControl.connect(run)) {
      RunControl.status(run, fleet, LauncherOptions.results(line), out);
      return ExitCode.OK;
    }
  }
}
