package dev.loadfleet.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A report step without Gatling for the run stage's tests: keeps what it was given and gives the
 * verdict it was built with.
 */
final class FakeReporting implements Reporting {
  /** One call of {@link #report}. */
  record Call(List<HostLog> logs, Path outDir, Map<String, HostNotes> notes, RunNotes run) {
    List<String> logNames() {
      return logs.stream().map(HostLog::name).toList();
    }

    /** The launcher's "state" field for {@code host}. */
    String state(String host) {
      return notes.get(host).fields().path("state").asText();
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final boolean assertionsPassed;
  private final Duration timeout;

  FakeReporting(boolean assertionsPassed) {
    this(assertionsPassed, Duration.ofSeconds(5));
  }

  /**
   * @param timeout what it says its longest report takes
   */
  FakeReporting(boolean assertionsPassed, Duration timeout) {
    this.assertionsPassed = assertionsPassed;
    this.timeout = timeout;
  }

  @Override
  public Outcome report(List<HostLog> logs, Path outDir, Map<String, HostNotes> notes, RunNotes run)
      throws Exception {
    calls.add(new Call(logs, outDir, notes, run));
    Files.createDirectories(outDir);
    return new Outcome(
        outDir.resolve("index.html"),
        outDir.resolve("summary.json"),
        assertionsPassed,
        List.of(),
        Optional.empty());
  }

  @Override
  public Duration timeout() {
    return timeout;
  }
}
