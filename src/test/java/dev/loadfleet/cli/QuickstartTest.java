package dev.loadfleet.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart block, command by command: every {@code bin/loadfleet} subcommand exists
 * and its options parse, every {@code ./mvnw} goal is a lifecycle phase or a goal of a plugin in
 * pom.xml, every file it copies exists. So the quickstart cannot drift from the code.
 */
class QuickstartTest {
  private static final Set<String> PHASES =
      Set.of(
          "validate", "compile", "test-compile", "test", "package", "verify", "install", "clean");
  // Tools of OpenSSH that the key setup uses: not ours to parse.
  private static final Set<String> SSH_TOOLS = Set.of("ssh-keygen", "ssh-copy-id");

  @Test
  void everyQuickstartCommandExistsAndParses() throws IOException {
    List<List<String>> commands = quickstart();
    assertTrue(commands.size() >= 8, "the quickstart lost commands: " + commands);
    List<String> seen = new ArrayList<>();
    for (List<String> words : commands) {
      List<String> cmd = words.get(0).equals("sudo") ? words.subList(1, words.size()) : words;
      switch (cmd.get(0)) {
        case "./mvnw" -> cmd.subList(1, cmd.size()).forEach(QuickstartTest::assertMavenGoal);
        case "bin/loadfleet" -> assertLauncherCommand(cmd.subList(1, cmd.size()));
        case "cp" -> assertTrue(Files.isRegularFile(Path.of(cmd.get(1))), cmd.get(1));
        default -> assertTrue(SSH_TOOLS.contains(cmd.get(0)), "unknown command: " + words);
      }
      seen.add(cmd.get(0).equals("bin/loadfleet") ? "loadfleet " + cmd.get(1) : cmd.get(0));
    }
    for (String step :
        List.of("./mvnw", "cp", "loadfleet plan", "loadfleet check", "loadfleet run")) {
      assertTrue(seen.contains(step), "the quickstart has no " + step + ": " + seen);
    }
  }

  private static void assertMavenGoal(String word) {
    if (word.startsWith("-")) {
      return;
    }
    int colon = word.indexOf(':');
    if (colon < 0) {
      assertTrue(PHASES.contains(word), "not a Maven lifecycle phase: " + word);
      return;
    }
    String prefix = word.substring(0, colon);
    String pom = assertDoesNotThrow(() -> Files.readString(Path.of("pom.xml")));
    assertTrue(
        pom.contains("<artifactId>" + prefix + "-maven-plugin</artifactId>"),
        "no " + prefix + "-maven-plugin in pom.xml for " + word);
  }

  private static void assertLauncherCommand(List<String> args) {
    assertFalse(args.isEmpty(), "bin/loadfleet without a subcommand");
    Command command =
        Commands.all().stream().filter(c -> c.name().equals(args.get(0))).findFirst().orElse(null);
    assertNotNull(command, "not a loadfleet subcommand: " + args.get(0));
    String[] rest = args.subList(1, args.size()).toArray(String[]::new);
    try {
      new DefaultParser().parse(command.options(), rest);
    } catch (org.apache.commons.cli.ParseException e) {
      fail("loadfleet " + String.join(" ", args) + ": " + e.getMessage());
    }
  }

  /** The block between the README's quickstart markers: one command a line, comments dropped. */
  static List<List<String>> quickstart() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int from = readme.indexOf("<!-- quickstart -->");
    int to = readme.indexOf("<!-- /quickstart -->");
    assertTrue(from >= 0 && to > from, "README.md has no quickstart block");
    List<List<String>> commands = new ArrayList<>();
    for (String line : readme.substring(from, to).lines().toList()) {
      String code = line.replaceFirst("#.*", "").strip();
      if (code.isEmpty() || code.startsWith("```") || code.startsWith("<!--")) {
        continue;
      }
      commands.add(Arrays.asList(code.split("\\s+")));
    }
    assertEquals(
        commands.size(), commands.stream().distinct().count(), "a command twice: " + commands);
    return commands;
  }
}
