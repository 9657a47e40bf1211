package dev.loadfleet.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class HealthChartTest {
  private static final Saturation.Settings SETTINGS = Saturation.Settings.DEFAULTS;

  /** The four captured snapshots are one timeline (uptime 614.56 s to 617.14 s): 3 samples. */
  private static List<HealthSample> capturedSeries() {
    ProcSampler sampler = new ProcSampler(OptionalInt.of(14363), Optional.of("lo"));
    List<HealthSample> samples = new ArrayList<>();
    long t = 1_764_133_000_000L;
    for (String name :
        new String[] {
          "injector-blasting-1.txt", "injector-blasting-2.txt", "cpu-busy-1.txt", "cpu-busy-2.txt"
        }) {
      t += 1000;
      sampler.accept(Fixtures.text(name), t).ifPresent(samples::add);
    }
    return samples;
  }

  @Test
  void aCapturedSeriesRendersAsWellFormedSvgWithAPointPerSample() throws Exception {
    List<HealthSample> samples = capturedSeries();
    assertEquals(3, samples.size());

    String svg = HealthChart.render("inj1", samples, 10_000_000_000L, List.of(), SETTINGS);
    Document doc = parse(svg);

    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertFalse(svg.startsWith("<?xml"), "embeddable in HTML: no XML declaration");
    NodeList lines = doc.getElementsByTagNameNS("*", "polyline");
    assertEquals(3, lines.getLength(), "CPU, NIC and memory");
    for (int i = 0; i < lines.getLength(); i++) {
      String points = ((Element) lines.item(i)).getAttribute("points");
      assertEquals(3, points.split(" ").length, points);
    }
    assertEquals(2, byClass(doc, "line", "threshold"), "CPU 80 % and NIC 90 %");
    assertEquals(0, byClass(doc, "rect", "saturated"));
    assertTrue(svg.contains("NIC sent, % of 10 Gbit/s"), svg);
  }

  @Test
  void saturatedStretchesAreShadedOnTheirPanel() throws Exception {
    List<HealthSample> samples = SyntheticSeries.cpu(40, 90, 95, 92, 30, 85, 85, 85, 85, 20);
    List<SaturationFlag> flags =
        Saturation.detect(samples, SyntheticSeries.GBPS, 0, Long.MAX_VALUE, SETTINGS);
    assertEquals(2, flags.size());

    Document doc =
        parse(HealthChart.render("inj2", samples, SyntheticSeries.GBPS, flags, SETTINGS));

    assertEquals(2, byClass(doc, "rect", "saturated"));
    NodeList titles = doc.getElementsByTagNameNS("*", "title");
    assertEquals(flags.get(0).describe(), titles.item(0).getTextContent());
    String points =
        ((Element) doc.getElementsByTagNameNS("*", "polyline").item(0)).getAttribute("points");
    assertEquals(10, points.split(" ").length);
  }

  @Test
  void aHostNameWithMarkupIsEscaped() throws Exception {
    Document doc =
        parse(
            HealthChart.render(
                "a<b>&\"c\"",
                SyntheticSeries.cpu(10, 20),
                SyntheticSeries.GBPS,
                List.of(),
                SETTINGS));

    assertEquals(
        "Injector health: a<b>&\"c\"",
        doc.getElementsByTagNameNS("*", "text").item(0).getTextContent());
  }

  @Test
  void noSamplesSaysSoInsteadOfAnEmptyChart() throws Exception {
    String svg = HealthChart.render("inj3", List.of(), SyntheticSeries.GBPS, List.of(), SETTINGS);

    assertEquals(0, parse(svg).getElementsByTagNameNS("*", "polyline").getLength());
    assertTrue(svg.contains("No health samples"), svg);
  }

  @Test
  void anUndeclaredNicSpeedIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> HealthChart.render("inj4", SyntheticSeries.cpu(10), 0, List.of(), SETTINGS));
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
  }

  private static int byClass(Document doc, String tag, String cssClass) {
    NodeList nodes = doc.getElementsByTagNameNS("*", tag);
    int count = 0;
    for (int i = 0; i < nodes.getLength(); i++) {
      if (cssClass.equals(((Element) nodes.item(i)).getAttribute("class"))) {
        count++;
      }
    }
    return count;
  }
}
