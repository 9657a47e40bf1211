package dev.loadfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * junit.xml: the run as test results a CI server shows (Jenkins' junit step, GitLab's {@code
 * artifacts:reports:junit}, GitHub Actions' test-report actions all read this shape): one suite,
 * one test case per Gatling assertion with the actual value in its failure message, two per
 * injector ("finished" and "not saturated"; a lost or saturated host is a failed case with its
 * reason), the service's count when there is one, and a failed case for a run stopped early.
 * Written with the JDK's XML writer from summary.json, so it says what the pages say.
 */
final class JunitReport {
  /** One test case: failed when {@code failure} is present, skipped when {@code skipped} is. */
  record Case(String classname, String name, Optional<String> failure, Optional<String> skipped) {
    static Case passed(String classname, String name) {
      return new Case(classname, name, Optional.empty(), Optional.empty());
    }

    static Case failed(String classname, String name, String why) {
      return new Case(classname, name, Optional.of(why), Optional.empty());
    }

    static Case skipped(String classname, String name, String why) {
      return new Case(classname, name, Optional.empty(), Optional.of(why));
    }
  }

  private JunitReport() {}

  /** The test cases summary.json gives. */
  static List<Case> cases(JsonNode summary) {
    List<Case> cases = new ArrayList<>();
    String sim = summary.path("simulation").asText("simulation");
    for (JsonNode a : summary.path("assertions")) {
      String name = a.path("assertion").asText();
      String actual = a.path("actual").asText();
      cases.add(
          a.path("passed").asBoolean()
              ? Case.passed(sim + ".assertions", name)
              : Case.failed(
                  sim + ".assertions",
                  name,
                  "actual value " + actual + ": " + name + " does not hold"));
    }
    for (JsonNode h : summary.path("inputs")) {
      String host = h.path("name").asText();
      String cls = "loadfleet.injectors." + host;
      String state = h.path("state").asText("");
      if (!state.isEmpty() && !state.equals("ok")) {
        String message = h.path("message").asText("");
        cases.add(
            Case.failed(
                cls,
                host + " finished",
                host + " " + state + (message.isEmpty() ? "" : ": " + message)));
      } else if (h.path("truncated").asBoolean()) {
        cases.add(
            Case.failed(
                cls,
                host + " finished",
                host
                    + "'s log ends inside a record (injector killed?); its last requests are missing"));
      } else {
        cases.add(Case.passed(cls, host + " finished"));
      }
      List<String> flags = new ArrayList<>();
      h.path("saturation").forEach(f -> flags.add(f.path("text").asText()));
      if (!flags.isEmpty()) {
        cases.add(
            Case.failed(
                cls,
                host + " not saturated",
                host
                    + " was saturated: "
                    + String.join("; ", flags)
                    + "; its latencies then are not trustworthy"));
      } else if (!h.has("health")) {
        cases.add(
            Case.skipped(
                cls,
                host + " not saturated",
                "no health samples for "
                    + host
                    + " (the launcher samples them during loadfleet run)"));
      } else {
        cases.add(Case.passed(cls, host + " not saturated"));
      }
    }
    for (JsonNode h : summary.path("hostsWithoutLog")) {
      String host = h.path("name").asText();
      String cls = "loadfleet.injectors." + host;
      String message = h.path("message").asText("");
      cases.add(
          Case.failed(
              cls,
              host + " finished",
              host
                  + " "
                  + h.path("state").asText("sent no log")
                  + (message.isEmpty() ? "" : ": " + message)
                  + "; none of its requests are in the report"));
    }
    JsonNode service = summary.path("service");
    if (!service.isMissingNode()) {
      String name = "stored recordings on " + service.path("host").asText() + " equal OK uploads";
      long ok = service.path("okUploads").asLong();
      if (service.path("stored").isNull()) {
        cases.add(
            Case.failed(
                "loadfleet.service",
                name,
                "the count could not be read: "
                    + service.path("problem").asText()
                    + " (OK uploads "
                    + ok
                    + ")"));
      } else if (!service.path("equal").asBoolean()) {
        cases.add(
            Case.failed(
                "loadfleet.service",
                name,
                "the service stored "
                    + service.path("stored").asLong()
                    + " recordings, the report counts "
                    + ok
                    + " OK uploads"));
      } else {
        cases.add(Case.passed("loadfleet.service", name));
      }
    }
    JsonNode stopped = summary.path("stopped");
    if (!stopped.isMissingNode() && !stopped.isNull()) {
      cases.add(
          Case.failed("loadfleet.run", "run not stopped early", Verdict.stopSentence(stopped)));
    }
    return cases;
  }

  /** junit.xml for {@code summary}. */
  static String render(JsonNode summary) {
    List<Case> cases = cases(summary);
    long failures = cases.stream().filter(c -> c.failure().isPresent()).count();
    long skipped = cases.stream().filter(c -> c.skipped().isPresent()).count();
    StringWriter out = new StringWriter();
    try {
      write(out, summary, cases, failures, skipped);
    } catch (XMLStreamException e) {
      throw new UncheckedIOException(
          new IOException("writing junit.xml failed: " + e.getMessage(), e));
    }
    return out.toString();
  }

  private static void write(
      Writer out, JsonNode summary, List<Case> cases, long failures, long skipped)
      throws XMLStreamException {
    XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
    String name = "loadfleet " + summary.path("simulation").asText("simulation");
    String time = seconds(summary.path("global").path("durationMs").asLong());
    x.writeStartDocument("UTF-8", "1.0");
    x.writeCharacters("\n");
    x.writeStartElement("testsuites");
    x.writeAttribute("name", clean(name));
    x.writeAttribute("tests", String.valueOf(cases.size()));
    x.writeAttribute("failures", String.valueOf(failures));
    x.writeAttribute("errors", "0");
    x.writeAttribute("time", time);
    x.writeCharacters("\n  ");
    x.writeStartElement("testsuite");
    x.writeAttribute("name", clean(name));
    x.writeAttribute("tests", String.valueOf(cases.size()));
    x.writeAttribute("failures", String.valueOf(failures));
    x.writeAttribute("errors", "0");
    x.writeAttribute("skipped", String.valueOf(skipped));
    x.writeAttribute("time", time);
    String start = summary.path("global").path("start").asText(summary.path("runStart").asText(""));
    if (!start.isEmpty()) {
      // JUnit's timestamp is ISO 8601 without a zone: the report's instants are UTC.
      x.writeAttribute("timestamp", start.replaceFirst("(\\.\\d+)?Z$", ""));
    }
    x.writeCharacters("\n    ");
    x.writeStartElement("properties");
    property(x, "simulation", summary.path("simulation").asText());
    property(x, "runStart", summary.path("runStart").asText());
    property(x, "requests", summary.path("global").path("requests").asText());
    property(x, "koPercent", summary.path("global").path("koPercent").asText());
    property(x, "p95Ms", summary.path("global").path("p95Ms").asText());
    x.writeCharacters("\n    ");
    x.writeEndElement();
    for (Case c : cases) {
      x.writeCharacters("\n    ");
      x.writeStartElement("testcase");
      x.writeAttribute("classname", clean(c.classname()));
      x.writeAttribute("name", clean(c.name()));
      x.writeAttribute("time", "0");
      if (c.skipped().isPresent()) {
        x.writeCharacters("\n      ");
        x.writeStartElement("skipped");
        x.writeAttribute("message", clean(c.skipped().get()));
        x.writeEndElement();
      }
      if (c.failure().isPresent()) {
        x.writeCharacters("\n      ");
        x.writeStartElement("failure");
        x.writeAttribute("message", clean(c.failure().get()));
        x.writeAttribute("type", "loadfleet");
        x.writeCharacters(clean(c.failure().get()));
        x.writeEndElement();
      }
      if (c.failure().isPresent() || c.skipped().isPresent()) {
        x.writeCharacters("\n    ");
      }
      x.writeEndElement();
    }
    x.writeCharacters("\n  ");
    x.writeEndElement();
    x.writeCharacters("\n");
    x.writeEndElement();
    x.writeCharacters("\n");
    x.writeEndDocument();
    x.close();
  }

  private static void property(XMLStreamWriter x, String name, String value)
      throws XMLStreamException {
    x.writeCharacters("\n      ");
    x.writeEmptyElement("property");
    x.writeAttribute("name", clean(name));
    x.writeAttribute("value", clean(value));
  }

  /** The text without characters XML 1.0 cannot carry (control characters but tab and newlines). */
  static String clean(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              boolean ok =
                  c == 0x9
                      || c == 0xA
                      || c == 0xD
                      || (c >= 0x20 && c <= 0xD7FF)
                      || (c >= 0xE000 && c <= 0xFFFD)
                      || (c >= 0x10000 && c <= 0x10FFFF);
              b.appendCodePoint(ok ? c : '?');
            });
    return b.toString();
  }

  private static String seconds(long ms) {
    return String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
  }
}
