package dev.loadfleet.merge;

import java.io.IOException;

/** A file that is not a readable Gatling 3.15.1 simulation.log, or logs that cannot be merged. */
public final class InvalidLogException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidLogException(String message) {
    super(message);
  }
}
