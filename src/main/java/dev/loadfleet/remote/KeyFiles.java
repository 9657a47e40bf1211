package dev.loadfleet.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a private key file must be before anything reads it: a regular, readable file of the size a
 * key has. Checked before connecting, so that {@code keyFile: /dev/zero} is refused instead of read
 * until memory runs out, and a directory is refused before any host is touched.
 */
public final class KeyFiles {
  /** Far above any OpenSSH or PuTTY private key (an RSA 16384 key is about 13 KiB). */
  static final long MAX_BYTES = 64 * 1024;

  private KeyFiles() {}

  /** What is wrong with {@code file} as a private key, or empty when it may be read. */
  public static Optional<String> problem(Path file) {
    if (!Files.exists(file)) {
      return Optional.of(
          file
              + " does not exist"
              + (Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? " (a broken link)" : ""));
    }
    if (Files.isDirectory(file)) {
      return Optional.of(file + " is a directory, not a private key file");
    }
    if (!Files.isRegularFile(file)) {
      return Optional.of(
          file + " is not a regular file (a device, pipe or socket), not a private key");
    }
    if (!Files.isReadable(file)) {
      return Optional.of(file + " is not readable by " + System.getProperty("user.name"));
    }
    try {
      long size = Files.size(file);
      if (size == 0) {
        return Optional.of(file + " is empty, not a private key");
      }
      if (size > MAX_BYTES) {
        return Optional.of(
            file
                + " is "
                + size
                + " bytes, more than any SSH private key (at most "
                + MAX_BYTES
                + ")");
      }
    } catch (IOException e) {
      return Optional.of(file + " cannot be read (" + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  /** The fix for a {@link #problem}: make a key there, or name the right one. */
  public static String fix(Path file) {
    return "name an existing private key in keyFile, or create one with `ssh-keygen -t ed25519 -f "
        + file
        + "` and install it on the host with `ssh-copy-id -i "
        + file
        + ".pub USER@HOST`";
  }
}
