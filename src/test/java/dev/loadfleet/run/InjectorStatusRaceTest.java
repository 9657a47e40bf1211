package dev.loadfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/injector's status, polled as fast as a shell can while injectors end: an injector that exits
 * on its own is never reported as died, however its end falls between status's checks.
 */
class InjectorStatusRaceTest {
  private static final int RUNS = 80;

  @Test
  void anInjectorEndingWhileStatusLooksIsNeverCalledDead(@TempDir Path dir) throws Exception {
    Path home = dir.resolve("bundle");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("jdk/bin"));
    Files.copy(Path.of("src/main/bundle/bin/injector"), home.resolve("bin/injector"));
    Path java = home.resolve("jdk/bin/java");
    Files.writeString(java, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    List<String> finals = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      Path runDir = dir.resolve("run" + i);
      String started = script(home, "start", runDir, "x.Sim");
      assertTrue(started.strip().matches("\\d+"), started);
      // A tight loop in one shell: the answer that ends it is the injector's verdict.
      String last =
          shell(
              "for _ in $(seq 2000); do s=\"$(bash \"$1\" status \"$2\")\"; "
                  + "[ \"$s\" = running ] || { echo \"$s\"; exit 0; }; done; echo timeout",
              home.resolve("bin/injector").toString(),
              runDir.toString());
      finals.add(last.strip());
    }
    assertEquals(List.of("exited 0"), finals.stream().distinct().toList(), finals.toString());
  }

  private static String script(Path home, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", home.resolve("bin/injector").toString()));
    for (Object a : args) {
      command.add(a.toString());
    }
    return run(command, home.resolve("jdk"));
  }

  private static String script(Path home, String cmd, Path runDir, String sim) throws Exception {
    return script(home, new String[] {cmd, runDir.toString(), sim});
  }

  private static String shell(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c", script, "race"));
    command.addAll(List.of(args));
    return run(command, null);
  }

  private static String run(List<String> command, Path javaHome)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (javaHome != null) {
      pb.environment().put("JAVA_HOME", javaHome.toString());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + command);
    return out;
  }
}
