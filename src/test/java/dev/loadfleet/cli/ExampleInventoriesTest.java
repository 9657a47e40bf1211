package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example inventory under conf/ passes its own {@code plan}: no warning about itself. */
class ExampleInventoriesTest {
  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      List<Path> found =
          files.filter(f -> f.getFileName().toString().matches(".*\\.example\\.ya?ml")).toList();
      assertFalse(found.isEmpty(), "no example inventory under conf/");
      return found;
    }
  }

  @TempDir Path home;

  @ParameterizedTest
  @MethodSource("examples")
  void plansWithoutWarnings(Path inventory) throws IOException {
    // The examples' key files are under ~ and must exist for an inventory to load: a home of the
    // test's own holds them (empty: plan connects nowhere).
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_ed25519"), "");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String realHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    int code;
    try {
      code =
          Main.standard()
              .run(new PrintWriter(out), new PrintWriter(err), "plan", "-i", inventory.toString());
    } finally {
      System.setProperty("user.home", realHome);
    }
    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(0, code, transcript);
    assertFalse(out.toString().contains("Warnings"), transcript);
    assertFalse(out.toString().toLowerCase().contains("warning"), transcript);
    assertEquals("", err.toString(), transcript);
  }
}
