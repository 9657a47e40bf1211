package dev.loadfleet.config;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Checks the workload that {@code ./mvnw gatling:test} is about to run, in Maven's own JVM, before
 * Gatling is forked: a bad key or value ends the build with its one sentence and exit code 1,
 * instead of a crashed simulation's stack trace and Maven's "Gatling failed." footer.
 *
 * <p>Run by the exec-maven-plugin (see pom.xml) with the conf folder as its only argument. It reads
 * the same {@code -D} system properties the plugin hands to Gatling's fork, so it accepts exactly
 * what the simulation accepts ({@link Workload#load}).
 */
public final class WorkloadCheck {
  private WorkloadCheck() {}

  /**
   * Exits the JVM with 1 after printing the sentence when the workload is invalid; returns quietly
   * when it is valid.
   *
   * @param args the conf folder (used unless {@code -Dloadfleet.conf} names another)
   */
  public static void main(String[] args) {
    Path conf = Path.of(System.getProperty("loadfleet.conf", args.length > 0 ? args[0] : "conf"));
    String problem = problem(conf, System.getProperties());
    if (problem != null) {
      System.err.println(problem);
      System.err.flush();
      // The whole build ends here, on purpose: Maven would otherwise add its own failure footer
      // (and "-e" hints) after the sentence, so the sentence would be neither first nor last.
      System.exit(1);
    }
  }

  /** The sentence that the workload {@code properties} describe is invalid, or null if valid. */
  static String problem(Path conf, Properties properties) {
    try {
      WorkloadLoader.load(conf, WorkloadLoader.overrides(properties), java.util.Set.of());
      return null;
    } catch (InvalidWorkloadException e) {
      return e.getMessage();
    }
  }
}
