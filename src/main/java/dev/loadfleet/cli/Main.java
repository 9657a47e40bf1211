package dev.loadfleet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The {@code loadfleet} command line. {@link #main} only calls {@link #run} and exits with its
 * result: the one place that calls {@code System.exit}.
 */
public final class Main {
  /** Every command takes it: library log lines on stderr too. */
  static final String VERBOSE = "verbose";

  private final Map<String, Command> commands = new LinkedHashMap<>();

  public Main(List<Command> commands) {
    for (Command c : commands) {
      this.commands.put(c.name(), c);
    }
  }

  /** The subcommands in the order of the pipeline. */
  public static Main standard() {
    return new Main(Commands.all());
  }

  public static void main(String... args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = standard().run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  public int run(PrintWriter out, PrintWriter err, String... args) {
    try {
      return dispatch(out, err, args).code();
    } finally {
      out.flush();
      err.flush();
    }
  }

  private ExitCode dispatch(PrintWriter out, PrintWriter err, String... args) {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      printCommands(args.length == 0 ? err : out);
      return args.length == 0 ? ExitCode.USAGE : ExitCode.OK;
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      err.println("loadfleet: unknown command '" + args[0] + "'.");
      printCommands(err);
      return ExitCode.USAGE;
    }
    Options options = command.options();
    options.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
    options.addOption(
        Option.builder()
            .longOpt(VERBOSE)
            .desc("also print the libraries' log lines (SSH, ...) on stderr")
            .get());
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    CommandLine line;
    try {
      line = new DefaultParser().parse(options, rest);
    } catch (ParseException e) {
      err.println("loadfleet " + command.name() + ": " + e.getMessage());
      printUsage(err, command, options);
      return ExitCode.USAGE;
    }
    if (line.hasOption("help")) {
      printUsage(out, command, options);
      return ExitCode.OK;
    }
    LauncherLog.console(line.hasOption(VERBOSE));
    out = LauncherLog.tee(out, "out");
    err = LauncherLog.tee(err, "err");
    try {
      return command.execute(line, out, err);
    } catch (UsageException e) {
      err.println("loadfleet " + command.name() + ": " + e.getMessage());
      printUsage(err, command, options);
      return ExitCode.USAGE;
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      err.println("loadfleet " + command.name() + ": " + message);
      return ExitCode.ERROR;
    } finally {
      out.close();
      err.close();
    }
  }

  private void printCommands(PrintWriter w) {
    w.println("usage: loadfleet <command> [options]   (loadfleet <command> --help for details)");
    w.println();
    for (Command c : commands.values()) {
      w.printf("  %-9s %s%n", c.name(), c.summary());
    }
    w.println();
    w.println("exit codes:");
    for (ExitCode code : ExitCode.values()) {
      w.printf("  %3d %s%n", code.code(), code.name().toLowerCase().replace('_', ' '));
    }
  }

  // commons-cli 1.11 deprecates this HelpFormatter for one in its help package, whose layout
  // differs;
  // this one keeps the usage text the README shows.
  @SuppressWarnings("deprecation")
  private static void printUsage(PrintWriter w, Command command, Options options) {
    StringWriter buffer = new StringWriter();
    PrintWriter pw = new PrintWriter(buffer);
    new HelpFormatter()
        .printHelp(
            pw,
            100,
            "loadfleet " + command.name() + " [options] " + command.argsSyntax(),
            command.summary(),
            options,
            2,
            2,
            "");
    pw.flush();
    w.print(buffer);
  }
}
