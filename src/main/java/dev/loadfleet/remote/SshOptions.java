package dev.loadfleet.remote;

import java.io.Console;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the launcher connects: which known_hosts, whether unknown host keys are trusted on first use,
 * and where key passphrases come from (never the inventory).
 */
public record SshOptions(
    Path knownHosts, boolean acceptNew, Duration connectTimeout, Passphrases passphrases) {
  /** The environment variable a key passphrase may come from (else a prompt on the terminal). */
  public static final String PASSPHRASE_ENV = "LOADFLEET_KEY_PASSPHRASE";

  public static SshOptions of(Path knownHosts, boolean acceptNew) {
    return new SshOptions(
        knownHosts, acceptNew, Duration.ofSeconds(10), Passphrases.fromEnvironmentOrConsole());
  }

  /** Passphrases for encrypted keys, asked at most once per key file. Held in memory only. */
  public static final class Passphrases {
    private final Optional<String> fromEnvironment;
    private final Console console;
    private final Map<Path, char[]> asked = new ConcurrentHashMap<>();

    private Passphrases(Optional<String> fromEnvironment, Console console) {
      this.fromEnvironment = fromEnvironment;
      this.console = console;
    }

    /** A passphrase handed over by the caller (tests; tools that got it from a secret store). */
    public static Passphrases given(String passphrase) {
      return new Passphrases(Optional.of(passphrase), null);
    }

    /** No passphrase at all: an encrypted key fails with a message saying how to give one. */
    public static Passphrases none() {
      return new Passphrases(Optional.empty(), null);
    }

    public static Passphrases fromEnvironmentOrConsole() {
      return new Passphrases(Optional.ofNullable(System.getenv(PASSPHRASE_ENV)), System.console());
    }

    /**
     * The passphrase for {@code keyFile}, or empty when there is neither the variable nor a
     * terminal.
     */
    synchronized Optional<char[]> forKey(Path keyFile) {
      if (fromEnvironment.isPresent()) {
        return Optional.of(fromEnvironment.get().toCharArray());
      }
      if (console == null) {
        return Optional.empty();
      }
      return Optional.ofNullable(
          asked.computeIfAbsent(keyFile, k -> console.readPassword("Passphrase for %s: ", k)));
    }
  }
}
