package dev.loadfleet.live;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live view in the launcher's terminal: per host and for the fleet, students, counts, rates, KO
 * % and the response-time percentiles per request name of the last interval, the stop criteria, and
 * what happened to hosts.
 *
 * <p>On a terminal it redraws in place: one screen, clipped to the terminal's size, the latest
 * events at its foot, nothing scrolling; the output above it (the plan, the checks) stays. When the
 * output is not a terminal (a CI log, a pipe), each poll appends its table and each event its line,
 * with no escape sequence.
 */
public final class TerminalView {
  /** A terminal's size in characters. */
  public record Size(int rows, int columns) {}

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final int EVENTS = 5;
  private static final String ESC = "\u001b[";

  private final PrintWriter out;
  private final Supplier<Optional<Size>> size;
  private final boolean tty;
  private final Deque<String> events = new ArrayDeque<>();
  private String header = "";
  private int drawn;
  private Frame last;

  private TerminalView(PrintWriter out, boolean tty, Supplier<Optional<Size>> size) {
    this.out = out;
    this.tty = tty;
    this.size = size;
  }

  /** Appends a table each poll and a line each event: for logs and pipes. */
  public static TerminalView plain(PrintWriter out) {
    return new TerminalView(out, false, Optional::empty);
  }

  /** Redraws in place on a terminal whose size {@code size} tells (empty: 24 x 80). */
  public static TerminalView tty(PrintWriter out, Supplier<Optional<Size>> size) {
    return new TerminalView(out, true, size);
  }

  /** For the launcher's own output: in place when stdin and stdout are a terminal. */
  public static TerminalView forConsole(PrintWriter out) {
    return System.console() != null ? tty(out, TerminalView::ttySize) : plain(out);
  }

  public boolean inPlace() {
    return tty;
  }

  /** A line above the table, e.g. the run and where its dashboard is. */
  public synchronized void header(String text) {
    header = text;
  }

  /** Something that happened to a host: a line now, or on a terminal, at the view's foot. */
  public synchronized void event(String text) {
    String line = CLOCK.format(Instant.now()) + "  " + text;
    if (!tty) {
      out.println(line);
      out.flush();
      return;
    }
    events.addLast(line);
    while (events.size() > EVENTS) {
      events.removeFirst();
    }
    if (last != null) {
      draw(last);
    }
  }

  /** The figures of a poll. */
  public synchronized void show(Frame frame) {
    last = frame;
    draw(frame);
  }

  /** Ends the view: on a terminal the last screen stays and the output that follows goes below. */
  public synchronized void close() {
    if (tty && drawn > 0) {
      drawn = 0;
      out.flush();
    }
  }

  private void draw(Frame f) {
    List<String> lines = lines(f);
    if (!tty) {
      lines.forEach(out::println);
      out.flush();
      return;
    }
    Size s = size.get().orElse(new Size(24, 80));
    List<String> screen = new ArrayList<>(lines);
    if (!events.isEmpty()) {
      screen.add("  events:");
      events.forEach(e -> screen.add("  " + e));
    }
    // One screen: keep the first rows (the totals are near the top), leave a row for the cursor.
    int rows = Math.max(1, s.rows() - 1);
    if (screen.size() > rows) {
      List<String> kept = new ArrayList<>(screen.subList(0, rows - 1));
      kept.add("  ... " + (screen.size() - rows + 1) + " more lines: enlarge the terminal");
      screen.clear();
      screen.addAll(kept);
    }
    StringBuilder b = new StringBuilder();
    if (drawn > 0) {
      // Back to the first line of the previous screen, then clear to the end of the display.
      b.append('\r').append(ESC).append(drawn).append('A');
    }
    b.append('\r').append(ESC).append('J');
    for (String line : screen) {
      b.append(clip(line, s.columns() - 1)).append('\n');
    }
    out.print(b);
    out.flush();
    drawn = screen.size();
  }

  private static String clip(String line, int columns) {
    return line.length() <= columns ? line : line.substring(0, Math.max(0, columns));
  }

  /** The table of one frame, as plain lines. */
  static List<String> lines(Frame f, String header) {
    List<String> lines = new ArrayList<>();
    long elapsed = f.elapsedMs() / 1000;
    lines.add(
        CLOCK.format(Instant.ofEpochMilli(f.time()))
            + "  T"
            + (elapsed >= 0 ? "+" : "")
            + elapsed
            + "s  "
            + f.status()
            + (header.isEmpty() ? "" : "  " + header));
    Set<String> names = requestNames(f);
    StringBuilder head =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  %-16s %-9s %7s %9s %9s %7s %6s %8s %7s",
                "host",
                "state",
                "active",
                "started",
                "OK",
                "KO",
                "KO%",
                "req/s",
                "MB/s"));
    for (String name : names) {
      head.append(String.format(Locale.ROOT, "  %-17s", name + " p50/95/99 ms"));
    }
    head.append("  health");
    lines.add(head.toString());
    for (Frame.HostFigures h : f.hosts()) {
      lines.add(row(h.name(), h, h.figures(), names));
    }
    lines.add(row("total", null, f.fleet(), names));
    Frame.Window total = f.fleet().total();
    if (total != null) {
      StringBuilder since =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "  %-16s %-9s %7s %9s %9d %7d %6s %8.1f %7.2f",
                  "since start",
                  "",
                  "",
                  "",
                  total.requests() - total.ko(),
                  total.ko(),
                  pct(total.koPct()),
                  total.requestsPerSec(),
                  total.uploadMBps()));
      for (String name : names) {
        since.append("  ").append(percentiles(total.byRequest().get(name)));
      }
      lines.add(since.toString());
    }
    for (Frame.CriterionView c : f.criteria()) {
      lines.add(
          "  stop when "
              + c.name()
              + ": "
              + (c.value() == null ? "no figure yet" : c.value())
              + (c.fired()
                  ? "  FIRED"
                  : c.heldSeconds() == null
                      ? ""
                      : String.format(
                          Locale.ROOT,
                          "  held %.0f of %.0f s",
                          c.heldSeconds(),
                          c.windowSeconds())));
    }
    if (f.stop() != null) {
      lines.add("  stopping: " + f.stop());
    }
    if (f.report() != null) {
      lines.add("  report: " + f.report());
    }
    return lines;
  }

  private List<String> lines(Frame f) {
    return lines(f, header);
  }

  /** Every request name of the fleet's figures, sorted. */
  private static Set<String> requestNames(Frame f) {
    Set<String> names = new LinkedHashSet<>();
    if (f.fleet().total() != null) {
      names.addAll(f.fleet().total().byRequest().keySet());
    }
    if (f.fleet().interval() != null) {
      names.addAll(f.fleet().interval().byRequest().keySet());
    }
    return new java.util.TreeSet<>(names);
  }

  /** One row: a host (with its state and health) or the fleet total (host null). */
  private static String row(
      String name, Frame.HostFigures host, Frame.Figures figures, Set<String> names) {
    String state = host == null ? "" : host.state();
    StringBuilder b = new StringBuilder();
    if (figures == null) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %-16s %-9s %7s %9s %9s %7s %6s %8s %7s",
              name,
              state,
              "-",
              "-",
              "-",
              "-",
              "-",
              "-",
              "-"));
      for (int i = 0; i < names.size(); i++) {
        b.append(String.format(Locale.ROOT, "  %-17s", "-"));
      }
    } else {
      Frame.Window total = figures.total();
      Frame.Window interval = figures.interval();
      b.append(
          String.format(
              Locale.ROOT,
              "  %-16s %-9s %7d %9s %9d %7d %6s %8s %7s",
              name,
              state,
              figures.usersActive(),
              figures.usersStarted() + "/" + figures.usersPlanned(),
              total == null ? 0 : total.requests() - total.ko(),
              total == null ? 0 : total.ko(),
              interval == null ? "-" : pct(interval.koPct()),
              interval == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f", interval.requestsPerSec()),
              interval == null ? "-" : String.format(Locale.ROOT, "%.2f", interval.uploadMBps())));
      for (String n : names) {
        b.append("  ").append(percentiles(interval == null ? null : interval.byRequest().get(n)));
      }
    }
    if (host != null) {
      String note =
          host.lost()
              ? host.message()
              : host.healthNote() == null || host.healthNote().isEmpty() ? "" : host.healthNote();
      b.append("  ").append(note);
    }
    return b.toString().stripTrailing();
  }

  private static String percentiles(Frame.RequestFigures r) {
    if (r == null || r.p50() == null) {
      return String.format(Locale.ROOT, "%-17s", "-");
    }
    return String.format(Locale.ROOT, "%-17s", r.p50() + "/" + r.p95() + "/" + r.p99());
  }

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The terminal's size as {@code stty size} on /dev/tty reports it. */
  static Optional<Size> ttySize() {
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/tty").toFile()))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String[] parts =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
              .trim()
              .split("\\s+");
      if (parts.length == 2) {
        int rows = Integer.parseInt(parts[0]);
        int columns = Integer.parseInt(parts[1]);
        if (rows > 0 && columns > 0) {
          return Optional.of(new Size(rows, columns));
        }
      }
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
