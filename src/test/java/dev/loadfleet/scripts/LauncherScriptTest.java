package dev.loadfleet.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's bin/loadfleet on a copy of the repository's layout, with a stand-in ./mvnw that
 * notes each build and lays out a bundle whose launcher echoes its arguments; and the bundle's own
 * bin/loadfleet with a stand-in java.
 */
class LauncherScriptTest {
  private static final String REBUILDING =
      "loadfleet: sources changed since the bundle was built; rebuilding (~40 s)";
  private static final Instant BUILT = Instant.parse("2026-01-02T10:00:00Z");

  @TempDir Path repo;

  @BeforeEach
  void layOutARepository() throws IOException {
    copyScript("bin/loadfleet", repo.resolve("bin/loadfleet"));
    script(
        repo.resolve("mvnw"),
        "echo \"$*\" >> builds.log",
        "[ ! -e fail-build ] || exit 1",
        "mkdir -p target/loadfleet-bundle/bin",
        "printf '#!/bin/bash\\necho \"launcher $*\"\\n' > target/loadfleet-bundle/bin/loadfleet",
        "chmod +x target/loadfleet-bundle/bin/loadfleet",
        "echo bundle > target/loadfleet-bundle.tar.gz");
    for (String source :
        List.of(
            "src/test/java/x/Simulation.java",
            "conf/gatling.conf",
            "deploy/bundle.xml",
            "pom.xml")) {
      Path file = repo.resolve(source);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "x");
      Files.setLastModifiedTime(file, FileTime.from(BUILT.minusSeconds(3600)));
    }
  }

  @Test
  void aMissingBundleIsBuiltThenRun() throws Exception {
    Result r = run(repo.resolve("bin/loadfleet"), Map.of(), "status", "--run-id", "r1");
    assertEquals(0, r.code, r.err);
    assertEquals("launcher status --run-id r1\n", r.out);
    assertEquals(1, builds(), r.err);
  }

  @Test
  void anUpToDateBundleRunsWithoutABuild() throws Exception {
    build();
    Result r = run(repo.resolve("bin/loadfleet"), Map.of(), "plan");
    assertEquals(0, r.code, r.err);
    assertEquals("launcher plan\n", r.out);
    assertEquals("", r.err);
    assertEquals(1, builds());
  }

  @Test
  void anEditedSourceRebuildsTheBundleSayingSo() throws Exception {
    build();
    int expected = 1;
    for (String edited :
        List.of(
            "src/test/java/x/Simulation.java",
            "conf/gatling.conf",
            "deploy/bundle.xml",
            "pom.xml")) {
      Files.setLastModifiedTime(repo.resolve(edited), FileTime.from(BUILT.plusSeconds(60)));
      Result r = run(repo.resolve("bin/loadfleet"), Map.of(), "plan");
      assertEquals(0, r.code, r.err);
      assertTrue(r.err.startsWith(REBUILDING), edited + " edited: " + r.err);
      assertEquals("launcher plan\n", r.out);
      assertEquals(++expected, builds(), edited + " edited");
      Files.setLastModifiedTime(repo.resolve(edited), FileTime.from(BUILT.minusSeconds(3600)));
      setBuilt();
    }
  }

  @Test
  void aFailedBuildStopsWithoutRunningTheOldBundle() throws Exception {
    build();
    Files.writeString(repo.resolve("fail-build"), "");
    Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(BUILT.plusSeconds(60)));
    Result r = run(repo.resolve("bin/loadfleet"), Map.of(), "plan");
    assertEquals(1, r.code);
    assertEquals("", r.out, "the old bundle did not run");
    assertTrue(r.err.contains("loadfleet: the build failed"), r.err);
  }

  @Test
  void theBundlesLauncherPassesJavaOptionsAsWrittenNeverGlobbed() throws Exception {
    Path bundle = repo.resolve("bundle");
    copyScript("src/main/bundle/bin/loadfleet", bundle.resolve("bin/loadfleet"));
    script(repo.resolve("jdk/bin/java"), "echo \"java $*\"");
    Files.writeString(repo.resolve("-Xlog:gc.txt"), ""); // what -Xlog:gc* would glob to here
    Result r =
        run(
            bundle.resolve("bin/loadfleet"),
            Map.of(
                "JAVA_HOME",
                repo.resolve("jdk").toString(),
                "LOADFLEET_JAVA_OPTS",
                "-Xlog:gc* -Xmx1g"),
            "plan");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.startsWith("java -Xlog:gc* -Xmx1g -Dloadfleet.home="), r.out);
    assertTrue(r.out.trim().endsWith("dev.loadfleet.cli.Main plan"), r.out);
  }

  private void build() throws Exception {
    assertEquals(0, run(repo.resolve("bin/loadfleet"), Map.of(), "plan").code);
    setBuilt();
  }

  /** Dates the bundle at BUILT, after every source. */
  private void setBuilt() throws IOException {
    Files.setLastModifiedTime(repo.resolve("target/loadfleet-bundle.tar.gz"), FileTime.from(BUILT));
  }

  private int builds() throws IOException {
    Path log = repo.resolve("builds.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  private record Result(int code, String out, String err) {}

  /** Runs {@code script} from the repository's folder, as an operator would. */
  private Result run(Path script, Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    pb.environment().putAll(env);
    Path out = repo.resolve("out.txt");
    Path err = repo.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script finished");
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void copyScript(String from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(Path.of(from), to);
    to.toFile().setExecutable(true);
  }

  private static void script(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/bash\n" + String.join("\n", lines) + "\n");
    file.toFile().setExecutable(true);
  }
}
