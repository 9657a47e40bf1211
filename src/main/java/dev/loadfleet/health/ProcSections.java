package dev.loadfleet.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sampler's output cut at its {@value #MARKER} lines into named sections of lines. */
final class ProcSections {
  /** Starts every section header line; cannot occur in any /proc file the sampler prints. */
  static final String MARKER = "@@loadfleet ";

  private final Map<String, List<String>> sections;
  private final String head;

  private ProcSections(Map<String, List<String>> sections, String head) {
    this.sections = sections;
    this.head = head;
  }

  static ProcSections split(String output) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : output.split("\n", -1)) {
      if (line.startsWith(MARKER)) {
        current = new ArrayList<>();
        sections.put(line.substring(MARKER.length()).trim(), current);
      } else if (current != null && !line.isBlank()) {
        current.add(line);
      }
    }
    String head = output.substring(0, Math.min(200, output.length()));
    if (!sections.containsKey("end")) {
      throw new IllegalArgumentException(
          "health sample: the host's output is cut short (no '"
              + MARKER
              + "end' line), so it cannot be trusted; it began with: "
              + head);
    }
    return new ProcSections(sections, head);
  }

  List<String> require(String name) {
    List<String> lines = sections.get(name);
    if (lines == null || lines.isEmpty()) {
      throw broken(name, "missing or empty");
    }
    return lines;
  }

  String first(String name) {
    return require(name).get(0);
  }

  List<String> optional(String name) {
    return sections.getOrDefault(name, List.of());
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
            + head,
        cause);
  }

  IllegalArgumentException broken(String section, String what) {
    return new IllegalArgumentException(
        "health sample: /proc/" + section + " section " + what + "; output began with: " + head);
  }
}
