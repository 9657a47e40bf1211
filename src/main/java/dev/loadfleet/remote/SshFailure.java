package dev.loadfleet.remote;

import java.io.IOException;

/**
 * Something that failed on or on the way to a host, for a reason the operator can act on (the
 * connection, the login, or a remote step such as writing the bundle): what went wrong, in one
 * sentence naming the host, and the fix, kept apart so that {@code check} can print them on their
 * own lines. {@link #getMessage()} joins both.
 */
public class SshFailure extends IOException {
  /** The classes of failure; each has its own sentence and fix. */
  public enum Kind {
    /** Nothing listens on the port (TCP RST). */
    REFUSED,
    /** No answer within the connect timeout. */
    TIMEOUT,
    /** The host name does not resolve. */
    UNKNOWN_HOST,
    /** No route to the address (down link, wrong subnet). */
    NO_ROUTE,
    /** The SSH handshake itself failed (not SSH on that port, no common algorithm, cut). */
    HANDSHAKE,
    /** known_hosts has no key for the host. */
    HOST_KEY_UNKNOWN,
    /** known_hosts has another key for the host. */
    HOST_KEY_CHANGED,
    /** The key file is missing, unreadable, not a key, or its passphrase is missing or wrong. */
    KEY,
    /** The server refused every key offered. */
    AUTH_REJECTED,
    /** The login shell did not run the launcher's command. */
    LOGIN_SHELL,
    /** The user may not write where the launcher must (or the file system is read-only). */
    PERMISSION,
    /** No space left on the remote file system. */
    DISK_FULL,
    /** A remote command failed or is missing. */
    COMMAND
  }

  private final Kind kind;
  private final String what;
  private final String fix;

  public SshFailure(Kind kind, String what, String fix) {
    this(kind, what, fix, null);
  }

  public SshFailure(Kind kind, String what, String fix, Throwable cause) {
    super(what + "; " + fix, cause);
    this.kind = kind;
    this.what = what;
    this.fix = fix;
  }

  public Kind kind() {
    return kind;
  }

  /** What went wrong, naming the host. */
  public String what() {
    return what;
  }

  /** What the operator does about it: a command to run or a setting to change. */
  public String fix() {
    return fix;
  }
}
