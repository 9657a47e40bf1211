package dev.loadfleet.health;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One host's health during a run, for the launcher's live loop: gives the command to run over the
 * host's SSH connection, takes its output, appends each sample to the host's {@link HealthLog}, and
 * says what the live view shows. One per host, used by one thread.
 *
 * <p>A bad output (a dropped connection cuts it short) is not fatal: it is kept as {@link
 * #lastError()} and the next good output resumes sampling.
 */
public final class HealthRecorder {
  private final String host;
  private final long nicBitsPerSecond;
  private final Path log;
  private final Saturation.Settings settings;
  private final ProcSampler sampler;
  private final List<HealthSample> samples = new ArrayList<>();
  private Optional<String> lastError = Optional.empty();

  /**
   * @param pid the injector's pid on the host (from its pid file); empty for a host alone
   * @param netInterface the interface to count; empty for the default route's
   * @param nicBitsPerSecond the host's declared NIC speed
   * @param hostDir results/&lt;run-id&gt;/hosts/&lt;host&gt;/, where health.jsonl is written
   */
  public HealthRecorder(
      String host,
      OptionalInt pid,
      Optional<String> netInterface,
      long nicBitsPerSecond,
      Path hostDir,
      Saturation.Settings settings) {
    this.host = host;
    this.nicBitsPerSecond = nicBitsPerSecond;
    this.log = HealthLog.in(hostDir);
    this.settings = settings;
    this.sampler = new ProcSampler(pid, netInterface);
  }

  /** The command to run with sh on the host, every 5 s or less. */
  public String command() {
    return sampler.command();
  }

  /**
   * Takes the command's output; the first output only primes the counters.
   *
   * @param receivedAtMs when it arrived, epoch ms
   * @return the new sample, if the output made one
   * @throws IOException when health.jsonl cannot be written
   */
  public Optional<HealthSample> accept(String output, long receivedAtMs) throws IOException {
    Optional<HealthSample> sample;
    try {
      sample = sampler.accept(output, receivedAtMs);
    } catch (IllegalArgumentException e) {
      lastError = Optional.of(e.getMessage());
      return Optional.empty();
    }
    lastError = Optional.empty();
    if (sample.isPresent()) {
      samples.add(sample.get());
      HealthLog.append(log, sample.get());
    }
    return sample;
  }

  /** Why the last output made no sample, until a good one arrives. */
  public Optional<String> lastError() {
    return lastError;
  }

  public List<HealthSample> samples() {
    return List.copyOf(samples);
  }

  /**
   * The host's health cell in the live view: the latest figures, then any saturation so far, e.g.
   * {@code cpu 93%! load 4.1 ... SATURATED CPU since 10:02:15Z}.
   */
  public String liveLine() {
    if (lastError.isPresent()) {
      return "health: no sample (" + lastError.get() + ")";
    }
    if (samples.isEmpty()) {
      return "health: waiting for the second sample";
    }
    StringBuilder line =
        new StringBuilder(
            HealthLine.of(samples.get(samples.size() - 1), nicBitsPerSecond, settings));
    for (SaturationFlag f :
        Saturation.detect(samples, nicBitsPerSecond, Long.MIN_VALUE, Long.MAX_VALUE, settings)) {
      line.append(" SATURATED ")
          .append(f.kind())
          .append(" since ")
          .append(Instant.ofEpochMilli(f.fromMs()).toString().substring(11, 19))
          .append('Z');
    }
    return line.toString();
  }
}
