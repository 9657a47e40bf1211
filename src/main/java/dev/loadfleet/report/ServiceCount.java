package dev.loadfleet.report;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the service's own host said it stored, as the launcher asked it after the last upload: the
 * report puts it beside the OK uploads of the merged log.
 *
 * @param host the service host's name in the inventory
 * @param command the count command as the inventory gives it
 * @param stored the number it printed; empty when it could not be read
 * @param problem why there is no number (one sentence); empty when there is one
 */
public record ServiceCount(String host, String command, OptionalLong stored, String problem) {
  public ServiceCount {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(problem, "problem");
    if (stored.isEmpty() == problem.isEmpty()) {
      throw new IllegalArgumentException("a service count has a number or a problem, not both");
    }
  }

  /** The service printed {@code stored}. */
  public static ServiceCount of(String host, String command, long stored) {
    return new ServiceCount(host, command, OptionalLong.of(stored), "");
  }

  /** The count could not be read, for {@code problem}. */
  public static ServiceCount failed(String host, String command, String problem) {
    return new ServiceCount(host, command, OptionalLong.empty(), problem);
  }
}
