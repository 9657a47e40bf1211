package dev.loadfleet.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet report}: merge Gatling 3.15.1 simulation.log files into one report. */
public final class ReportCommand implements Command {
  @Override
  public String name() {
    return "report";
  }

  @Override
  public String summary() {
    return "merge Gatling 3.15.1 simulation.log files into one report";
  }

  @Override
  public Options options() {
    return new Options();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) {
    // Placeholder until its issue lands: refuses loudly rather than pretending.
    err.println("loadfleet report: not built yet");
    return ExitCode.ERROR;
  }
}
