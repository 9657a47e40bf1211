package dev.loadfleet.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A remote command's output cut into named sections at marker lines. The command prints {@link
 * #mark mark(name)} before each part of its output and {@link #END} last, so that lines the user's
 * login shell prints of its own (a {@code .bashrc} echo, a notice, a {@code .bash_logout} message)
 * before or after them are ignored, and output cut short is known as such. Blank lines are dropped;
 * a marker also counts after output that did not end its last line.
 */
public final class MarkedOutput {
  /** Starts every marker line; no /proc file, tool or shell greeting prints it. */
  public static final String MARKER = "@@loadfleet ";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9/._-]*");

  /** The command that ends the output; {@link #complete()} says whether it ran. */
  public static final String END = mark("end");

  private final Map<String, List<String>> sections;
  private final String head;

  private MarkedOutput(Map<String, List<String>> sections, String head) {
    this.sections = sections;
    this.head = head;
  }

  /**
   * {@code echo @@loadfleet NAME}: starts section NAME. Quote-free, so a command built of these
   * still fits inside {@code sh -c '...'}.
   */
  public static String mark(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "section name '" + name + "' needs quoting; use [a-z0-9/._-]");
    }
    return "echo " + MARKER + name;
  }

  public static MarkedOutput parse(String output) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : output.split("\n", -1)) {
      // A file printed without a final line break (progress.json) puts the next marker at the end
      // of its last line.
      int marker = line.indexOf(MARKER);
      String content = marker < 0 ? line : line.substring(0, marker);
      if (current != null && !content.isBlank()) {
        current.add(content);
      }
      if (marker >= 0) {
        current = new ArrayList<>();
        sections.put(line.substring(marker + MARKER.length()).trim(), current);
      }
    }
    return new MarkedOutput(sections, output.substring(0, Math.min(200, output.length())));
  }

  /** Whether the output reached its {@link #END} marker (else it was cut short). */
  public boolean complete() {
    return sections.containsKey("end");
  }

  /** The section's lines; empty when the command printed no such marker. */
  public Optional<List<String>> section(String name) {
    return Optional.ofNullable(sections.get(name));
  }

  /** The section's lines, none when it is absent. */
  public List<String> lines(String name) {
    return sections.getOrDefault(name, List.of());
  }

  /** The section's first line, trimmed, if it has one. */
  public Optional<String> first(String name) {
    return lines(name).stream().findFirst().map(String::trim);
  }

  /** The first 200 characters of the whole output, for messages about it. */
  public String head() {
    return head;
  }
}
