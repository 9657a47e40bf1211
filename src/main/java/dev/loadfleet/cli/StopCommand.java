package dev.loadfleet.cli;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.run.RunControl;
import dev.loadfleet.run.RunRecord;
import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet stop}: stop every remote injector of a run. */
public final class StopCommand implements Command {
  @Override
  public String name() {
    return "stop";
  }

  @Override
  public String summary() {
    return "stop every remote injector of a run";
  }

  @Override
  public Options options() {
    return LauncherOptions.runId(
        new Options(), "the run (default: the newest under the results root)");
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    RunRecord run = LauncherOptions.run(line);
    out.println("stopping run " + run.runId());
    try (Fleet fleet = RunControl.connect(run)) {
      RunControl.stop(run, fleet, LauncherOptions.results(line), out);
      return ExitCode.OK;
    }
  }
}
