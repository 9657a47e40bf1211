package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.Workload;
import dev.loadfleet.config.WorkloadKey;
import dev.loadfleet.plan.Capacity;
import dev.loadfleet.plan.Demand;
import dev.loadfleet.plan.HostCapacity;
import dev.loadfleet.plan.Limits;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.plan.PlanText;
import dev.loadfleet.plan.Shares;
import dev.loadfleet.run.Runner;
import dev.loadfleet.units.LinkSpeed;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet plan}: per-host shares, bandwidth and injectors needed for a workload. Planning
 * is arithmetic: it reads the inventory's numbers and the workload, never a key file, a host or the
 * network. Without an inventory it answers the first question ({@code plan --users 500 --profile
 * full --nic 1Gbps}: how many injectors?), any workload knob given as a flag.
 */
public final class PlanCommand implements Command {
  /** More injectors than a plan without an inventory is asked about. */
  private static final int MAX_HOSTS = 1000;

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
    Options o = LauncherOptions.inventory(new Options());
    o.addOption(
        Option.builder()
            .longOpt("nic")
            .hasArg()
            .argName("SPEED")
            .desc("without an inventory: each injector's NIC, e.g. 1Gbps (default 1Gbps)")
            .get());
    o.addOption(
        Option.builder()
            .longOpt("hosts")
            .hasArg()
            .argName("N")
            .desc("without an inventory: plan these many injectors (default: as many as needed)")
            .get());
    for (WorkloadKey key : WorkloadKey.values()) {
      o.addOption(
          Option.builder()
              .longOpt(key.name())
              .hasArg()
              .argName("VALUE")
              .desc(
                  "without an inventory: the workload knob "
                      + key.name()
                      + " (default "
                      + (key.defaultValue().isEmpty() ? "empty" : key.defaultValue())
                      + ", or the profile's)")
              .get());
    }
    return o;
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    Map<String, String> knobs = new LinkedHashMap<>();
    for (WorkloadKey key : WorkloadKey.values()) {
      if (line.hasOption(key.name())) {
        knobs.put(key.name(), line.getOptionValue(key.name()));
      }
    }
    if (line.hasOption(LauncherOptions.INVENTORY)) {
      List<String> flags = new ArrayList<>(knobs.keySet());
      flags.addAll(line.hasOption("nic") ? List.of("nic") : List.of());
      flags.addAll(line.hasOption("hosts") ? List.of("hosts") : List.of());
      if (!flags.isEmpty()) {
        throw new UsageException(
            "--"
                + String.join(", --", flags)
                + " plan without an inventory; with --inventory, set knobs under its workload"
                + " and each host's nic there");
      }
      return withInventory(line, out, err);
    }
    return withoutInventory(knobs, line, out);
  }

  private static ExitCode withInventory(CommandLine line, PrintWriter out, PrintWriter err)
      throws Exception {
    Inventory inventory = LauncherOptions.loadInventory(line);
    inventory.warnings().forEach(w -> err.println("warning: " + w));
    Plan plan = Plan.of(inventory);
    plan.print(inventory, out);
    Workload workload = inventory.workloadFor(Runner.confDir());
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
    out.print(
        PlanText.render(
            Capacity.plan(demand(inventory.users(), workload), Limits.DEFAULTS, hosts)));
    return ExitCode.OK;
  }

  /**
   * The workload from conf/ and the flags; with {@code --hosts N}, N equal injectors of the given
   * NIC and their shares, else the number of injectors the load needs.
   */
  private static ExitCode withoutInventory(
      Map<String, String> knobs, CommandLine line, PrintWriter out) throws Exception {
    LinkSpeed nic = LinkSpeed.ONE_GBPS;
    if (line.hasOption("nic")) {
      try {
        nic = LinkSpeed.parse(line.getOptionValue("nic"), "--nic");
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Workload workload = Workload.load(Runner.confDir(), knobs);
    int users = workload.population().users();
    Limits d = Limits.DEFAULTS;
    Limits limits =
        new Limits(
            d.nicHeadroom(),
            d.maxUsersPerHost(),
            d.coresPerUser(),
            d.memoryBytesPerUser(),
            d.connectionsPerUser(),
            d.baseDescriptors(),
            nic);
    List<HostCapacity> hosts = new ArrayList<>();
    if (line.hasOption("hosts")) {
      int n = hostCount(line.getOptionValue("hosts"));
      List<Shares.Slot> slots = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        slots.add(new Shares.Slot("injector-" + i, 1, 0));
      }
      double rampRate = workload.population().rampRate();
      Plan plan = new Plan(users, rampRate, Shares.split(users, rampRate, slots));
      plan.print(name -> new Shares.Slot(name, 1, 0), out);
      out.println();
      for (Shares.Slot s : slots) {
        hosts.add(
            new HostCapacity(s.host(), nic, 0, 0, 1, OptionalInt.of(plan.share(s.host()).users())));
      }
    }
    out.print(PlanText.render(Capacity.plan(demand(users, workload), limits, hosts)));
    return ExitCode.OK;
  }

  private static Demand demand(int users, Workload workload) {
    return new Demand(
        users,
        workload.upload().recordingSize(),
        workload.upload().interval(),
        0,
        workload.heartbeat().interval());
  }

  private static int hostCount(String text) throws UsageException {
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1 || n > MAX_HOSTS) {
      throw new UsageException(
          "--hosts '" + text + "' is not a number of injectors from 1 to " + MAX_HOSTS);
    }
    return n;
  }
}
