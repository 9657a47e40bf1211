package dev.loadfleet.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The injector bundle archive built by {@code ./mvnw package}; its sha256 names it on the hosts
 * ({@code <baseDir>/bundles/<sha256>/}), so an unchanged build is never sent twice.
 */
public record Bundle(Path archive, String sha256, long bytes) {
  /**
   * Set by bin/loadfleet: the unpacked bundle the launcher runs from; the archive sits beside it.
   */
  public static final String HOME_PROPERTY = "loadfleet.home";

  public static Bundle of(Path archive) throws IOException {
    if (!Files.isRegularFile(archive)) {
      throw new IOException("no injector bundle at " + archive + "; build it with ./mvnw package");
    }
    try (InputStream in = Files.newInputStream(archive)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return new Bundle(archive, HexFormat.of().formatHex(digest.digest()), Files.size(archive));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The archive given, else {@code <loadfleet.home>.tar.gz} (target/loadfleet-bundle.tar.gz beside
   * target/loadfleet-bundle/), else target/loadfleet-bundle.tar.gz under the working directory.
   */
  public static Path locate(Optional<Path> explicit) {
    if (explicit.isPresent()) {
      return explicit.get();
    }
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null) {
      return Path.of(home + ".tar.gz");
    }
    return Path.of("target", "loadfleet-bundle.tar.gz");
  }
}
