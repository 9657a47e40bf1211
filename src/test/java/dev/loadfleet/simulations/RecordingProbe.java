package dev.loadfleet.simulations;

import java.nio.file.Path;

/**
 * Makes the generated recording of the given size in a JVM of its own, as an injector does at
 * start, and prints its SHA-256 and where it is held: how a test runs it under small memory limits.
 */
final class RecordingProbe {
  private RecordingProbe() {}

  public static void main(String[] args) {
    Recording recording =
        Recording.generated(Long.parseLong(args[0]), Path.of(System.getProperty("java.io.tmpdir")));
    System.out.println(
        "sha256="
            + recording.sha256()
            + " size="
            + recording.size()
            + " file="
            + (recording.file() != null));
  }
}
