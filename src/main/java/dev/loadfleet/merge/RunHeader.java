package dev.loadfleet.merge;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The first record of a Gatling 3.15.1 {@code simulation.log}: who wrote it, when the run started,
 * its scenarios (index = scenario id in user records) and its assertions, kept as the opaque
 * boopickle bytes Gatling wrote so they can be compared and copied without decoding.
 */
public record RunHeader(
    String gatlingVersion,
    String simulationClass,
    long startMs,
    String runDescription,
    List<String> scenarios,
    List<byte[]> assertions) {

  /** The only version whose binary layout this package reads and writes. */
  public static final String SUPPORTED_VERSION = "3.15.1";

  /** The last millisecond of the year 9999: a later run start is damage. */
  public static final long MAX_START_MS = 253_402_300_799_999L;

  /** What begins the run description of a log loadfleet merged (after the inputs' own one). */
  public static final String MERGED_MARK = "merged by loadfleet from ";

  private static final Pattern MERGED =
      Pattern.compile("(^|\\()(" + MERGED_MARK + "\\d+ logs?|merged from \\d+ injectors?): ");

  public RunHeader {
    scenarios = List.copyOf(scenarios);
    assertions = List.copyOf(assertions);
  }

  /** True when both headers carry the same assertions, byte for byte, in the same order. */
  public boolean sameAssertions(RunHeader other) {
    if (assertions.size() != other.assertions.size()) {
      return false;
    }
    for (int i = 0; i < assertions.size(); i++) {
      if (!java.util.Arrays.equals(assertions.get(i), other.assertions.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * True for a log {@link LogMerger} wrote: its run description starts with {@link #MERGED_MARK},
   * or carries it in brackets after the inputs' own description (as does the "merged from N
   * injectors: " of loadfleet's first releases).
   */
  public boolean mergedByLoadfleet() {
    return MERGED.matcher(runDescription).find();
  }
}
