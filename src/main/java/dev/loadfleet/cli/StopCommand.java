package dev.loadfleet.cli;

import dev.loadfleet.remote.Fleet;
import dev.loadfleet.run.RunControl;
import dev.loadfleet.run.RunRecord;
import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet stop}: stop every remote injector of a run. Exits ERROR, naming them, when a
 * host could not be reached or its stop failed: its injector may still be running.
 */
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
      RunControl.Stopped stopped = RunControl.stop(run, fleet, LauncherOptions.results(line), out);
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
