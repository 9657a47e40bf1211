package dev.loadfleet.cli;

import java.util.List;

/** The subcommands, in pipeline order. */
final class Commands {
  private Commands() {}

  static List<Command> all() {
    return List.of(
        new PlanCommand(),
        new CheckCommand(),
        new DeployCommand(),
        new RunCommand(),
        new StatusCommand(),
        new StopCommand(),
        new CollectCommand(),
        new ReportCommand(),
        new CompareCommand(),
        new TargetCommand());
  }
}
