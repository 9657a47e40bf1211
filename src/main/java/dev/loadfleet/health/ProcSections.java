package dev.loadfleet.health;

import dev.loadfleet.remote.MarkedOutput;
import java.util.List;
import java.util.Map;

/**
 * The sampler's output cut at its marker lines ({@link MarkedOutput}) into named sections of lines,
 * with the messages that say what is wrong with a health sample.
 */
final class ProcSections {
  private final MarkedOutput output;

  private ProcSections(MarkedOutput output) {
    this.output = output;
  }

  static ProcSections split(String text) {
    MarkedOutput output = MarkedOutput.parse(text);
    if (!output.complete()) {
      throw new IllegalArgumentException(
          "health sample: the host's output is cut short (no '"
              + MarkedOutput.MARKER
              + "end' line), so it cannot be trusted; it began with: "
              + output.head());
    }
    return new ProcSections(output);
  }

  List<String> require(String name) {
    List<String> lines = output.lines(name);
    if (lines.isEmpty()) {
      throw broken(name, "missing or empty");
    }
    return lines;
  }

  String first(String name) {
    return require(name).get(0);
  }

  List<String> optional(String name) {
    return output.lines(name);
  }

  long value(Map<String, Long> values, String section, String key) {
    Long value = values.get(key);
    if (value == null) {
      throw broken(section, "has no " + key + " line (Linux 3.14 or later writes it)");
    }
    return value;
  }

  /** A number or column where the kernel's format has none: not Linux /proc text, or mangled. */
  IllegalArgumentException unreadable(RuntimeException cause) {
    return new IllegalArgumentException(
        "health sample: the host's /proc text is not in the format Linux writes ("
            + cause
            + "); output began with: "
            + output.head(),
        cause);
  }

  IllegalArgumentException broken(String section, String what) {
    return new IllegalArgumentException(
        "health sample: /proc/"
            + section
            + " section "
            + what
            + "; output began with: "
            + output.head());
  }
}
