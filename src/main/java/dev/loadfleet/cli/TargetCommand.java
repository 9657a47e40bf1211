package dev.loadfleet.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet target}: run the stand-in proctoring service. */
public final class TargetCommand implements Command {
  @Override
  public String name() {
    return "target";
  }

  @Override
  public String summary() {
    return "run the stand-in proctoring service";
  }

  @Override
  public Options options() {
    return new Options();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) {
    // Placeholder until its issue lands: refuses loudly rather than pretending.
    err.println("loadfleet target: not built yet");
    return ExitCode.ERROR;
  }
}
