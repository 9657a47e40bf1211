package dev.loadfleet.remote;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Host key checking against an OpenSSH known_hosts file, the way {@code ssh} does it: unknown key
 * refused (or trusted on first use and recorded with accept-new), changed key always refused.
 * sshj's {@link OpenSSHKnownHosts} parses the file and writes {@code [host]:port} names for
 * non-default ports; this class only decides, and remembers why it refused so the caller can say it
 * with both fingerprints.
 */
final class KnownHosts extends OpenSSHKnownHosts {
  /** Serializes appends from the hosts connecting in parallel. */
  private static final Object WRITE_LOCK = new Object();

  private final boolean acceptNew;
  private final AtomicReference<HostKeyException> refusal = new AtomicReference<>();

  private KnownHosts(File file, boolean acceptNew) throws IOException {
    super(file);
    this.acceptNew = acceptNew;
  }

  static KnownHosts open(Path file, boolean acceptNew) throws IOException {
    if (!Files.exists(file)) {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.createFile(file);
    }
    return new KnownHosts(file.toFile(), acceptNew);
  }

  /** Why the last verification failed, if it did. */
  HostKeyException refusal() {
    return refusal.get();
  }

  @Override
  protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
    String fingerprint = fingerprint(key);
    if (!acceptNew) {
      refusal.set(
          new HostKeyException(
              "host key for "
                  + hostname
                  + " is unknown: "
                  + KeyType.fromKey(key)
                  + " "
                  + fingerprint
                  + "; if that is the host's key (compare with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on it), "
                  + "run again with --accept-new or add it with `ssh-keyscan -p PORT HOST >> "
                  + getFile()
                  + "`",
              false));
      return false;
    }
    try {
      synchronized (WRITE_LOCK) {
        write(new HostEntry(null, hostname, KeyType.fromKey(key), key));
      }
      return true;
    } catch (IOException e) {
      refusal.set(
          new HostKeyException(
              "could not record the host key of "
                  + hostname
                  + " in "
                  + getFile()
                  + ": "
                  + e.getMessage(),
              false));
      return false;
    }
  }

  @Override
  protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
    String old = "?";
    for (KnownHostEntry entry : entries()) {
      try {
        if (entry.appliesTo(KeyType.fromKey(key), hostname)) {
          old = fingerprintOfLine(entry.getLine());
          break;
        }
      } catch (IOException ignored) {
        // an unreadable entry cannot be the old key's; keep looking
      }
    }
    refusal.set(
        new HostKeyException(
            "HOST KEY CHANGED for "
                + hostname
                + ": known_hosts "
                + getFile()
                + " has "
                + old
                + ", the host offers "
                + KeyType.fromKey(key)
                + " "
                + fingerprint(key)
                + ". Someone may be intercepting the connection, or the host was "
                + "reinstalled; if you have verified the new key, remove the old one with `ssh-keygen -R '"
                + hostname
                + "' -f "
                + getFile()
                + "` and run again with --accept-new",
            true));
    return false;
  }

  /** OpenSSH's SHA256 fingerprint: {@code SHA256:} + unpadded base64 of the key blob's digest. */
  static String fingerprint(PublicKey key) {
    return sha256(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
  }

  private static String fingerprintOfLine(String line) {
    String[] parts = line.trim().split("\\s+");
    return parts.length >= 3 ? parts[1] + " " + sha256(Base64.getDecoder().decode(parts[2])) : line;
  }

  private static String sha256(byte[] blob) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:"
          + new String(
              Base64.getEncoder().withoutPadding().encode(digest), StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
