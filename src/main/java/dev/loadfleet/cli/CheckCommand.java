package dev.loadfleet.cli;

import dev.loadfleet.check.CheckOptions;
import dev.loadfleet.check.Checker;
import dev.loadfleet.check.HostReport;
import dev.loadfleet.config.Inventory;
import dev.loadfleet.deploy.Bundle;
import dev.loadfleet.plan.Plan;
import dev.loadfleet.remote.Fleet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet check}: check every injector host: ssh, host key, java, disk, descriptors,
 * clock, target.
 */
public final class CheckCommand implements Command {
  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "check every injector host: ssh, host key, java, disk, descriptors, clock, target";
  }

  @Override
  public Options options() {
    Options o =
        LauncherOptions.results(
            LauncherOptions.bundle(LauncherOptions.ssh(LauncherOptions.inventory(new Options()))));
    return o.addOption(
        Option.builder()
            .longOpt("install-java")
            .desc("install a JRE 17 where Java is missing, through apt-get/dnf/yum with sudo -n")
            .get());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    Inventory inventory = LauncherOptions.loadForConnecting(line);
    Plan plan = Plan.of(inventory);
    Path archive = Bundle.locate(LauncherOptions.bundlePath(line));
    long bundleBytes = Files.isRegularFile(archive) ? Files.size(archive) : 0;
    LauncherLog.Session log =
        LauncherLog.start(
            Optional.empty(), LauncherLog.commandLog(LauncherOptions.results(line), name()));
    ExitCode code;
    try (Fleet fleet =
        Fleet.connect(inventory.hosts(), LauncherOptions.sshOptions(line, inventory))) {
      List<HostReport> reports =
          Checker.checkAll(
              fleet,
              plan,
              inventory.target(),
              new CheckOptions(line.hasOption("install-java"), bundleBytes));
      Checker.print(reports, out);
      code = Checker.allOk(reports) ? ExitCode.OK : ExitCode.CHECK_FAILED;
    } finally {
      log.close(true).ifPresent(f -> out.println("full log: " + f));
    }
    return code;
  }
}
