package dev.loadfleet.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mvnw gatling:test} with a workload mistake, as a newcomer types it: the build's whole
 * output is the one sentence, no stack trace and no Maven footer, and Maven exits 1.
 *
 * <p>Each case runs this project's real Maven build once (offline), with the main compile skipped
 * ({@code -Dmaven.main.skip}: the classes are already built, and a nested compile must not rewrite
 * target/classes under the tests that are running from it).
 */
class GatlingTestWorkloadErrorTest {
  @TempDir Path tmp;

  @Test
  void aMisspeltKeyIsOneSentence() throws Exception {
    assertOneSentence(
        mvnGatlingTest("-Duser=5"), "-Duser is not a workload key; did you mean -Dusers?");
  }

  @Test
  void anUnknownProfileSaysWhereTheValueCameFrom() throws Exception {
    assertOneSentence(
        mvnGatlingTest("-Dprofile=nope"),
        "workload key 'profile' = 'nope' (from -Dprofile): no such profile in "
            + Path.of("conf").toAbsolutePath()
            + "; accepted: [full, smoke]");
  }

  private static void assertOneSentence(Result r, String sentence) {
    assertEquals(1, r.code, r.output);
    assertEquals(List.of(sentence), r.lines(), r.output);
    assertFalse(r.output.contains("Exception"), r.output);
    assertFalse(r.output.contains("at dev.loadfleet"), r.output);
  }

  private Result mvnGatlingTest(String workloadKey) throws IOException, InterruptedException {
    Path output = tmp.resolve("mvn.txt");
    List<String> command = new ArrayList<>();
    command.add(Path.of("mvnw").toAbsolutePath().toString());
    command.addAll(List.of("-B", "-q", "-o", "-Dmaven.main.skip=true", "gatling:test"));
    command.add(workloadKey);
    Process p =
        new ProcessBuilder(command)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("./mvnw gatling:test did not end within 5 minutes");
    }
    return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  private record Result(int code, String output) {
    List<String> lines() {
      return output.lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
