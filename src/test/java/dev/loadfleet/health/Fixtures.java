package dev.loadfleet.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Real /proc text captured on the build machine, under src/test/resources/health/. */
final class Fixtures {
  private Fixtures() {}

  static String text(String name) {
    try {
      Path path = Paths.get(Fixtures.class.getResource("/health/" + name).toURI());
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a command with this machine's sh, as an SSH session would on a host, and returns its
   * output.
   */
  static String shell(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("sh exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  static ProcSnapshot snapshot(String name, long receivedAtMs) {
    return ProcSnapshot.parse(text(name), receivedAtMs);
  }
}
