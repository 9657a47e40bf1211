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

  @ParameterizedTest
  @MethodSource("examples")
  void plansWithoutWarnings(Path inventory) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.standard()
            .run(new PrintWriter(out), new PrintWriter(err), "plan", "-i", inventory.toString());
    String transcript = out + "\n--- err ---\n" + err;
    assertEquals(0, code, transcript);
    assertFalse(out.toString().contains("Warnings"), transcript);
    assertFalse(out.toString().toLowerCase().contains("warning"), transcript);
    assertEquals("", err.toString(), transcript);
  }
}
