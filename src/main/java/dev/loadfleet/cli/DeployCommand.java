package dev.loadfleet.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code loadfleet deploy}: copy the injector bundle to every host (skipped where the same bundle is present). */
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
    return new Options();
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) {
    // Placeholder until its issue lands: refuses loudly rather than pretending.
    err.println("loadfleet deploy: not built yet");
    return ExitCode.ERROR;
  }
}
