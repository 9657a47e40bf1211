package dev.loadfleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages depend one way, down the pipeline. From the top:
 *
 * <pre>
 * cli -> run -> {check, deploy, collect, live} -> report -> {health, merge} -> {plan, remote} -> config -> units
 * </pre>
 *
 * A package may use any package on a line below its own, never one above it, nor one beside it on
 * its own line (check, deploy, collect and live do not know each other; live, the run's live
 * numbers and dashboard, is fed by run and reads health samples). {@code service}, the stand-in
 * proctoring service, stands apart: it uses {@code units} only, and only {@code cli} uses it. One
 * narrower rule: {@code run} reaches the report step only through its own {@code Reporting}
 * interface (the command line hands it the report package's), so it uses neither {@code report} nor
 * {@code merge}.
 *
 * <p>Read from the sources rather than the class files: a compile-time constant of another package
 * (a {@code static final String}) is copied into the class that reads it, so the bytecode no longer
 * shows that use. Comments and string literals are left out.
 */
class ArchitectureTest {
  /** Top to bottom; the packages of one entry are beside each other. */
  static final List<List<String>> LAYERS =
      List.of(
          List.of("cli"),
          List.of("run"),
          List.of("check", "deploy", "collect", "live"),
          List.of("report"),
          List.of("health", "merge"),
          List.of("plan", "remote"),
          List.of("config"),
          List.of("units"));

  /** Apart from the pipeline. */
  static final String SERVICE = "service";

  /** Packages below that a package still may not use, with why. */
  static final Map<String, Map<String, String>> NARROWER =
      Map.of(
          "run",
          Map.of(
              "report", "; run reaches the report step through its Reporting interface only",
              "merge", "; run reaches the report step through its Reporting interface only"));

  @Test
  void everyPackageUsesOnlyPackagesBelowIt() {
    assertEquals(List.of(), violations(Path.of("src/main/java"), "dev.loadfleet"));
  }

  @Test
  void theRuleCatchesUsesUpwardsBesideAndOfTheServiceAndNoMentionInCommentsOrStrings(
      @TempDir Path src) throws IOException {
    source(
        src,
        "run/Runner.java",
        "package x.app.run;\nimport x.app.cli.ExitCode;\nimport x.app.report.Reporter;\n"
            + "import x.app.collect.Collector;");
    source(
        src,
        "check/Checker.java",
        "package x.app.check;\nclass Checker {\n  Object d = x.app.deploy.Deployer.bundleDir();\n}");
    source(
        src,
        "config/Keys.java",
        "package x.app.config;\nclass Keys {\n  String k = x.app.report.Reporter.HEALTH_CHART;\n}");
    source(
        src,
        "report/Reporter.java",
        String.join(
            "\n",
            "package x.app.report;",
            "import x.app.merge.LogMerger;",
            "/** Like {@link x.app.cli.Main}. */",
            "class Reporter {",
            "  // see x.app.run.Runner",
            "  String a = \"x.app.cli.Main\", b = \"\\\"x.app.run\";",
            "  String c = \"\"\"",
            "      x.app.cli.Main \\\"\"\" still inside",
            "      \"\"\";",
            "  char q = '\"';",
            "  Object m = x.app.merge.LogMerger.class;",
            "}"));
    source(src, "service/Service.java", "package x.app.service;\nimport x.app.config.Inventory;");
    source(src, "plan/Plan.java", "package x.app.plan;\nimport x.app.service.Stats;");
    source(
        src,
        "cli/Main.java",
        "package x.app.cli;\nimport x.app.service.Service;\nimport static x.app.units.Units.mb;");
    source(src, "gadgets/Gadget.java", "package x.app.gadgets;\nclass Gadget {}");

    assertEquals(
        List.of(
            "check/Checker.java:3 check uses deploy, beside it",
            "config/Keys.java:3 config uses report, above it",
            "gadgets/Gadget.java: package gadgets has no place in the dependency order;"
                + " add it to ArchitectureTest.LAYERS",
            "plan/Plan.java:2 plan uses service, which only cli may use",
            "run/Runner.java:2 run uses cli, above it",
            "run/Runner.java:3 run uses report;"
                + " run reaches the report step through its Reporting interface only",
            "service/Service.java:2 service uses config; the service may use units only"),
        violations(src, "x.app"));
  }

  private static void source(Path root, String file, String text) throws IOException {
    Path f = root.resolve("x/app").resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  /** Every use that breaks the order, as {@code file:line what}, sorted. */
  static List<String> violations(Path sourceRoot, String basePackage) {
    Path base = sourceRoot.resolve(basePackage.replace('.', '/'));
    Pattern use = Pattern.compile("\\b" + Pattern.quote(basePackage) + "\\.([a-z][a-z0-9_]*)\\b");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(base)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        Path relative = base.relativize(file);
        if (relative.getNameCount() < 2) {
          continue; // the base package's own package-info: documentation only
        }
        String from = relative.getName(0).toString();
        String where = relative.toString().replace('\\', '/');
        if (!from.equals(SERVICE) && level(from) < 0) {
          found.add(
              where
                  + ": package "
                  + from
                  + " has no place in the dependency order; add it to ArchitectureTest.LAYERS");
          continue;
        }
        String code = code(Files.readString(file, StandardCharsets.UTF_8));
        Matcher m = use.matcher(code);
        while (m.find()) {
          String to = m.group(1);
          String why = why(from, to);
          if (why != null) {
            long line = code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            String violation = where + ":" + line + " " + from + " uses " + to + why;
            if (!found.contains(violation)) {
              found.add(violation);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found.stream().sorted().toList();
  }

  /** Why {@code from} may not use {@code to}, or null when it may. */
  private static String why(String from, String to) {
    if (from.equals(to)) {
      return null;
    }
    if (from.equals(SERVICE)) {
      return to.equals("units") ? null : "; the service may use units only";
    }
    if (to.equals(SERVICE)) {
      return from.equals("cli") ? null : ", which only cli may use";
    }
    if (level(to) < 0) {
      return ", which has no place in the dependency order";
    }
    String narrower = NARROWER.getOrDefault(from, Map.of()).get(to);
    if (narrower != null) {
      return narrower;
    }
    if (level(to) == level(from)) {
      return ", beside it";
    }
    return level(to) < level(from) ? ", above it" : null;
  }

  private static int level(String pkg) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(pkg)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The source without comments, string and character literals and text blocks; line breaks are
   * kept, so positions still give line numbers.
   */
  static String code(String source) {
    StringBuilder code = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      if (source.startsWith("//", i)) {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = keepLines(source, i, end < 0 ? n : end + 2, code);
      } else if (source.startsWith("\"\"\"", i)) {
        int j = i + 3;
        while (j < n && !source.startsWith("\"\"\"", j)) {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        i = keepLines(source, i, Math.min(n, j + 3), code);
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        char quote = source.charAt(i);
        int j = i + 1;
        while (j < n && source.charAt(j) != quote && source.charAt(j) != '\n') {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        i = Math.min(n, j + 1);
        code.append(' ');
      } else {
        code.append(source.charAt(i++));
      }
    }
    return code.toString();
  }

  private static int keepLines(String source, int from, int to, StringBuilder code) {
    for (int k = from; k < to; k++) {
      if (source.charAt(k) == '\n') {
        code.append('\n');
      }
    }
    code.append(' ');
    return to;
  }
}
