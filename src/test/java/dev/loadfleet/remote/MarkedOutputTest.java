package dev.loadfleet.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MarkedOutputTest {
  @Test
  void linesAroundTheMarkersAreIgnored() {
    MarkedOutput out =
        MarkedOutput.parse(
            "Welcome to host0\n"
                + "@@loadfleet status\nrunning\n\n"
                + "@@loadfleet pid\n"
                + "@@loadfleet end\n"
                + "logout: bye\n");
    assertTrue(out.complete());
    assertEquals(Optional.of("running"), out.first("status"));
    assertEquals(List.of(), out.lines("pid"), "a marker with nothing after it");
    assertTrue(out.section("pid").isPresent());
    assertTrue(out.section("progress").isEmpty(), "never printed");
  }

  @Test
  void outputWithoutItsEndIsCutShort() {
    MarkedOutput out = MarkedOutput.parse("@@loadfleet status\nrunning\n");
    assertFalse(out.complete());
    assertEquals("@@loadfleet status\nrunning\n", out.head());
  }

  @Test
  void aMarkerAfterAFileWithoutItsFinalLineBreakStillStartsTheNextSection() {
    MarkedOutput out =
        MarkedOutput.parse("@@loadfleet progress\n{\"time\":1}@@loadfleet end\nbye\n");
    assertTrue(out.complete());
    assertEquals(List.of("{\"time\":1}"), out.lines("progress"));
  }

  @Test
  void markersAreQuoteFreeCommands() {
    assertEquals("echo @@loadfleet net/dev", MarkedOutput.mark("net/dev"));
    assertEquals("echo @@loadfleet end", MarkedOutput.END);
    assertThrows(IllegalArgumentException.class, () -> MarkedOutput.mark("a b"));
    assertThrows(IllegalArgumentException.class, () -> MarkedOutput.mark("x;rm"));
  }
}
