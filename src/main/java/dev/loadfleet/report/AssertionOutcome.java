package dev.loadfleet.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One assertion as Gatling judged it. Gatling 3.15.1 writes no assertion file into the report
 * folder (AssertionsJUnitTemplate exists but is not called); it puts the outcomes in index.html's
 * table and prints one line per assertion after the report, {@code <message> : <true|false> (actual
 * : <value>)} (io.gatling.app.RunResultProcessor#runStatus), which is what we read: the same
 * verdict with the actual value, no re-evaluation.
 */
record AssertionOutcome(String assertion, boolean passed, String actual) {
  private static final Pattern LINE =
      Pattern.compile("^(.+) : (true|false) \\((?:actual : )?(.*)\\)$");
  private static final String REPORT_DONE = "Reports generated";

  /** The assertion lines following Gatling's "Reports generated" line in its console output. */
  static List<AssertionOutcome> parseConsole(List<String> lines) {
    List<AssertionOutcome> out = new ArrayList<>();
    boolean after = false;
    for (String line : lines) {
      if (line.startsWith(REPORT_DONE)) {
        after = true;
        continue;
      }
      if (after) {
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          out.add(new AssertionOutcome(m.group(1), Boolean.parseBoolean(m.group(2)), m.group(3)));
        }
      }
    }
    return out;
  }
}
