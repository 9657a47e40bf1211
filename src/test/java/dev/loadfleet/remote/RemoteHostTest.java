package dev.loadfleet.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.JumpHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RemoteHostTest {
  @RegisterExtension static final SshHosts HOSTS = SshHosts.of(2);

  @TempDir Path tmp;

  @AfterEach
  void restoreHosts() throws Exception {
    HOSTS.writeKnownHosts();
    HOSTS.all().forEach(h -> h.chattyLoginShell(false));
  }

  private static SshOptions strict() {
    return new SshOptions(HOSTS.knownHosts(), false, Duration.ofSeconds(5), Credentials.none());
  }

  private static HostSpec withKey(HostSpec spec, Path key) {
    return new HostSpec(
        spec.name(),
        spec.address(),
        spec.port(),
        spec.user(),
        key,
        spec.jump(),
        spec.baseDir(),
        1,
        0);
  }

  private static HostSpec atPort(HostSpec spec, String address, int port) {
    return new HostSpec(
        "gone",
        address,
        port,
        spec.user(),
        spec.keyFile(),
        spec.jump(),
        spec.baseDir(),
        1,
        0,
        HostSpec.DEFAULT_NIC_BITS_PER_SECOND,
        Optional.empty());
  }

  @Test
  void runsQuotedCommandsAndDrainsBothStreams() throws Exception {
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(0).spec(), strict())) {
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
  void whatTheLoginShellPrintsBeforeTheCommandIsCutOffStdoutAndStderr() throws Exception {
    HOSTS.get(0).chattyLoginShell(true);
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(0).spec(), strict())) {
      ExecResult r = host.exec("echo out; echo err >&2; exit 4", Duration.ofSeconds(10));
      // The greeting and the notice without a line end are gone; what a login shell prints after
      // the command (a logout message) is the caller's to skip, with markers.
      assertTrue(r.stdout().startsWith("out\n"), r.stdout());
      assertEquals("err\n", r.stderr());
      assertEquals("exit 4: err", r.describe());
    }
  }

  @Test
  void aLoginShellThatNeverRunsTheCommandIsNamedWithItsFix() throws Exception {
    HOSTS.get(0).nologin(true);
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(0).spec(), strict())) {
      SshFailure e =
          assertThrows(SshFailure.class, () -> host.exec("true", Duration.ofSeconds(10)));
      assertEquals(SshFailure.Kind.LOGIN_SHELL, e.kind());
      assertTrue(
          e.what().contains("login shell") && e.what().contains("currently not available"),
          e.what());
      assertTrue(e.fix().contains("chsh -s /bin/bash"), e.fix());
    } finally {
      HOSTS.get(0).nologin(false);
    }
  }

  @Test
  void filesTravelBothWaysOverACommandChannelOnAHostWithoutSftp() throws Exception {
    Path local = tmp.resolve("data.bin");
    byte[] bytes = new byte[3_000_000];
    new Random(1).nextBytes(bytes);
    Files.write(local, bytes);
    HOSTS.get(1).sftp(false);
    HOSTS.get(1).chattyLoginShell(true);
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(1).spec(), strict())) {
      long[] seen = {0};
      String remote = HOSTS.get(1).home().resolve("up.bin").toString();
      assertTrue(host.upload(local, remote, n -> seen[0] = n).ok());
      assertEquals(bytes.length, seen[0]);
      assertTrue(Arrays.equals(bytes, Files.readAllBytes(Path.of(remote))), "byte-exact upload");
      host.download(remote, tmp.resolve("back.bin"));
      assertTrue(
          Arrays.equals(bytes, Files.readAllBytes(tmp.resolve("back.bin"))),
          "byte-exact download, the login shell's greeting cut off");
    } finally {
      HOSTS.get(1).sftp(true);
    }
  }

  @Test
  void theFileSystemTroublesOfADeployReadAsSentencesWithTheirFixes() throws Exception {
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(0).spec(), strict())) {
      // (A real full disk and a real unwritable dir are met on the test bed, DeployCheckIT.)
      SshFailure full =
          Installer.explain(
              host,
              "streaming the archive",
              "loadfleet/bundles",
              failed("cat: write error: No space left on device"),
              200_000_000);
      assertEquals(SshFailure.Kind.DISK_FULL, full.kind());
      assertTrue(full.what().contains("loadfleet/bundles is full"), full.what());
      assertTrue(full.fix().contains("600 MB"), full.fix());
      SshFailure denied =
          Installer.explain(
              host,
              "preparing loadfleet/bundles",
              "loadfleet/bundles",
              failed("mkdir: cannot create directory 'loadfleet': Permission denied"),
              1);
      assertEquals(SshFailure.Kind.PERMISSION, denied.kind());
      assertTrue(denied.fix().contains("chown -R " + host.host().user()), denied.fix());
    }
  }

  private static ExecResult failed(String stderr) {
    return new ExecResult(Optional.of(1), Optional.empty(), "", stderr + "\n");
  }

  @Test
  void aMissingFileToDownloadSaysWhichAndWhy() throws Exception {
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(0).spec(), strict())) {
      var e =
          assertThrows(
              java.io.IOException.class,
              () -> host.download("/nonexistent/simulation.log", tmp.resolve("x")));
      assertTrue(
          e.getMessage().contains("/nonexistent/simulation.log")
              && e.getMessage().contains("No such file"),
          e.getMessage());
    }
  }

  @Test
  void aConversationAnswersLineForLine() throws Exception {
    HOSTS.get(0).chattyLoginShell(true);
    try (RemoteHost host = RemoteHost.connect(HOSTS.get(0).spec(), strict());
        RemoteHost.Conversation echo =
            host.converse("while read -r line; do echo \"got $line\"; done")) {
      assertEquals("got a", echo.ask("a", Duration.ofSeconds(10)));
      assertEquals("got b c", echo.ask("b c", Duration.ofSeconds(10)));
    }
  }

  @Test
  void unknownHostKeyIsRefusedWithItsFingerprintAndNothingIsCreated() throws Exception {
    Path knownHosts = tmp.resolve("no-ssh-dir/.ssh/known_hosts");
    SshOptions options =
        new SshOptions(knownHosts, false, Duration.ofSeconds(5), Credentials.none());
    HostKeyException e =
        assertThrows(
            HostKeyException.class, () -> RemoteHost.connect(HOSTS.get(0).spec(), options));
    assertFalse(e.changed());
    assertTrue(e.what().contains("unknown") && e.what().contains("SHA256:"), e.what());
    assertTrue(e.fix().contains("--accept-new"), e.fix());
    assertFalse(
        Files.exists(tmp.resolve("no-ssh-dir")), "no directory or file made without --accept-new");
  }

  @Test
  void acceptNewCreatesKnownHostsOnceWithAPrivateDirectoryWhileHostsConnectInParallel()
      throws Exception {
    Path knownHosts = tmp.resolve("home/.ssh/known_hosts");
    Files.createDirectories(tmp.resolve("home"));
    SshOptions options =
        new SshOptions(knownHosts, true, Duration.ofSeconds(5), Credentials.none());
    try (Fleet fleet = Fleet.connect(List.of(HOSTS.get(0).spec(), HOSTS.get(1).spec()), options)) {
      assertTrue(fleet.get("host0").isPresent(), fleet.failure("host0").toString());
      assertTrue(fleet.get("host1").isPresent(), fleet.failure("host1").toString());
    }
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts.getParent())));
    List<String> lines = Files.readAllLines(knownHosts);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("[127.0.0.1]:" + HOSTS.get(0).port())));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("[127.0.0.1]:" + HOSTS.get(1).port())));
    // and now they are known: a strict connection succeeds
    try (RemoteHost host =
        RemoteHost.connect(
            HOSTS.get(0).spec(),
            new SshOptions(knownHosts, false, Duration.ofSeconds(5), Credentials.none()))) {
      assertTrue(host.isConnected());
    }
  }

  @Test
  void changedHostKeyIsRefusedEvenWithAcceptNewAndTheFixIsTheExactCommand() throws Exception {
    // host0 really has key A; known_hosts claims key B
    Files.write(HOSTS.knownHosts(), List.of(HOSTS.knownHostsLine(0, "host-key-b")));
    HostKeyException e =
        assertThrows(
            HostKeyException.class,
            () ->
                RemoteHost.connect(
                    HOSTS.get(0).spec(),
                    new SshOptions(
                        HOSTS.knownHosts(), true, Duration.ofSeconds(5), Credentials.none())));
    assertTrue(e.changed());
    String fingerprintA = KnownHostsFingerprints.of(SshHosts.resource("host-key-a.pub"));
    String fingerprintB = KnownHostsFingerprints.of(SshHosts.resource("host-key-b.pub"));
    assertTrue(e.what().contains(fingerprintA) && e.what().contains(fingerprintB), e.what());
    assertTrue(
        e.fix()
            .contains(
                "`ssh-keygen -R '[127.0.0.1]:"
                    + HOSTS.get(0).port()
                    + "' -f "
                    + HOSTS.knownHosts().toAbsolutePath()
                    + "`"),
        e.fix());
  }

  @Test
  void aClosedPortReadsAsRefusedAndAnUnknownNameAsUnknownHost() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    SshFailure refused =
        assertThrows(
            SshFailure.class,
            () -> RemoteHost.connect(atPort(HOSTS.get(0).spec(), "127.0.0.1", closed), strict()));
    assertEquals(SshFailure.Kind.REFUSED, refused.kind());
    assertTrue(refused.what().contains("refused the connection"), refused.what());
    assertTrue(refused.fix().contains("port"), refused.fix());

    SshFailure unknown =
        assertThrows(
            SshFailure.class,
            () ->
                RemoteHost.connect(
                    atPort(HOSTS.get(0).spec(), "no-such-host.invalid", 22), strict()));
    assertEquals(SshFailure.Kind.UNKNOWN_HOST, unknown.kind());
    assertTrue(unknown.what().contains("does not resolve"), unknown.what());
  }

  @Test
  void aPortThatAcceptsButNeverSpeaksSshTimesOutWithASentence() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try (Socket held = silent.accept()) {
                  held.getInputStream().readAllBytes(); // reads, never answers
                } catch (IOException e) {
                  // the test closed the socket
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      SshOptions twoSeconds =
          new SshOptions(HOSTS.knownHosts(), false, Duration.ofSeconds(2), Credentials.none());
      SshFailure e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  assertThrows(
                      SshFailure.class,
                      () ->
                          RemoteHost.connect(
                              atPort(HOSTS.get(0).spec(), "127.0.0.1", silent.getLocalPort()),
                              twoSeconds)));
      assertEquals(SshFailure.Kind.TIMEOUT, e.kind());
      assertTrue(e.what().contains("sent no SSH greeting within 2 s"), e.what());
      assertTrue(e.fix().contains("port"), e.fix());
    }
  }

  @Test
  void aRefusedKeySaysWhichMethodsTheServerOffersAndHowToInstallTheKey() throws Exception {
    // a valid private key that the host does not list in authorized_keys
    Path stranger = tmp.resolve("stranger");
    Process keygen =
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString())
            .start();
    assertEquals(0, keygen.waitFor());
    SshFailure e =
        assertThrows(
            SshFailure.class,
            () -> RemoteHost.connect(withKey(HOSTS.get(0).spec(), stranger), strict()));
    assertEquals(SshFailure.Kind.AUTH_REJECTED, e.kind());
    assertTrue(e.what().contains("refused key " + stranger), e.what());
    assertTrue(
        e.what().matches(".*\\(the server offers: [a-z-]+(, [a-z-]+)*\\)")
            && e.what().contains("publickey"),
        e.what());
    assertTrue(
        e.fix().contains("ssh-copy-id -i " + stranger + " -p " + HOSTS.get(0).port()), e.fix());
  }

  @Test
  void aKeyFileThatIsNoKeyIsRefusedBeforeAnyConnection() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    // A closed port: had the launcher connected first, the error would be "refused".
    HostSpec nowhere = atPort(HOSTS.get(0).spec(), "127.0.0.1", closed);
    for (Path key :
        List.of(
            Path.of("/dev/zero"),
            tmp,
            tmp.resolve("missing"),
            Files.write(tmp.resolve("big"), new byte[100_000]))) {
      SshFailure e =
          assertThrows(SshFailure.class, () -> RemoteHost.connect(withKey(nowhere, key), strict()));
      assertEquals(SshFailure.Kind.KEY, e.kind(), key + ": " + e.getMessage());
      assertTrue(e.what().contains(key.toString()), e.what());
      assertTrue(e.fix().contains("ssh-keygen"), e.fix());
    }
  }

  @Test
  void anEncryptedKeyNeedsItsPassphraseWhichIsNeverInTheInventory() throws Exception {
    HostSpec encrypted = withKey(HOSTS.get(0).spec(), SshHosts.resource("client-key-encrypted"));
    SshFailure e = assertThrows(SshFailure.class, () -> RemoteHost.connect(encrypted, strict()));
    assertEquals(SshFailure.Kind.KEY, e.kind());
    assertTrue(e.fix().contains(SshOptions.PASSPHRASE_ENV), e.fix());
    assertFalse(e.getMessage().contains("test-passphrase"));

    var with =
        new SshOptions(
            HOSTS.knownHosts(), false, Duration.ofSeconds(5), Credentials.given("test-passphrase"));
    try (RemoteHost host = RemoteHost.connect(encrypted, with)) {
      assertTrue(host.exec("true", Duration.ofSeconds(10)).ok());
    }
    var wrong =
        new SshOptions(
            HOSTS.knownHosts(), false, Duration.ofSeconds(5), Credentials.given("not-it"));
    SshFailure bad = assertThrows(SshFailure.class, () -> RemoteHost.connect(encrypted, wrong));
    assertTrue(bad.what().contains("could not be decrypted"), bad.what());
  }

  @Test
  void aPassphraseTypedOnceServesEveryHostAndEveryReconnect() throws Exception {
    int[] asked = {0};
    Credentials typed =
        Credentials.none()
            .withPrompt(
                prompt -> {
                  asked[0]++;
                  // typed wrong once, then right, as people do
                  return Optional.of((asked[0] == 1 ? "typo" : "test-passphrase").toCharArray());
                });
    SshOptions options = new SshOptions(HOSTS.knownHosts(), false, Duration.ofSeconds(5), typed);
    Path key = SshHosts.resource("client-key-encrypted");
    List<HostSpec> hosts =
        List.of(withKey(HOSTS.get(0).spec(), key), withKey(HOSTS.get(1).spec(), key));
    try (Fleet fleet = Fleet.connect(hosts, options)) {
      for (HostSpec h : hosts) {
        assertTrue(fleet.get(h.name()).isPresent(), h.name() + ": " + fleet.failure(h.name()));
      }
      fleet.disconnect("host0");
      fleet.disconnect("host1");
      var again = fleet.each(remote -> remote.exec("true", Duration.ofSeconds(10)).ok());
      again.forEach((name, r) -> assertTrue(r.ok() && r.value(), name + ": " + r.message()));
    }
    assertEquals(2, asked[0], "asked once, again after the typo, and never for the other host");
  }

  @Test
  void withoutAKeyFileTheKeysARealSshAgentHoldsLogIn() throws Exception {
    HostSpec noKey = keyless(HOSTS.get(0).spec());
    SshFailure none = assertThrows(SshFailure.class, () -> RemoteHost.connect(noKey, strict()));
    // Nothing to offer: the server is asked with "none", and its answer is in the sentence.
    assertEquals(SshFailure.Kind.AUTH_REJECTED, none.kind());
    assertTrue(none.what().contains("no key to log in with"), none.what());
    assertTrue(
        none.what().matches("(?s).*\\(the server offers: [^)]*publickey[^)]*\\).*"), none.what());
    assertTrue(none.what().contains("SSH_AUTH_SOCK is not set"), none.what());
    assertTrue(none.fix().contains("ssh-add"), none.fix());

    Path socket = tmp.resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("agent.out").toFile())
            .start();
    try {
      for (int i = 0; i < 100 && !Files.exists(socket); i++) {
        Thread.sleep(50);
      }
      assertTrue(Files.exists(socket), "ssh-agent made no socket: " + readQuietly("agent.out"));
      // ssh-add refuses a key file others may read.
      Path key = tmp.resolve("id_ed25519");
      Files.copy(SshHosts.clientKey(), key);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      ProcessBuilder add =
          new ProcessBuilder("ssh-add", key.toString())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("add.out").toFile());
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      assertEquals(0, add.start().waitFor(), "ssh-add failed: " + readQuietly("add.out"));
      Files.delete(key); // only the agent has it now

      SshOptions viaAgent =
          new SshOptions(
              HOSTS.knownHosts(),
              false,
              Duration.ofSeconds(5),
              Credentials.none().withAgent(socket));
      try (Fleet fleet = Fleet.connect(List.of(noKey, keyless(HOSTS.get(1).spec())), viaAgent)) {
        var ran = fleet.each(remote -> remote.exec("echo in", Duration.ofSeconds(10)).stdout());
        ran.forEach((name, r) -> assertEquals("in\n", r.ok() ? r.value() : r.message(), name));
        assertEquals(2, ran.size());
      }
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  private String readQuietly(String file) {
    try {
      return Files.readString(tmp.resolve(file));
    } catch (java.io.IOException e) {
      return "(" + file + " unreadable)";
    }
  }

  private static HostSpec keyless(HostSpec spec) {
    return new HostSpec(
        spec.name(),
        spec.address(),
        spec.port(),
        spec.user(),
        Optional.empty(),
        spec.jump(),
        spec.baseDir(),
        1,
        0,
        HostSpec.DEFAULT_NIC_BITS_PER_SECOND,
        Optional.empty());
  }

  @Test
  void aHostBehindAJumpHostIsReachedThroughItWithBothKeysVerified() throws Exception {
    var target = HOSTS.get(1).spec();
    var jump = new JumpHost(target.user(), "127.0.0.1", HOSTS.get(0).port());
    var viaJump =
        new HostSpec(
            target.name(),
            target.address(),
            target.port(),
            target.user(),
            target.keyFile(),
            Optional.of(jump),
            target.baseDir(),
            1,
            0,
            HostSpec.DEFAULT_NIC_BITS_PER_SECOND,
            Optional.empty());
    try (RemoteHost host = RemoteHost.connect(viaJump, strict())) {
      assertEquals(
          HOSTS.get(1).home().toString(), host.exec("pwd", Duration.ofSeconds(10)).stdout().trim());
    }
    // the jump host's own key is checked too
    Files.write(HOSTS.knownHosts(), List.of(HOSTS.knownHostsLine(1, "host-key-b")));
    HostKeyException e =
        assertThrows(HostKeyException.class, () -> RemoteHost.connect(viaJump, strict()));
    assertTrue(e.what().contains("[127.0.0.1]:" + HOSTS.get(0).port()), e.what());
  }
}
