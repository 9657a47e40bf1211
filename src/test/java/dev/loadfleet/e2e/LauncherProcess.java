package dev.loadfleet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/loadfleet} as an operator runs it: its own process (so that it can be sent SIGINT or
 * killed with -9), working in {@code workDir} (so its results/ lands there), output to a file.
 */
public final class LauncherProcess {
  private final Process process;
  private final Path outputFile;
  private final List<String> command;

  private LauncherProcess(Process process, Path outputFile, List<String> command) {
    this.process = process;
    this.outputFile = outputFile;
    this.command = command;
  }

  /** Starts {@code launcher args...} in {@code workDir}; output goes to workDir/launcher-N.out. */
  public static LauncherProcess start(Path launcher, Path workDir, String... args) {
    return start(launcher, workDir, java.util.Map.of(), args);
  }

  /** As above, with {@code env} added to the launcher's environment. */
  public static LauncherProcess start(
      Path launcher, Path workDir, java.util.Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    // An operator's terminal delivers SIGINT; a JVM whose parent ignored SIGINT (any command
    // started with `&` from a script, e.g. a backgrounded `mvn verify`) inherits the ignore and
    // never runs its shutdown hooks on Ctrl+C. env(1) restores the default, then execs the
    // launcher, whose script execs java: the pid stays the JVM's.
    command.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
    command.add(launcher.toString());
    command.addAll(List.of(args));
    try {
      Files.createDirectories(workDir);
      int n = 1;
      while (Files.exists(workDir.resolve("launcher-" + n + ".out"))) {
        n++;
      }
      Path out = workDir.resolve("launcher-" + n + ".out");
      Files.writeString(out, "$ " + String.join(" ", command) + "\n");
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      Process p =
          builder
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      return new LauncherProcess(p, out, command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Runs to the end (at most {@code timeout}) and returns the exit code. */
  public static LauncherProcess runToEnd(
      Path launcher, Path workDir, Duration timeout, String... args) {
    LauncherProcess p = start(launcher, workDir, args);
    p.waitFor(timeout);
    return p;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Waits for the exit; a launcher still running after {@code timeout} is killed and fails the
   * test.
   */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "`"
                + String.join(" ", command)
                + "` still running after "
                + timeout.toSeconds()
                + " s; killed. Output:\n"
                + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int exitCode() {
    return process.exitValue();
  }

  /** Sends a signal by name ({@code INT}, {@code KILL}, ...) to the launcher's JVM. */
  public void signal(String name) {
    TestBed.Result r =
        TestBed.run(Duration.ofSeconds(10), "kill", "-" + name, Long.toString(process.pid()));
    if (r.code() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + ": " + r.output());
    }
  }

  /** Everything printed so far (stdout and stderr interleaved). */
  public String output() {
    try {
      return Files.readString(outputFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the output contains {@code text}; false after {@code timeout} or when the launcher
   * ended.
   */
  public boolean awaitOutput(String text, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return output().contains(text);
      }
      sleep(200);
    }
    return false;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
