package dev.loadfleet.cli;

import dev.loadfleet.report.Comparison;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code loadfleet compare BASELINE CURRENT}: two runs side by side; with {@code --max-regression}
 * a gate whose failure is exit code 9.
 */
public final class CompareCommand implements Command {
  @Override
  public String name() {
    return "compare";
  }

  @Override
  public String summary() {
    return "compare two runs' reports; with --max-regression, a gate (exit 9 on a regression)";
  }

  @Override
  public String argsSyntax() {
    return "<BASELINE> <CURRENT>   (run folders, report folders or summary.json files)";
  }

  @Override
  public Options options() {
    return new Options()
        .addOption(
            Option.builder()
                .longOpt("max-regression")
                .hasArg()
                .argName("LIMITS")
                .desc(
                    "fail (exit 9) when a metric gets worse beyond its limit: comma-separated"
                        + " [REQUEST:]METRIC=LIMIT, METRIC one of requests, ko, mean, p50, p95,"
                        + " p99, max, throughput; LIMIT with % is relative, without it is in the"
                        + " metric's unit (KO percentage points, ms, requests/s); e.g."
                        + " p95=10%,ko=1,upload:max=2000")
                .get())
        .addOption(
            Option.builder()
                .longOpt("out")
                .hasArg()
                .argName("DIR")
                .desc("where compare.html and compare.json go (default: CURRENT's report folder)")
                .get())
        .addOption(
            Option.builder()
                .longOpt("force")
                .desc("compare runs of different simulations anyway")
                .get());
  }

  @Override
  public ExitCode execute(CommandLine line, PrintWriter out, PrintWriter err) throws Exception {
    List<String> args = line.getArgList();
    if (args.size() != 2) {
      throw new UsageException(
          "give two runs, BASELINE then CURRENT (run folders, report folders or summary.json"
              + " files); got "
              + args.size());
    }
    List<Comparison.Limit> limits = List.of();
    if (line.hasOption("max-regression")) {
      try {
        limits = Comparison.parseLimits(line.getOptionValue("max-regression"));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Comparison.Side baseline = Comparison.load(Path.of(args.get(0)));
    Comparison.Side current = Comparison.load(Path.of(args.get(1)));
    Path outDir =
        line.hasOption("out")
            ? Path.of(line.getOptionValue("out"))
            : current.summaryFile().toAbsolutePath().getParent();
    Comparison.Result result =
        Comparison.compare(baseline, current, limits, line.hasOption("force"), outDir);
    result.notes().forEach(n -> err.println("note: " + n));
    out.println("Comparison: " + result.page().toAbsolutePath());
    out.println("JSON:       " + result.json().toAbsolutePath());
    if (result.regressed()) {
      result.regressions().forEach(r -> out.println("regression: " + r));
      out.println(
          "result: regression beyond --max-regression (exit " + ExitCode.REGRESSION.code() + ")");
      return ExitCode.REGRESSION;
    }
    if (!limits.isEmpty()) {
      out.println("result: no regression beyond --max-regression");
    }
    return ExitCode.OK;
  }
}
