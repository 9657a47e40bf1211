package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A failed Gatling assertion as junit.xml and the verdict say it, from summary.json alone. */
class JunitReportTest {
  @Test
  void aFailedAssertionIsAFailedCaseWithItsActualValueAndOneVerdictSentence() {
    ObjectNode summary = new ObjectMapper().createObjectNode();
    summary.put("simulation", "sim.Exam");
    summary.put("assertionsPassed", false);
    summary
        .putArray("assertions")
        .add(
            new ObjectMapper()
                .createObjectNode()
                .put("assertion", "Global: max of response time is less than 5000.0")
                .put("passed", false)
                .put("actual", "11955"))
        .add(
            new ObjectMapper()
                .createObjectNode()
                .put("assertion", "Global: percentage of failed events is less than 60.0")
                .put("passed", true)
                .put("actual", "5.25"));

    List<JunitReport.Case> cases = JunitReport.cases(summary);

    assertEquals(
        Optional.of(
            "actual value 11955: Global: max of response time is less than 5000.0 does not hold"),
        cases.get(0).failure());
    assertEquals(Optional.empty(), cases.get(1).failure());
    assertEquals("sim.Exam.assertions", cases.get(0).classname());
    String verdict =
        Verdict.of(summary).stream()
            .filter(f -> f.topic().equals("assertions"))
            .map(Verdict.Finding::text)
            .reduce("", String::concat);
    assertEquals(
        "1 of 2 Gatling assertions failed: Global: max of response time is less than 5000.0"
            + " (actual 11955).",
        verdict);
    assertTrue(JunitReport.render(summary).contains("failures=\"1\""), JunitReport.render(summary));
  }
}
