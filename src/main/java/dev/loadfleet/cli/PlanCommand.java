package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.Workload;
import dev.loadfleet.plan.Capacity;
import dev.loadfleet.plan.Demand;
import dev.loadfleet.plan.HostCapacity;
import dev.loadfleet.plan.Limits;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.plan.PlanText;
import dev.loadfleet.run.Runner;
import dev.loadfleet.units.LinkSpeed;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;
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
    Plan plan = Plan.of(inventory);
    plan.print(inventory, out);
    Workload workload = inventory.workloadFor(Runner.confDir());
    Demand demand =
        new Demand(
            inventory.users(),
            workload.upload().recordingSize(),
            workload.upload().interval(),
            0,
            workload.heartbeat().interval());
    List<HostCapacity> hosts =
        inventory.hosts().stream()
            .map(
                h ->
                    new HostCapacity(
                        h.name(),
                        new LinkSpeed(h.nicBitsPerSecond()),
                        0,
                        0,
                        h.weight(),
                        OptionalInt.of(plan.share(h.name()).users())))
            .toList();
    out.println();
    out.print(PlanText.render(Capacity.plan(demand, Limits.DEFAULTS, hosts)));
    return ExitCode.OK;
  }
}
