package dev.loadfleet.cli;

import dev.loadfleet.config.Inventory;
import dev.loadfleet.config.InventoryException;
import dev.loadfleet.config.InventoryLoader;
import dev.loadfleet.config.Names;
import dev.loadfleet.remote.SshOptions;
import dev.loadfleet.run.RunRecord;
import dev.loadfleet.units.Units;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The options the launcher's subcommands share, and their parsing. */
final class LauncherOptions {
  static final String INVENTORY = "inventory";
  static final String KNOWN_HOSTS = "known-hosts";
  static final String ACCEPT_NEW = "accept-new";
  static final String BUNDLE = "bundle";
  static final String RESULTS = "results";
  static final String RUN_ID = "run-id";

  private LauncherOptions() {}

  static Options inventory(Options o) {
    return o.addOption(
        Option.builder("i")
            .longOpt(INVENTORY)
            .hasArg()
            .argName("FILE")
            .desc("the inventory (conf/cluster.example.yaml shows the format)")
            .build());
  }

  static Options ssh(Options o) {
    return o.addOption(
            Option.builder()
                .longOpt(KNOWN_HOSTS)
                .hasArg()
                .argName("FILE")
                .desc(
                    "OpenSSH known_hosts to verify host keys against (default: the inventory's knownHosts, else ~/.ssh/known_hosts)")
                .build())
        .addOption(
            Option.builder()
                .longOpt(ACCEPT_NEW)
                .desc(
                    "trust unknown host keys on first use and record them (like ssh -o StrictHostKeyChecking=accept-new); "
                        + "a changed key is always refused")
                .build());
  }

  static Options bundle(Options o) {
    return o.addOption(
        Option.builder()
            .longOpt(BUNDLE)
            .hasArg()
            .argName("FILE")
            .desc(
                "the injector bundle archive (default: target/loadfleet-bundle.tar.gz beside the running bundle)")
            .build());
  }

  static Options runId(Options o, String what) {
    return o.addOption(Option.builder().longOpt(RUN_ID).hasArg().argName("ID").desc(what).build())
        .addOption(
            Option.builder()
                .longOpt(RESULTS)
                .hasArg()
                .argName("DIR")
                .desc("results root (default: results)")
                .build());
  }

  static Inventory loadInventory(CommandLine line) throws UsageException, InventoryException {
    if (!line.hasOption(INVENTORY)) {
      throw new UsageException("--inventory FILE is required");
    }
    return InventoryLoader.load(Path.of(line.getOptionValue(INVENTORY)));
  }

  static SshOptions sshOptions(CommandLine line, Inventory inventory) {
    Path knownHosts =
        line.hasOption(KNOWN_HOSTS)
            ? Path.of(line.getOptionValue(KNOWN_HOSTS))
            : inventory.knownHosts();
    return SshOptions.of(knownHosts, line.hasOption(ACCEPT_NEW));
  }

  static Optional<Path> bundlePath(CommandLine line) {
    return Optional.ofNullable(line.getOptionValue(BUNDLE)).map(Path::of);
  }

  static Path results(CommandLine line) {
    return Path.of(line.getOptionValue(RESULTS, "results"));
  }

  /** The run named by --run-id, else the newest run under the results root. */
  static RunRecord run(CommandLine line) throws UsageException, IOException {
    Path results = results(line);
    String id =
        line.hasOption(RUN_ID)
            ? validRunId(line.getOptionValue(RUN_ID))
            : RunRecord.latest(results)
                .orElseThrow(
                    () -> new UsageException("no run under " + results + "; give --run-id ID"));
    return RunRecord.read(results, id);
  }

  static String validRunId(String id) throws UsageException {
    if (!Names.isRunId(id)) {
      throw new UsageException("--run-id '" + id + "' must be " + Names.RUN_RULE);
    }
    return id;
  }

  /**
   * The option's value in seconds, from {@code min} to {@code max} ({@code fallback} when absent):
   * NaN, infinities and values past the bounds are refused, naming the option and the range.
   */
  static Duration seconds(CommandLine line, String option, double fallback, double min, double max)
      throws UsageException {
    String v = line.getOptionValue(option);
    double s;
    try {
      s = v == null ? fallback : Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      s = Double.NaN;
    }
    if (!(s >= min && s <= max)) {
      throw new UsageException(
          "--"
              + option
              + " '"
              + v
              + "' is not a number of seconds from "
              + Units.decimal(min)
              + " to "
              + Units.decimal(max));
    }
    return Duration.ofMillis(Math.round(s * 1000));
  }
}
