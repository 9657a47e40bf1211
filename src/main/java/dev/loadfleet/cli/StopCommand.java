package dev.loadfleet.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet stop}: stop every remote injector of a run. */
public final class StopCommand implements Command {
  @Override
  public String name() {
    return "stop";
  }

  @Override
  public String summary() {
    return "stop every remote injector of a run";
  }

  @Override
  public Options options() {
    return new Options();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) {
    // Placeholder until its issue lands: refuses loudly rather than pretending.
    err.println("loadfleet stop: not built yet");
    return ExitCode.ERROR;
  }
}
