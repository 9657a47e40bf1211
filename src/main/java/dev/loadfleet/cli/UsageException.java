package dev.loadfleet.cli;

/** The command line is wrong: reported with the subcommand's usage and {@link ExitCode#USAGE}. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
