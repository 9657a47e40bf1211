package dev.loadfleet.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One subcommand of {@code loadfleet}: its options and what it does with them. */
public interface Command {
  /** The word typed after {@code loadfleet}. */
  String name();

  /** One line for the command list. */
  String summary();

  /** The positional arguments, for the usage line (for example {@code "<log or folder>..."}). */
  default String argsSyntax() {
    return "";
  }

  /** The options this subcommand takes; {@code --help} is added by {@link Main}. */
  Options options();

  /**
   * Does the work.
   *
   * @return the exit code
   * @throws UsageException when the arguments are wrong in a way commons-cli cannot see
   */
  ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception;
}
