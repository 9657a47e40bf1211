package dev.loadfleet.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code check} table's layout: every column lines up, whatever its values' widths. */
class CheckerTableTest {
  private static final List<String> HEADERS =
      List.of(
          "host",
          "ssh",
          "shell",
          "java",
          "cpus",
          "mem avail",
          "disk free",
          "nofile",
          "clockOffsetMs",
          "target",
          "status");

  @Test
  void aValueWiderThanItsHeaderDoesNotShiftTheColumns() {
    HostReport wide =
        report(
            "inj1",
            "20000/20000",
            "+12 ms ±3 ms behind-the-reference-clock",
            List.of(new Problem("nofile 20000 is low", "raise it")));
    HostReport narrow = report("a-much-longer-host-name", "1024", "+0 ms", List.of());

    List<String> lines = print(wide, narrow);
    String header = lines.get(0);
    String wideRow = lines.get(1);
    String narrowRow = lines.get(4);
    assertEquals("    inj1: nofile 20000 is low", lines.get(2));
    assertEquals("      fix: raise it", lines.get(3));
    assertEquals("1 of 2 hosts not ready", lines.get(lines.size() - 1));

    List<String> wideCells =
        List.of(
            "inj1",
            "OK",
            "bash",
            "17",
            "2",
            "3.1 GB",
            "40.0 GB",
            "20000/20000",
            "+12 ms ±3 ms behind-the-reference-clock",
            "HTTP 204",
            "FAIL");
    List<String> narrowCells =
        List.of(
            "a-much-longer-host-name",
            "OK",
            "zsh",
            "17",
            "2",
            "3.1 GB",
            "40.0 GB",
            "1024",
            "+0 ms",
            "HTTP 204",
            "OK");
    int from = 0;
    for (int i = 0; i < HEADERS.size(); i++) {
      int column = header.indexOf(HEADERS.get(i), from);
      assertEquals(column, wideRow.indexOf(wideCells.get(i), from), "column " + HEADERS.get(i));
      assertEquals(column, narrowRow.indexOf(narrowCells.get(i), from), "column " + HEADERS.get(i));
      from = column + 1;
    }
    // Two spaces between columns, as wide as the widest cell, no more.
    assertEquals(
        "host                     ssh  shell  java  cpus  mem avail  "
            + "disk free  nofile       clockOffsetMs                            target    status",
        header);
  }

  private static HostReport report(
      String host, String nofile, String clock, List<Problem> problems) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("ssh", "OK");
    facts.put("shell", host.equals("inj1") ? "bash" : "zsh");
    facts.put("java", "17");
    facts.put("cpus", "2");
    facts.put("mem avail", "3.1 GB");
    facts.put("disk free", "40.0 GB");
    facts.put("nofile", nofile);
    facts.put(Checker.CLOCK, clock);
    facts.put("target", "HTTP 204");
    return new HostReport(host, facts, problems, Optional.empty());
  }

  private static List<String> print(HostReport... reports) {
    StringWriter table = new StringWriter();
    Checker.print(List.of(reports), new PrintWriter(table));
    return table.toString().lines().toList();
  }
}
