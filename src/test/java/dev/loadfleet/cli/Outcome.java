package dev.loadfleet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What one launcher command did, run in this JVM: its exit code and what it wrote. */
record Outcome(int code, String out, String err) {
  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.standard().run(new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }
}
