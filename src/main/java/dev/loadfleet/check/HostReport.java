package dev.loadfleet.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code check} found on one host: facts for the table (name -> short value), problems with
 * their fixes, and the clock offset when the host could be reached.
 */
public record HostReport(
    String host, Map<String, String> facts, List<Problem> problems, Optional<ClockOffset> clock) {
  public HostReport {
    facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  public String fact(String name) {
    return facts.getOrDefault(name, "-");
  }
}
