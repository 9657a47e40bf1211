package dev.loadfleet.cli;

import dev.loadfleet.config.InventoryException;
import dev.loadfleet.config.InventoryLoader;
import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.remote.Fleet;
import dev.loadfleet.run.RunControl;
import dev.loadfleet.run.RunRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
              RunControl.CollectOptions.LATER.withService(service(run, err)),
              out,
              err),
          out);
    }
  }

  /**
   * The service host of the inventory the run was started with, whose count of stored recordings
   * the report compares with the OK uploads; none (with a warning) when that inventory is gone.
   */
  static Optional<ServiceHost> service(RunRecord run, PrintWriter err) {
    if (run.inventory() == null || run.inventory().isEmpty()) {
      return Optional.empty();
    }
    Path inventory = Path.of(run.inventory());
    if (!Files.isRegularFile(inventory)) {
      err.println(
          "warning: the run's inventory "
              + inventory
              + " is gone, so the service's count of stored recordings is not asked");
      return Optional.empty();
    }
    try {
      return InventoryLoader.load(inventory).service();
    } catch (InventoryException e) {
      err.println(
          "warning: the service's count of stored recordings is not asked: " + e.getMessage());
      return Optional.empty();
    }
  }
}
