package dev.loadfleet.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RemoteHostTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  @AfterEach
  void restoreKnownHosts() throws Exception {
    HOSTS.writeKnownHosts();
  }

  @Test
  void runsQuotedCommandsAndDrainsBothStreams() throws Exception {
    try (RemoteHost host =
        RemoteHost.connect(HOSTS.get(0).spec(), SshOptions.of(HOSTS.knownHosts(), false))) {
      String hostile = "a'b; rm -rf / $(echo x) `id`";
      ExecResult r =
          host.exec(
              "printf %s "
                  + Shell.quote(hostile)
                  + "; head -c 300000 /dev/zero | tr '\\0' e >&2; exit 3",
              Duration.ofSeconds(20));
      assertEquals(hostile, r.stdout());
      assertEquals(300_000, r.stderr().length(), "stderr drained while the command ran (sshj#508)");
      assertEquals(3, r.exitStatus().orElseThrow());
      assertEquals(
          HOSTS.get(0).home().toString(), host.exec("pwd", Duration.ofSeconds(10)).stdout().trim());
    }
  }

  @Test
  void uploadsAndDownloads() throws Exception {
    Path local = tmp.resolve("data.bin");
    byte[] bytes = new byte[3_000_000];
    new java.util.Random(1).nextBytes(bytes);
    Files.write(local, bytes);
    try (RemoteHost host =
        RemoteHost.connect(HOSTS.get(1).spec(), SshOptions.of(HOSTS.knownHosts(), false))) {
      long[] seen = {0};
      String remote = HOSTS.get(1).home().resolve("up.bin").toString();
      host.upload(local, remote, n -> seen[0] = n);
      assertEquals(bytes.length, seen[0]);
      host.download(remote, tmp.resolve("back.bin"));
      assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(tmp.resolve("back.bin"))));
    }
  }

  @Test
  void unknownHostKeyIsRefusedWithItsFingerprint() throws Exception {
    Files.write(HOSTS.knownHosts(), List.of());
    HostKeyException e =
        assertThrows(
            HostKeyException.class,
            () ->
                RemoteHost.connect(HOSTS.get(0).spec(), SshOptions.of(HOSTS.knownHosts(), false)));
    assertFalse(e.changed());
    assertTrue(
        e.getMessage().contains("unknown")
            && e.getMessage().contains("SHA256:")
            && e.getMessage().contains("--accept-new"),
        e.getMessage());
    assertEquals(0, Files.size(HOSTS.knownHosts()), "nothing recorded without --accept-new");
  }

  @Test
  void acceptNewRecordsTheKeyUnderHostAndPort() throws Exception {
    Files.write(HOSTS.knownHosts(), List.of());
    try (RemoteHost host =
        RemoteHost.connect(HOSTS.get(0).spec(), SshOptions.of(HOSTS.knownHosts(), true))) {
      assertTrue(host.isConnected());
    }
    String recorded = Files.readString(HOSTS.knownHosts());
    assertTrue(
        recorded.startsWith("[127.0.0.1]:" + HOSTS.get(0).port() + " ecdsa-sha2-nistp256 "),
        recorded);
    // and now it is known: a strict connection succeeds
    try (RemoteHost host =
        RemoteHost.connect(HOSTS.get(0).spec(), SshOptions.of(HOSTS.knownHosts(), false))) {
      assertTrue(host.isConnected());
    }
  }

  @Test
  void changedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
    // host0 really has key A; known_hosts claims key B
    Files.write(HOSTS.knownHosts(), List.of(HOSTS.knownHostsLine(0, "host-key-b")));
    HostKeyException e =
        assertThrows(
            HostKeyException.class,
            () -> RemoteHost.connect(HOSTS.get(0).spec(), SshOptions.of(HOSTS.knownHosts(), true)));
    assertTrue(e.changed());
    String fingerprintA = KnownHostsFingerprints.of(SshHosts.resource("host-key-a.pub"));
    String fingerprintB = KnownHostsFingerprints.of(SshHosts.resource("host-key-b.pub"));
    assertTrue(
        e.getMessage().contains(fingerprintA) && e.getMessage().contains(fingerprintB),
        e.getMessage());
  }

  @Test
  void unreachableHostSaysSo() {
    var spec = HOSTS.get(0).spec();
    var closed =
        new dev.loadfleet.config.HostSpec(
            "gone", "127.0.0.1", 1, spec.user(), spec.keyFile(), spec.jump(), spec.baseDir(), 1, 0);
    var e =
        assertThrows(
            java.io.IOException.class,
            () -> RemoteHost.connect(closed, SshOptions.of(HOSTS.knownHosts(), false)));
    assertTrue(e.getMessage().contains("cannot reach 127.0.0.1:1"), e.getMessage());
  }

  @Test
  void anEncryptedKeyNeedsItsPassphraseWhichIsNeverInTheInventory() throws Exception {
    var plain = HOSTS.get(0).spec();
    var encrypted =
        new dev.loadfleet.config.HostSpec(
            plain.name(),
            plain.address(),
            plain.port(),
            plain.user(),
            SshHosts.resource("client-key-encrypted"),
            plain.jump(),
            plain.baseDir(),
            1,
            0);
    var without =
        new SshOptions(
            HOSTS.knownHosts(), false, Duration.ofSeconds(5), SshOptions.Passphrases.none());
    var e = assertThrows(java.io.IOException.class, () -> RemoteHost.connect(encrypted, without));
    assertTrue(e.getMessage().contains(SshOptions.PASSPHRASE_ENV), e.getMessage());
    assertFalse(e.getMessage().contains("test-passphrase"));

    var with =
        new SshOptions(
            HOSTS.knownHosts(),
            false,
            Duration.ofSeconds(5),
            SshOptions.Passphrases.given("test-passphrase"));
    try (RemoteHost host = RemoteHost.connect(encrypted, with)) {
      assertTrue(host.exec("true", Duration.ofSeconds(10)).ok());
    }
  }

  @Test
  void aHostBehindAJumpHostIsReachedThroughItWithBothKeysVerified() throws Exception {
    var target = HOSTS.get(1).spec();
    var jump = new dev.loadfleet.config.JumpHost(target.user(), "127.0.0.1", HOSTS.get(0).port());
    var viaJump =
        new dev.loadfleet.config.HostSpec(
            target.name(),
            target.address(),
            target.port(),
            target.user(),
            target.keyFile(),
            java.util.Optional.of(jump),
            target.baseDir(),
            1,
            0);
    try (RemoteHost host = RemoteHost.connect(viaJump, SshOptions.of(HOSTS.knownHosts(), false))) {
      assertEquals(
          HOSTS.get(1).home().toString(), host.exec("pwd", Duration.ofSeconds(10)).stdout().trim());
    }
    // the jump host's own key is checked too
    Files.write(HOSTS.knownHosts(), List.of(HOSTS.knownHostsLine(1, "host-key-b")));
    HostKeyException e =
        assertThrows(
            HostKeyException.class,
            () -> RemoteHost.connect(viaJump, SshOptions.of(HOSTS.knownHosts(), false)));
    assertTrue(e.getMessage().contains("[127.0.0.1]:" + HOSTS.get(0).port()), e.getMessage());
  }
}
