package dev.loadfleet.health;

import dev.loadfleet.units.LinkSpeed;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Draws one host's health over time as an inline SVG for its report page: three stacked panels (CPU
 * busy %, NIC sent as % of the declared speed, memory used %), the saturation thresholds as dashed
 * lines and the saturated stretches shaded. Built as a DOM and serialised by the JDK, so the host
 * name and every label are escaped and the result is well-formed XML.
 */
public final class HealthChart {
  private static final String SVG_NS = "http://www.w3.org/2000/svg";
  private static final int WIDTH = 760;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 34;
  private static final int PANEL = 110;
  private static final int GAP = 34;
  private static final String HOT = "#d62728";

  private HealthChart() {}

  /**
   * @param host the host's name, shown in the title
   * @param samples the host's samples in time order
   * @param nicBitsPerSecond the host's declared NIC speed (the NIC panel's 100 %), above 0
   * @param flags the host's saturated stretches, from {@link Saturation#detect}
   * @param settings the thresholds the flags were detected with, drawn as dashed lines
   * @return an {@code <svg>} element without XML declaration, to embed in HTML
   */
  public static String render(
      String host,
      List<HealthSample> samples,
      long nicBitsPerSecond,
      List<SaturationFlag> flags,
      Saturation.Settings settings) {
    if (nicBitsPerSecond <= 0) {
      throw new IllegalArgumentException(
          "health chart for "
              + host
              + ": the NIC speed is "
              + nicBitsPerSecond
              + " bit/s; pass the declared speed (1 Gbit/s when the inventory has none)");
    }
    Document doc = newDocument();
    int height = TOP + 3 * (PANEL + GAP) + 6;
    Element svg = doc.createElementNS(SVG_NS, "svg");
    doc.appendChild(svg);
    svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + height);
    svg.setAttribute("width", String.valueOf(WIDTH));
    svg.setAttribute("height", String.valueOf(height));
    svg.setAttribute("font-family", "sans-serif");
    svg.setAttribute("font-size", "11");
    svg.setAttribute("role", "img");
    text(svg, LEFT, 18, "Injector health: " + host, "start").setAttribute("font-size", "14");
    if (samples.isEmpty()) {
      text(svg, LEFT, TOP + 20, "No health samples were recorded for this host.", "start");
      return serialise(doc);
    }
    Axis x = new Axis(samples, flags);
    Panel[] panels = {
      new Panel(
          "CPU busy %",
          HealthSample::cpuBusyPct, settings.cpuThresholdPct(), SaturationFlag.Kind.CPU, "#1f77b4"),
      new Panel(
          "NIC sent, % of " + LinkSpeed.format(nicBitsPerSecond),
          s -> s.nicTxPct(nicBitsPerSecond),
          settings.nicThresholdPct(),
          SaturationFlag.Kind.NIC,
          "#2ca02c"),
      new Panel("Memory used %", HealthSample::memUsedPct, Double.NaN, null, "#9467bd"),
    };
    for (int i = 0; i < panels.length; i++) {
      panels[i].draw(svg, TOP + i * (PANEL + GAP), x, samples, flags);
    }
    x.drawTicks(svg, TOP + 2 * (PANEL + GAP) + PANEL);
    return serialise(doc);
  }

  /** One stacked panel: a frame, a 0-100 % (or more) scale, threshold, shading and the line. */
  private record Panel(
      String label,
      ToDoubleFunction<HealthSample> value,
      double threshold,
      SaturationFlag.Kind kind,
      String colour) {

    void draw(
        Element svg, int top, Axis x, List<HealthSample> samples, List<SaturationFlag> flags) {
      double peak = samples.stream().mapToDouble(value).max().orElse(0);
      // A NIC declared too slow can run above 100 %: stretch the scale rather than clip the line.
      double max = Math.max(100, Math.ceil(peak / 10) * 10);
      Element g = child(svg, "g");
      g.setAttribute("class", "panel");
      text(
          g,
          LEFT,
          top - 6,
          label + (Double.isNaN(threshold) ? "" : " (flagged above " + fmt(threshold) + " %)"),
          "start");
      Element frame = child(g, "rect");
      attrs(frame, "x", LEFT, "y", top, "width", x.width(), "height", PANEL);
      frame.setAttribute("fill", "none");
      frame.setAttribute("stroke", "#999");
      for (SaturationFlag f : flags) {
        if (f.kind() == kind) {
          Element band = child(g, "rect");
          band.setAttribute("class", "saturated");
          double from = x.at(f.fromMs());
          attrs(
              band,
              "x",
              from,
              "y",
              top,
              "width",
              Math.max(1, x.at(f.toMs()) - from),
              "height",
              PANEL);
          band.setAttribute("fill", HOT);
          band.setAttribute("fill-opacity", "0.15");
          child(band, "title").setTextContent(f.describe());
        }
      }
      for (double mark : new double[] {0, max / 2, max}) {
        text(g, LEFT - 4, y(top, mark, max) + 4, fmt(mark), "end");
      }
      if (!Double.isNaN(threshold)) {
        Element line = child(g, "line");
        line.setAttribute("class", "threshold");
        attrs(
            line,
            "x1",
            LEFT,
            "x2",
            LEFT + x.width(),
            "y1",
            y(top, threshold, max),
            "y2",
            y(top, threshold, max));
        line.setAttribute("stroke", HOT);
        line.setAttribute("stroke-dasharray", "5 4");
      }
      StringBuilder points = new StringBuilder();
      for (HealthSample s : samples) {
        points
            .append(fmt(x.at(s.timeMs())))
            .append(',')
            .append(fmt(y(top, value.applyAsDouble(s), max)))
            .append(' ');
      }
      Element line = child(g, "polyline");
      line.setAttribute("points", points.toString().trim());
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", colour);
      line.setAttribute("stroke-width", "1.5");
    }

    private static double y(int top, double value, double max) {
      return top + PANEL - Math.max(0, value) / max * PANEL;
    }
  }

  /** The shared time axis: from the first sample's period start to the last sample. */
  private record Axis(long fromMs, long toMs) {
    Axis(List<HealthSample> samples, List<SaturationFlag> flags) {
      this(
          Math.min(
              samples.get(0).fromMs(),
              flags.stream().mapToLong(SaturationFlag::fromMs).min().orElse(Long.MAX_VALUE)),
          samples.get(samples.size() - 1).timeMs());
    }

    int width() {
      return WIDTH - LEFT - RIGHT;
    }

    double at(long ms) {
      long span = Math.max(1, toMs - fromMs);
      return LEFT + (double) (ms - fromMs) / span * width();
    }

    void drawTicks(Element svg, int bottom) {
      for (int i = 0; i <= 4; i++) {
        long ms = fromMs + (toMs - fromMs) * i / 4;
        long s = (ms - fromMs) / 1000;
        String label = String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        text(svg, at(ms), bottom + 14, label, i == 0 ? "start" : i == 4 ? "end" : "middle");
      }
      text(svg, LEFT + width() / 2.0, bottom + 28, "time since the first sample (m:ss)", "middle");
    }
  }

  private static Element text(Element parent, double x, double y, String content, String anchor) {
    Element t = child(parent, "text");
    attrs(t, "x", x, "y", y);
    t.setAttribute("text-anchor", anchor);
    t.setTextContent(content);
    return t;
  }

  private static Element child(Element parent, String name) {
    Element e = parent.getOwnerDocument().createElementNS(SVG_NS, name);
    parent.appendChild(e);
    return e;
  }

  /** Sets numeric attributes given as name, value pairs. */
  private static void attrs(Element e, Object... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      e.setAttribute((String) pairs[i], fmt(((Number) pairs[i + 1]).doubleValue()));
    }
  }

  private static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static Document newDocument() {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML support is missing", e);
    }
  }

  private static String serialise(Document doc) {
    try {
      var transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException("the JDK could not serialise an SVG it built", e);
    }
  }
}
