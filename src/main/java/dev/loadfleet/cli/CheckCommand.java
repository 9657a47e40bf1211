package dev.loadfleet.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet check}: check every injector host: ssh, host key, java, disk, descriptors, clock, target. */
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
    return new Options();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) {
    // Placeholder until its issue lands: refuses loudly rather than pretending.
    err.println("loadfleet check: not built yet");
    return ExitCode.ERROR;
  }
}
