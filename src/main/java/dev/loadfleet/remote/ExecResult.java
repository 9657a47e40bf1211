package dev.loadfleet.remote;

import java.util.Optional;

/**
 * What a remote command did. {@code exitStatus} is empty when the server sent none (sshj gives null
 * then, e.g. when the command died by a signal); {@code exitSignal} names that signal.
 */
public record ExecResult(
    Optional<Integer> exitStatus, Optional<String> exitSignal, String stdout, String stderr) {
  public boolean ok() {
    return exitStatus.isPresent() && exitStatus.get() == 0;
  }

  /** One line for error messages: the exit and the first line of stderr. */
  public String describe() {
    String exit =
        exitStatus
            .map(s -> "exit " + s)
            .orElse("no exit status" + exitSignal.map(s -> " (signal " + s + ")").orElse(""));
    String first = stderr.strip().lines().findFirst().orElse("");
    return first.isEmpty() ? exit : exit + ": " + first;
  }
}
