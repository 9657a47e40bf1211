package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadfleet.cli.ExitCode;
import dev.loadfleet.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadfleet compare} on summary.json files written here (no Gatling needed): the refusal of
 * different simulations, older summary.json files, the gate's arithmetic and its bad input.
 */
class CompareCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void runsOfDifferentSimulationsAreRefusedSayingWhyUnlessForced() throws Exception {
    Path a = summary("a", "sim.Exam", 2, 100, 1.0);
    Path b = summary("b", "sim.Other", 2, 100, 1.0);

    Outcome refused = compare(a.toString(), b.toString(), "--out", tmp.resolve("out").toString());
    assertEquals(ExitCode.ERROR.code(), refused.code, refused.all());
    assertTrue(refused.err.contains("the runs are of different simulations"), refused.err);
    assertTrue(refused.err.contains("sim.Exam") && refused.err.contains("sim.Other"), refused.err);
    assertTrue(refused.err.contains("--force"), refused.err);
    assertFalse(Files.exists(tmp.resolve("out/compare.json")), "nothing written when refused");

    Outcome forced =
        compare(a.toString(), b.toString(), "--force", "--out", tmp.resolve("out").toString());
    assertEquals(ExitCode.OK.code(), forced.code, forced.all());
    JsonNode json = JSON.readTree(tmp.resolve("out/compare.json").toFile());
    assertTrue(json.get("notes").toString().contains("Different simulations"), json.toString());
  }

  @Test
  void theGateMeasuresRelativeAndAbsoluteChangeTheWayEachMetricGetsWorse() throws Exception {
    Path a = summary("a", "sim.Exam", 2, 100, 1.0);
    Path b = summary("b", "sim.Exam", 2, 120, 1.5); // p95 +20 %, KO +0.5 points

    Outcome within =
        compare(a.toString(), b.toString(), "--max-regression", "p95=25%,ko=1", "--out", out());
    assertEquals(ExitCode.OK.code(), within.code, within.all());
    assertTrue(within.out.contains("no regression beyond --max-regression"), within.out);

    Outcome beyond =
        compare(a.toString(), b.toString(), "--max-regression", "p95=10%,ko=1", "--out", out());
    assertEquals(ExitCode.REGRESSION.code(), beyond.code, beyond.all());
    assertEquals(9, beyond.code);
    JsonNode json = JSON.readTree(Path.of(out(), "compare.json").toFile());
    JsonNode p95 = json.at("/rows/0/metrics/p95");
    assertEquals(100.0, p95.get("baseline").asDouble());
    assertEquals(120.0, p95.get("current").asDouble());
    assertEquals(20.0, p95.get("change").asDouble());
    assertEquals(20.0, p95.get("relativeChangePct").asDouble());
    assertTrue(p95.get("regression").asBoolean());
    assertFalse(json.at("/rows/0/metrics/ko/regression").asBoolean(), "0.5 points is within 1");

    // Throughput gets worse downwards: the current run's is higher here, so no limit breaks.
    Outcome faster =
        compare(a.toString(), b.toString(), "--max-regression", "throughput=0", "--out", out());
    assertEquals(ExitCode.OK.code(), faster.code, faster.all());
    Outcome slower =
        compare(b.toString(), a.toString(), "--max-regression", "throughput=0", "--out", out());
    assertEquals(ExitCode.REGRESSION.code(), slower.code, slower.all());
  }

  @Test
  void aVersionOneSummaryIsReadWithTodaysClockSignAndCompared() throws Exception {
    Path old = summary("old", "sim.Exam", 1, 100, 1.0);

    ObjectNode read = Summary.read(old);
    assertEquals(Summary.SCHEMA_VERSION, read.get("schemaVersion").asInt());
    assertEquals(1, read.get("readFromSchemaVersion").asInt());
    // Version 1 wrote the merge's correction (+250: the host ran 250 ms behind).
    assertEquals(-250, read.at("/inputs/0/clockOffsetMs").asLong());

    Path now = summary("now", "sim.Exam", 2, 100, 1.0);
    assertEquals(250, Summary.read(now).at("/inputs/0/clockOffsetMs").asLong());
    Outcome o = compare(old.getParent().toString(), now.toString(), "--out", out());
    assertEquals(ExitCode.OK.code(), o.code, o.all());
    assertTrue(o.err.contains("schema 1"), o.err);
  }

  @Test
  void badLimitsAndMissingRunsAreOneSentenceWithoutJavaText() throws Exception {
    Path a = summary("a", "sim.Exam", 2, 100, 1.0);

    Outcome word = compare(a.toString(), a.toString(), "--max-regression", "p95=ten%");
    assertEquals(ExitCode.USAGE.code(), word.code, word.all());
    assertTrue(word.err.contains("--max-regression item 'p95=ten%'"), word.err);
    Outcome metric = compare(a.toString(), a.toString(), "--max-regression", "p42=1");
    assertTrue(metric.err.contains("names no metric 'p42'"), metric.err);
    Outcome missing = compare(a.toString(), tmp.resolve("nowhere").toString());
    assertEquals(ExitCode.ERROR.code(), missing.code, missing.all());
    assertTrue(missing.err.contains("nowhere does not exist"), missing.err);
    Outcome notOurs =
        compare(a.toString(), Files.writeString(tmp.resolve("x.json"), "{}").toString());
    assertTrue(notOurs.err.contains("is not a loadfleet summary.json"), notOurs.err);
    for (Outcome o : new Outcome[] {word, metric, missing, notOurs}) {
      assertFalse(o.all().contains("Exception") || o.all().contains("For input string"), o.all());
    }
  }

  private String out() {
    return tmp.resolve("out").toString();
  }

  /** A summary.json with one host and one request name "upload". */
  private Path summary(String dir, String simulation, int version, long p95, double koPercent)
      throws Exception {
    ObjectNode s = JSON.createObjectNode();
    if (version > 1) {
      s.put("schemaVersion", version);
    }
    s.put("simulation", simulation);
    s.put("runStart", "2026-11-18T11:06:37Z");
    s.put("runDescription", dir);
    ObjectNode g = figures(s.putObject("global"), p95, koPercent);
    g.put("records", 1100);
    if (version > 1) {
      figures(s.putArray("perRequest").addObject(), p95, koPercent).put("name", "upload");
    }
    s.putArray("inputs").addObject().put("name", "lf-a").put("clockOffsetMs", 250);
    Path file = Files.createDirectories(tmp.resolve(dir)).resolve("summary.json");
    JSON.writeValue(file.toFile(), s);
    return file;
  }

  private static ObjectNode figures(ObjectNode n, long p95, double koPercent) {
    long requests = 1000;
    long ko = Math.round(requests * koPercent / 100);
    return n.put("requests", requests)
        .put("ok", requests - ko)
        .put("ko", ko)
        .put("koPercent", koPercent)
        .put("minMs", 5)
        .put("meanMs", p95 / 2.0)
        .put("p50Ms", p95 / 2)
        .put("p95Ms", p95)
        .put("p99Ms", p95 + 10)
        .put("maxMs", p95 + 50)
        .put("requestsPerSecond", koPercent > 1 ? 12.0 : 10.0);
  }

  private record Outcome(int code, String out, String err) {
    String all() {
      return out + "\n" + err;
    }
  }

  private static Outcome compare(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    String[] full = new String[args.length + 1];
    full[0] = "compare";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = Main.standard().run(new PrintWriter(o), new PrintWriter(e), full);
    return new Outcome(code, o.toString(), e.toString());
  }
}
