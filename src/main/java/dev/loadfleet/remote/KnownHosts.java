package dev.loadfleet.remote;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Host key checking against an OpenSSH known_hosts file, the way {@code ssh} does it: unknown key
 * refused (or trusted on first use and recorded with accept-new), changed key always refused.
 * sshj's {@link OpenSSHKnownHosts} parses the file and writes {@code [host]:port} names for
 * non-default ports; this class only decides, and remembers why it refused so the caller can say it
 * with both fingerprints and the exact command that fixes it.
 *
 * <p>A missing known_hosts is read as empty and never created just by reading it: only accept-new
 * creates it (and its directory, mode 0700, like {@code ssh}), once, when it records a first key.
 */
final class KnownHosts extends OpenSSHKnownHosts {
  /** Serializes creating and appending from the hosts connecting in parallel. */
  private static final Object WRITE_LOCK = new Object();

  private final Path path;
  private final boolean acceptNew;
  private final AtomicReference<HostKeyException> refusal = new AtomicReference<>();

  private KnownHosts(Path path, boolean acceptNew) throws IOException {
    super(path.toFile());
    this.path = path;
    this.acceptNew = acceptNew;
  }

  static KnownHosts open(Path file, boolean acceptNew) throws IOException {
    Path path = file.toAbsolutePath().normalize();
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw new SshFailure(
          SshFailure.Kind.HOST_KEY_UNKNOWN,
          "known_hosts " + path + " is not a regular file",
          "give --known-hosts (or the inventory's knownHosts) a file, e.g. ~/.ssh/known_hosts");
    }
    return new KnownHosts(path, acceptNew);
  }

  /** Why the last verification failed, if it did. */
  HostKeyException refusal() {
    return refusal.get();
  }

  @Override
  protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
    String offered = KeyType.fromKey(key) + " " + fingerprint(key);
    if (!acceptNew) {
      refusal.set(
          new HostKeyException(
              false,
              "host key of "
                  + hostname
                  + " is unknown: "
                  + offered
                  + (Files.exists(path) ? "" : " (" + path + " does not exist yet)"),
              "if that is the host's key (compare `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on"
                  + " the host), run again with --accept-new to record it in "
                  + path));
      return false;
    }
    try {
      synchronized (WRITE_LOCK) {
        create(path);
        write(new HostEntry(null, hostname, KeyType.fromKey(key), key));
      }
      return true;
    } catch (IOException e) {
      refusal.set(
          new HostKeyException(
              false,
              "could not record the host key of "
                  + hostname
                  + " in "
                  + path
                  + " ("
                  + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                  + ")",
              "make " + path + " and its directory writable, or give another --known-hosts"));
      return false;
    }
  }

  /** Creates known_hosts and the directories it needs (0700 each, as ssh makes ~/.ssh). */
  private static void create(Path path) throws IOException {
    if (Files.exists(path)) {
      return;
    }
    List<Path> missing = new ArrayList<>();
    for (Path p = path.getParent(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path dir : missing) {
      try {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException raced) {
        // another launcher made it meanwhile: as good as ours
      }
    }
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      // likewise
    }
  }

  @Override
  protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
    String old = "another key";
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
            true,
            "HOST KEY CHANGED for "
                + hostname
                + ": "
                + path
                + " has "
                + old
                + ", the host offers "
                + KeyType.fromKey(key)
                + " "
                + fingerprint(key)
                + "; someone may be intercepting the connection, or the host was reinstalled",
            "if you have verified the new key on the host, remove the old one with `ssh-keygen -R '"
                + hostname
                + "' -f "
                + path
                + "` and run again with --accept-new"));
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

  @Override
  public File getFile() {
    return path.toFile();
  }
}
