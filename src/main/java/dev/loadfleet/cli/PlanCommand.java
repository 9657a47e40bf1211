package dev.loadfleet.cli;

import java.io.PrintWriter;
import dev.loadfleet.config.Inventory;
import dev.loadfleet.plan.Plan;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet plan}: per-host shares, bandwidth and injectors needed for a workload. */
public final class PlanCommand implements Command {
  @Override
  public String name() {
    return "plan";
  }

  @Override
  public String summary() {
    return "per-host shares, bandwidth and injectors needed for a workload";
  }

  @Override
  public Options options() {
    return LauncherOptions.inventory(new Options());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    Inventory inventory = LauncherOptions.loadInventory(line);
    Plan.of(inventory).print(inventory, out);
    return ExitCode.OK;
  }
}
