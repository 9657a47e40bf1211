package dev.loadfleet.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The live view: appended lines for logs, one redrawn screen on a terminal. */
class TerminalViewTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void withoutATerminalEveryPollAppendsItsTableAndEveryEventItsLineWithNoEscapes() {
    Boards run = new Boards(T0, "lf-inj1", "lf-inj2");
    StringWriter text = new StringWriter();
    TerminalView view = TerminalView.plain(new PrintWriter(text));
    view.show(run.poll(2000));
    view.event("lf-inj2 lost: no answer for 15 s");
    view.show(run.poll(2000));
    String out = text.toString();
    assertFalse(out.contains("\u001b"), "no escape sequence in a log:\n" + out);
    assertEquals(2, out.split("\n  total", -1).length - 1, "one table a poll:\n" + out);
    assertTrue(out.indexOf("lf-inj2 lost") < out.lastIndexOf("  total"), out);
    // the latency columns join the counts
    assertTrue(out.contains("upload p50/95/99 ms"), out);
    assertTrue(out.contains("heartbeat p50/95/99 ms"), out);
    Frame.RequestFigures up = run.board.latest().fleet().interval().byRequest().get("upload");
    assertTrue(out.contains(up.p50() + "/" + up.p95() + "/" + up.p99()), out);
  }

  @Test
  void onATerminalEachPollRedrawsTheSameScreenInPlaceWithTheEventsAtItsFoot() {
    Boards run = new Boards(T0, "lf-inj1", "lf-inj2");
    StringWriter text = new StringWriter();
    TerminalView view =
        TerminalView.tty(new PrintWriter(text), () -> Optional.of(new TerminalView.Size(40, 200)));
    view.show(run.poll(2000));
    String first = text.toString();
    int lines = first.split("\n", -1).length - 1;
    assertFalse(first.contains("\u001b[" + lines + "A"), "nothing to go back over the first time");
    view.event("lf-inj2 lost: no answer for 15 s");
    String second = text.toString().substring(first.length());
    assertTrue(second.startsWith("\r\u001b[" + lines + "A\r\u001b[J"), "back up and clear");
    assertTrue(second.contains("events:") && second.contains("lf-inj2 lost"), second);
    int lines2 = second.split("\n", -1).length - 1;
    view.show(run.poll(2000));
    String third = text.toString().substring(first.length() + second.length());
    assertTrue(third.startsWith("\r\u001b[" + lines2 + "A"), "over the screen with the event");
    assertTrue(third.contains("lf-inj2 lost"), "the event stays on screen");
  }

  @Test
  void aScreenNeverOutgrowsTheTerminal() {
    Boards run = new Boards(T0, "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8");
    StringWriter text = new StringWriter();
    TerminalView view =
        TerminalView.tty(new PrintWriter(text), () -> Optional.of(new TerminalView.Size(8, 60)));
    view.show(run.poll(2000));
    String out = text.toString();
    String[] lines = out.split("\n");
    assertEquals(7, lines.length, "rows - 1, leaving the cursor's row:\n" + out);
    for (String line : lines) {
      assertTrue(line.replaceAll("\u001b\\[[0-9]*[AJ]|\r", "").length() < 60, line);
    }
    assertTrue(lines[6].contains("more lines: enlarge the terminal"), lines[6]);
  }
}
