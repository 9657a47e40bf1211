package dev.loadfleet.cli;

import dev.loadfleet.config.Names;
import dev.loadfleet.merge.InvalidLogException;
import dev.loadfleet.merge.MergeInput;
import dev.loadfleet.merge.SimulationLogReader;
import dev.loadfleet.report.ReportRequest;
import dev.loadfleet.report.ReportResult;
import dev.loadfleet.report.Reporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet report}: merge Gatling 3.15.1 simulation.log files into one report. Works on any
 * Gatling 3.15.1 logs: each argument is a log, a run folder holding one, a folder of run folders,
 * or {@code NAME=path} to name an input (default: the folder holding its log).
 */
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
  public String argsSyntax() {
    return "<[NAME=]log file or folder>...";
  }

  @Override
  public Options options() {
    return new Options()
        .addOption(
            Option.builder()
                .longOpt("out")
                .hasArg()
                .argName("DIR")
                .desc("report folder (default results/<name>/)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("name")
                .hasArg()
                .argName("NAME")
                .desc("report name, the folder under results/ (default report-<timestamp>)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("offset")
                .hasArgs()
                .argName("NAME=MS")
                .desc("add MS milliseconds to input NAME's times (its clock's lag); repeatable")
                .get())
        .addOption(
            Option.builder()
                .longOpt("force")
                .desc(
                    "write into a --out folder that holds other files (an earlier loadfleet"
                        + " report there is replaced without it)")
                .get());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    if (line.getArgList().isEmpty()) {
      throw new UsageException("give at least one simulation.log, or a folder holding one");
    }
    List<MergeInput> inputs = new ArrayList<>();
    for (String arg : line.getArgList()) {
      inputs.addAll(inputsOf(arg, err));
    }
    Map<String, Long> offsets = offsets(line.getOptionValues("offset"));
    List<MergeInput> withOffsets = new ArrayList<>();
    for (MergeInput in : inputs) {
      Long offset = offsets.remove(in.name());
      withOffsets.add(offset == null ? in : in.withClockOffset(offset));
    }
    if (!offsets.isEmpty()) {
      throw new UsageException(
          "--offset names "
              + offsets.keySet()
              + " but the inputs are "
              + inputs.stream().map(MergeInput::name).toList());
    }
    Path outDir = outDir(line);
    out.println("Merging " + inputs.size() + " log(s) into " + outDir + " ...");
    ReportResult result =
        Reporter.generate(
            new ReportRequest(withOffsets, outDir, Map.of(), line.hasOption("force")));
    result.warnings().forEach(w -> err.println("warning: " + w));
    out.println("Report:    " + result.reportIndex());
    out.println("Per host:  " + result.hostsPage());
    out.println("Summary:   " + result.summaryJson());
    out.println("JUnit XML: " + result.junitXml());
    if (!result.assertionsPassed()) {
      out.println("At least one assertion failed (see the report).");
      return ExitCode.ASSERTIONS_FAILED;
    }
    return ExitCode.OK;
  }

  private static Path outDir(CommandLine line) throws UsageException {
    if (line.hasOption("out") && line.hasOption("name")) {
      throw new UsageException("give --out or --name, not both");
    }
    if (line.hasOption("out")) {
      return Path.of(line.getOptionValue("out"));
    }
    String name =
        line.hasOption("name")
            ? line.getOptionValue("name")
            : "report-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    // One folder under results/, never a path out of it: --out is the way to write elsewhere.
    if (!Names.isRunId(name)) {
      throw new UsageException(
          "--name '"
              + name
              + "' must be "
              + Names.RUN_RULE
              + " (the folder under results/); give --out DIR to write elsewhere");
    }
    return Path.of("results", name);
  }

  /**
   * One argument: a log, a run folder, a folder of run folders, or NAME=any of these. In a folder
   * of run folders, logs loadfleet merged (an earlier report's) are skipped with a warning on
   * {@code err}: they hold the other logs' records again.
   */
  static List<MergeInput> inputsOf(String arg, PrintWriter err) throws IOException, UsageException {
    String name = null;
    String path = arg;
    int eq = arg.indexOf('=');
    if (eq > 0 && !Files.exists(Path.of(arg))) {
      name = arg.substring(0, eq);
      path = arg.substring(eq + 1);
    }
    Path p = Path.of(path);
    if (!Files.exists(p)) {
      throw new InvalidLogException(
          p + " does not exist; give a simulation.log or the folder holding it");
    }
    if (Files.isDirectory(p) && !Files.exists(p.resolve(MergeInput.LOG_FILE_NAME))) {
      List<Path> below;
      try (Stream<Path> s = Files.list(p)) {
        below =
            s.filter(d -> Files.isRegularFile(d.resolve(MergeInput.LOG_FILE_NAME)))
                .sorted()
                .toList();
      }
      if (below.isEmpty()) {
        throw new InvalidLogException(
            "folder "
                + p
                + " holds no simulation.log, nor any folder holding one;"
                + " give the run folder Gatling wrote, or the log itself");
      }
      if (name != null) {
        throw new UsageException(
            name + "=" + p + " names a folder of " + below.size() + " logs; name each log");
      }
      List<Path> runs = new ArrayList<>();
      for (Path run : below) {
        Path log = run.resolve(MergeInput.LOG_FILE_NAME);
        if (mergedByLoadfleet(log)) {
          err.println(
              "warning: skipping "
                  + log
                  + ": loadfleet merged it from other logs (an earlier report), so its requests"
                  + " would count twice; give it by name to merge it anyway");
        } else {
          runs.add(run);
        }
      }
      if (runs.isEmpty()) {
        throw new InvalidLogException(
            "folder "
                + p
                + " holds only logs loadfleet merged (earlier reports); give the injectors' own"
                + " logs");
      }
      return runs.stream().map(MergeInput::of).toList();
    }
    MergeInput in = MergeInput.of(p);
    return List.of(name == null ? in : new MergeInput(name, in.log(), 0));
  }

  private static boolean mergedByLoadfleet(Path log) {
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      return r.header().mergedByLoadfleet();
    } catch (IOException e) {
      return false; // not readable: the merge refuses it with its own message
    }
  }

  private static Map<String, Long> offsets(String[] values) throws UsageException {
    Map<String, Long> offsets = new LinkedHashMap<>();
    if (values == null) {
      return offsets;
    }
    for (String v : values) {
      int eq = v.lastIndexOf('=');
      try {
        if (eq <= 0) {
          throw new NumberFormatException();
        }
        offsets.put(v.substring(0, eq), Long.parseLong(v.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new UsageException(
            "--offset " + v + ": expected NAME=MS, for example injector-2=-35");
      }
    }
    return offsets;
  }
}
