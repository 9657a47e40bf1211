package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

/** Small bundle archives for launcher tests: the real bin/injector and nothing else. */
final class TestBundles {
  private TestBundles() {}

  /** Packs {@code dir/bundle/bin/injector} into {@code dir/bundle.tar.gz} with tar. */
  static Path withRealInjector(Path dir) throws Exception {
    Path tree = Files.createDirectories(dir.resolve("bundle/bin"));
    Files.copy(Path.of("src/main/bundle/bin/injector"), tree.resolve("injector"));
    tree.resolve("injector").toFile().setExecutable(true);
    Path archive = dir.resolve("bundle.tar.gz");
    Process tar =
        new ProcessBuilder(
                "tar", "-czf", archive.toString(), "-C", dir.resolve("bundle").toString(), ".")
            .inheritIO()
            .start();
    assertEquals(0, tar.waitFor());
    return archive;
  }
}
