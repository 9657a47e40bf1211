package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.deploy.Bundle;
import dev.loadfleet.deploy.Deployer;
import dev.loadfleet.remote.Fleet;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet deploy}: copy the injector bundle to every host (skipped where the same bundle
 * is present).
 */
public final class DeployCommand implements Command {
  @Override
  public String name() {
    return "deploy";
  }

  @Override
  public String summary() {
    return "copy the injector bundle to every host (skipped where the same bundle is present)";
  }

  @Override
  public Options options() {
    Options o =
        LauncherOptions.results(
            LauncherOptions.bundle(LauncherOptions.ssh(LauncherOptions.inventory(new Options()))));
    return o.addOption(
        Option.builder()
            .longOpt("prune")
            .desc("remove other bundles under each host's <baseDir>/bundles (never anything else)")
            .get());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    Inventory inventory = LauncherOptions.loadForConnecting(line);
    Bundle bundle = Bundle.of(Bundle.locate(LauncherOptions.bundlePath(line)));
    LauncherLog.Session log =
        LauncherLog.start(
            Optional.empty(), LauncherLog.commandLog(LauncherOptions.results(line), name()));
    try (Fleet fleet =
        Fleet.connect(inventory.hosts(), LauncherOptions.sshOptions(line, inventory))) {
      Map<String, Deployer.HostDeploy> results =
          Deployer.deploy(fleet, bundle, line.hasOption("prune"), out);
      Deployer.print(results, bundle, out);
      boolean failed =
          results.values().stream().anyMatch(r -> r.outcome() == Deployer.Outcome.FAILED);
      return failed ? ExitCode.ERROR : ExitCode.OK;
    } finally {
      log.close(true).ifPresent(f -> out.println("full log: " + f));
    }
  }
}
