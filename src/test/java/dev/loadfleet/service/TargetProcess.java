package dev.loadfleet.service;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code loadfleet target} in a forked JVM on the test classpath, its stdout and stderr (where
 * Netty's warnings go, too) in one log file; destroyed on close.
 */
final class TargetProcess implements AutoCloseable {
  final Process process;
  final Path log;
  final URI baseUrl;

  private TargetProcess(Process process, Path log, URI baseUrl) {
    this.process = process;
    this.log = log;
    this.baseUrl = baseUrl;
  }

  /**
   * Starts it and waits for its base URL.
   *
   * @param descriptors the file descriptor limit ({@code ulimit -n}) to start it under, or 0 for
   *     this JVM's
   * @param jvmOptions e.g. a heap limit
   * @param targetArgs options of {@code loadfleet target}
   */
  static TargetProcess start(
      Path log, int descriptors, List<String> jvmOptions, String... targetArgs)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (descriptors > 0) {
      command.addAll(
          List.of("/bin/sh", "-c", "ulimit -n " + descriptors + " && exec \"$0\" \"$@\""));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "dev.loadfleet.cli.Main", "target"));
    command.addAll(List.of(targetArgs));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      URI base = URI.create(waitForLine(log, "http://", Duration.ofSeconds(30)).trim());
      return new TargetProcess(process, log, base);
    } catch (AssertionError | RuntimeException e) {
      process.destroy();
      throw e;
    }
  }

  /** The first line of {@code log} that contains {@code text}, waiting up to {@code wait}. */
  static String waitForLine(Path log, String text, Duration wait)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log)) {
        if (line.contains(text)) {
          return line;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line with '" + text + "' in " + Files.readString(log));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
