package dev.loadfleet.remote;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The fingerprint OpenSSH's own ssh-keygen prints for a public key file: the independent answer.
 */
final class KnownHostsFingerprints {
  private KnownHostsFingerprints() {}

  static String of(Path publicKey) throws Exception {
    Process p =
        new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out.split("\\s+")[1];
  }
}
