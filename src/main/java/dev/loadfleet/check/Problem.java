package dev.loadfleet.check;

/** Something wrong with a host, and what the operator does about it. */
public record Problem(String what, String fix) {
  @Override
  public String toString() {
    return what + " -> " + fix;
  }
}
