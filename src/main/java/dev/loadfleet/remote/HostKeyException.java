package dev.loadfleet.remote;

import java.io.IOException;

/** A host key was refused: unknown (not in known_hosts) or changed. The message says what to do. */
public final class HostKeyException extends IOException {
  private final boolean changed;

  public HostKeyException(String message, boolean changed) {
    super(message);
    this.changed = changed;
  }

  /** True when known_hosts holds a different key for the host: never accepted automatically. */
  public boolean changed() {
    return changed;
  }
}
