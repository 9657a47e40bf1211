package dev.loadfleet.remote;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the launcher connects: which known_hosts, whether unknown host keys are trusted on first use,
 * how long a connection may take, and the keys it logs in with (never from the inventory's text:
 * passphrases come from the environment or the terminal).
 */
public record SshOptions(
    Path knownHosts, boolean acceptNew, Duration connectTimeout, Credentials credentials) {
  /** The environment variable a key passphrase may come from (else a prompt on the terminal). */
  public static final String PASSPHRASE_ENV = Credentials.PASSPHRASE_ENV;

  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The operator's own setup: passphrase variable or terminal, ssh-agent, ~/.ssh default keys. */
  public static SshOptions of(Path knownHosts, boolean acceptNew) {
    return new SshOptions(knownHosts, acceptNew, CONNECT_TIMEOUT, Credentials.fromEnvironment());
  }
}
