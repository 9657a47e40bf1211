package dev.loadfleet.report;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs Gatling's own entry point, {@code io.gatling.app.Gatling}, in a forked JVM: a simulation, or
 * a report from an existing {@code simulation.log} ({@code --reports-only}).
 *
 * <p>Forked rather than in-process because Gatling's main calls {@code System.exit}, keeps global
 * state per JVM, and its report generation wants a heap of its own. The launcher runs from the
 * injector bundle, whose classpath already holds Gatling, so the fork reuses this JVM's classpath.
 *
 * <p>Immutable, so all {@code with} methods return a new occurrence.
 */
public final class GatlingProcess {
  /** Gatling's own exit codes (io.gatling.app.cli.StatusCode at v3.15.1). */
  public static final int SUCCESS = 0;

  public static final int INVALID_ARGUMENTS = 1;
  public static final int ASSERTIONS_FAILED = 2;

  private static final String MAIN_CLASS = "io.gatling.app.Gatling";

  private final Path java;
  private final String classpath;
  private final List<String> jvmOptions;
  private final Map<String, String> systemProperties;

  private GatlingProcess(
      Path java, String classpath, List<String> jvmOptions, Map<String, String> systemProperties) {
    this.java = java;
    this.classpath = classpath;
    this.jvmOptions = List.copyOf(jvmOptions);
    // Map.copyOf would iterate in a per-JVM order: the -D flags keep the order they were added in.
    this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(systemProperties));
  }

  /**
   * Gatling 3.15.1 reads and writes simulation.log strings through String's private fields
   * (io.gatling.core.stats.writer.StringInternals) and refuses to start without this; the
   * gatling-maven-plugin adds it the same way.
   */
  public static final String OPEN_JAVA_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";

  /** A fork of the running JVM's {@code java} on the running JVM's classpath. */
  public static GatlingProcess onThisClasspath() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new GatlingProcess(
        java, System.getProperty("java.class.path"), List.of(OPEN_JAVA_LANG), Map.of());
  }

  /**
   * Puts a folder first on the classpath: Gatling reads {@code gatling.conf} and {@code
   * logback.xml} from the classpath, so this is how conf/ reaches the forked JVM.
   */
  public GatlingProcess withConfigFolder(Path folder) {
    String cp = folder.toAbsolutePath() + File.pathSeparator + classpath;
    return new GatlingProcess(java, cp, jvmOptions, systemProperties);
  }

  public GatlingProcess withJvmOption(String option) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add(option);
    return new GatlingProcess(java, classpath, options, systemProperties);
  }

  public GatlingProcess withSystemProperty(String key, String value) {
    Map<String, String> props = new LinkedHashMap<>(systemProperties);
    props.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
    return new GatlingProcess(java, classpath, jvmOptions, props);
  }

  /**
   * Runs one simulation; its run folder appears under {@code resultsFolder}.
   *
   * @return Gatling's exit code ({@link #SUCCESS}, {@link #ASSERTIONS_FAILED}, ...)
   */
  public int simulate(String simulationClass, Path resultsFolder, Path consoleLog, Duration timeout)
      throws IOException, InterruptedException {
    return run(
        List.of("--simulation", simulationClass, "--results-folder", resultsFolder.toString()),
        consoleLog,
        timeout);
  }

  /**
   * Builds the HTML report for {@code resultsFolder/runFolder/simulation.log}, in that folder.
   *
   * @return Gatling's exit code: {@link #ASSERTIONS_FAILED} when an assertion in the log failed
   */
  public int reportsOnly(Path resultsFolder, String runFolder, Path consoleLog, Duration timeout)
      throws IOException, InterruptedException {
    return run(
        List.of("--results-folder", resultsFolder.toString(), "--reports-only", runFolder),
        consoleLog,
        timeout);
  }

  /** Runs Gatling with these arguments, its output appended to {@code consoleLog}. */
  public int run(List<String> gatlingArgs, Path consoleLog, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = command(gatlingArgs);
    if (consoleLog.getParent() != null) {
      Files.createDirectories(consoleLog.getParent());
    }
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(
            "Gatling did not finish within " + timeout.toSeconds() + " s; see " + consoleLog);
      }
      return process.exitValue();
    } finally {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }

  /** The forked JVM's command line: java, JVM options, -D flags in order, classpath, arguments. */
  List<String> command(List<String> gatlingArgs) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN_CLASS);
    command.addAll(gatlingArgs);
    return command;
  }
}
