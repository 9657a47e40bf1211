package dev.loadfleet.remote;

/** A host key was refused: unknown (not in known_hosts) or changed. The fix says what to do. */
public final class HostKeyException extends SshFailure {
  public HostKeyException(boolean changed, String what, String fix) {
    super(changed ? Kind.HOST_KEY_CHANGED : Kind.HOST_KEY_UNKNOWN, what, fix);
  }

  /** True when known_hosts holds a different key for the host: never accepted automatically. */
  public boolean changed() {
    return kind() == Kind.HOST_KEY_CHANGED;
  }
}
