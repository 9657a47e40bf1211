package dev.loadfleet.collect;

import dev.loadfleet.config.ServiceHost;
import dev.loadfleet.remote.ExecResult;
import dev.loadfleet.remote.MarkedOutput;
import dev.loadfleet.remote.RemoteHost;
import dev.loadfleet.remote.Shell;
import dev.loadfleet.remote.SshOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Asks the service's own host how many recordings it stored, after the last upload: the inventory's
 * {@code countCommand} run there over SSH with the injectors' rules (known host keys, the same key
 * and jump). The command is the operator's own shell text, so it runs as one quoted argument of
 * {@code sh -c}; its one number is read between marker lines, so whatever the login shell prints of
 * its own is ignored.
 */
public final class ServiceCounter {
  /** How long the count may take: a {@code find} over a day of recordings is not instant. */
  public static final Duration TIMEOUT = Duration.ofSeconds(120);

  private ServiceCounter() {}

  /**
   * What the service's host said.
   *
   * @param stored the number the command printed; empty when there is none
   * @param problem why there is no number, one sentence; empty when there is one
   */
  public record Count(String host, String command, OptionalLong stored, String problem) {}

  /** Counts on the inventory's service host; empty when it gives no count command. */
  public static Optional<Count> count(ServiceHost service, SshOptions ssh) {
    if (service.countCommand().isEmpty()) {
      return Optional.empty();
    }
    String command = service.countCommand().get();
    String host = service.host().name();
    try (RemoteHost remote = RemoteHost.connect(service.host(), ssh)) {
      return Optional.of(count(remote, command, TIMEOUT));
    } catch (IOException e) {
      return Optional.of(
          failed(
              host,
              command,
              "cannot reach the service host " + host + " (" + e.getMessage() + ")"));
    }
  }

  /** Runs {@code command} on {@code remote} and reads its number. */
  public static Count count(RemoteHost remote, String command, Duration timeout) {
    String host = remote.host().name();
    ExecResult r;
    try {
      r = remote.exec(script(command), timeout);
    } catch (IOException e) {
      return failed(
          host, command, "the count command failed on " + host + " (" + e.getMessage() + ")");
    }
    return read(host, command, r);
  }

  /** The remote script: the count between markers, then the command's own exit status. */
  static String script(String command) {
    return MarkedOutput.mark("count")
        + "; sh -c "
        + Shell.quote(command)
        + "; rc=$?; "
        + MarkedOutput.mark("exit")
        + "; echo \"$rc\"; "
        + MarkedOutput.END;
  }

  static Count read(String host, String command, ExecResult r) {
    MarkedOutput out = MarkedOutput.parse(r.stdout());
    if (!out.complete()) {
      return failed(
          host,
          command,
          "the count command's output on "
              + host
              + " was cut short ("
              + r.describe()
              + "); run it there by hand to see why");
    }
    String status = out.first("exit").orElse("");
    String stderr = r.stderr().strip().lines().findFirst().orElse("");
    if (!status.equals("0")) {
      return failed(
          host,
          command,
          "the count command exited "
              + (status.isEmpty() ? "without a status" : status)
              + " on "
              + host
              + (stderr.isEmpty() ? "" : " (" + stderr + ")")
              + "; fix countCommand in the inventory's service section");
    }
    List<String> lines = out.lines("count");
    String text = lines.stream().map(String::strip).reduce((a, b) -> a + " | " + b).orElse("");
    if (lines.size() != 1 || !lines.get(0).strip().matches("\\d{1,18}")) {
      return failed(
          host,
          command,
          "the count command printed '"
              + (text.length() > 80 ? text.substring(0, 77) + "..." : text)
              + "' on "
              + host
              + ", not one whole number; make it print only the count (e.g. end it with | wc -l)");
    }
    return new Count(host, command, OptionalLong.of(Long.parseLong(lines.get(0).strip())), "");
  }

  private static Count failed(String host, String command, String problem) {
    return new Count(host, command, OptionalLong.empty(), problem);
  }
}
