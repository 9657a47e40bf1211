package dev.loadfleet.cli;

import java.io.PrintWriter;
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
    return new Options();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) {
    // Placeholder until its issue lands: refuses loudly rather than pretending.
    err.println("loadfleet collect: not built yet");
    return ExitCode.ERROR;
  }
}
