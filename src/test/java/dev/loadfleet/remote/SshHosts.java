package dev.loadfleet.remote;

import dev.loadfleet.config.HostSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several in-process SSH hosts (Apache MINA SSHD) for the launcher's tests: each on a random
 * 127.0.0.1 port with a fixed host key from src/test/resources/ssh, public-key auth against the
 * test client key, SFTP, and real commands through {@code /bin/sh} in its own home directory (so
 * hosts never share remote dirs). A known_hosts file lists every host, as an operator's would.
 *
 * <p>Register with {@code @RegisterExtension static final SshHosts HOSTS = SshHosts.of(3);}.
 */
public final class SshHosts implements BeforeAllCallback, AfterAllCallback {
  private final int count;
  private final List<Host> hosts = new ArrayList<>();
  private Path root;

  /** One running fixture host. {@code path} overrides PATH for its commands when present. */
  public final class Host {
    private final String name;
    private final Path home;
    private final Path hostKey;
    private volatile Optional<String> path = Optional.empty();
    private volatile boolean chatty;
    private volatile boolean sftp = true;
    private volatile boolean nologin;
    private final java.util.Map<String, String> env =
        new java.util.concurrent.ConcurrentHashMap<>();
    private SshServer server;

    private Host(String name, Path home, Path hostKey) {
      this.name = name;
      this.home = home;
      this.hostKey = hostKey;
    }

    public String name() {
      return name;
    }

    public Path home() {
      return home;
    }

    public int port() {
      return server.getPort();
    }

    /** The remote base dir the launcher owns on this host (absolute, under its home). */
    public Path baseDir() {
      return home.resolve("loadfleet");
    }

    public HostSpec spec() {
      return new HostSpec(
          name,
          "127.0.0.1",
          port(),
          System.getProperty("user.name"),
          clientKey(),
          Optional.empty(),
          baseDir().toString(),
          1,
          0);
    }

    /** Commands on this host see only {@code dirs} on PATH (e.g. a PATH without java). */
    public void restrictPath(String dirs) {
      path = Optional.of(dirs);
    }

    /** Commands on this host see this environment variable (as if set in the user's profile). */
    public void setEnv(String name, String value) {
      if (value == null) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
    }

    /**
     * Makes every command's stdout start and end with lines of the user's login shell, as a {@code
     * .bashrc} that echoes, a notice and a {@code .bash_logout} message would: the launcher must
     * find its own output among them. The command's exit status is kept.
     */
    public void chattyLoginShell(boolean on) {
      chatty = on;
    }

    /** The user's login shell runs no command, as nologin(8): it prints its excuse and exits 1. */
    public void nologin(boolean on) {
      nologin = on;
    }

    /**
     * Restarts the host with or without the SFTP subsystem (hardened sshds drop it): the launcher
     * must not need it.
     */
    public void sftp(boolean on) throws IOException {
      sftp = on;
      int port = server.getPort();
      server.stop(true);
      start(port);
    }

    public void stop() throws IOException {
      server.stop(true);
    }

    /** Brings a stopped host back on the same port, as after a cut link is restored. */
    public void restart() throws IOException {
      int port = server.getPort();
      start(port);
    }

    private void start(int port) throws IOException {
      server = SshServer.setUpDefaultServer();
      server.setHost("127.0.0.1");
      server.setPort(port);
      server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
      server.setPublickeyAuthenticator(
          new AuthorizedKeysAuthenticator(root.resolve("authorized_keys")));
      server.setSubsystemFactories(sftp ? List.of(new SftpSubsystemFactory()) : List.of());
      // Each host can also be a jump host (direct-tcpip), as a bastion would be.
      server.setForwardingFilter(org.apache.sshd.server.forward.AcceptAllForwardingFilter.INSTANCE);
      server.setCommandFactory(
          (channel, command) -> {
            // Like sshd: the command runs in a shell, in the user's home directory. (MINA's
            // ProcessShellFactory always runs `/bin/sh -c <command>`, so the wrapping is textual.)
            String prefix =
                "export HOME="
                    + Shell.quote(home.toString())
                    + "; "
                    + path.map(p -> "export PATH=" + Shell.quote(p) + "; ").orElse("");
            for (var e : env.entrySet()) {
              prefix += "export " + e.getKey() + "=" + Shell.quote(e.getValue()) + "; ";
            }
            String wrapped =
                nologin
                    ? "echo 'This account is currently not available.'; exit 1"
                    : chatty
                        ? prefix
                            + "echo 'Welcome to "
                            + name
                            + " (from .bashrc)'; echo '*** maintenance: sunday 02:00 ***'; echo; "
                            + "printf 'no newline on stderr (from .zshenv)' >&2; "
                            + "cd \"$HOME\" && /bin/sh -c "
                            + Shell.quote(command)
                            + "; rc=$?; echo 'logout: bye (from .bash_logout)'; exit $rc"
                        : prefix + "cd \"$HOME\" && exec /bin/sh -c " + Shell.quote(command);
            return new ProcessShellFactory(wrapped, List.of(wrapped)).createShell(channel);
          });
      server.start();
    }
  }

  private SshHosts(int count) {
    this.count = count;
  }

  public static SshHosts of(int count) {
    return new SshHosts(count);
  }

  public Host get(int i) {
    return hosts.get(i);
  }

  public List<Host> all() {
    return List.copyOf(hosts);
  }

  public Path root() {
    return root;
  }

  public Path knownHosts() {
    return root.resolve("known_hosts");
  }

  public static Path clientKey() {
    return resource("client-key");
  }

  /** The public half of a fixture host key, as a known_hosts line for host {@code i}. */
  public String knownHostsLine(int i, String keyName) throws IOException {
    String[] pub = Files.readString(resource(keyName + ".pub")).trim().split("\\s+");
    return "[127.0.0.1]:" + get(i).port() + " " + pub[0] + " " + pub[1];
  }

  /** Rewrites known_hosts with every host's true key. */
  public void writeKnownHosts() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      lines.add(knownHostsLine(i, hosts.get(i).hostKey.getFileName().toString()));
    }
    Files.write(knownHosts(), lines, StandardCharsets.UTF_8);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    root = Files.createTempDirectory("loadfleet-ssh-hosts");
    Files.writeString(
        root.resolve("authorized_keys"),
        Files.readString(resource("client-key.pub"))
            + Files.readString(resource("client-key-encrypted.pub")));
    for (int i = 0; i < count; i++) {
      Path home = Files.createDirectories(root.resolve("host" + i));
      Host host = new Host("host" + i, home, resource(i % 2 == 0 ? "host-key-a" : "host-key-b"));
      host.start(0);
      hosts.add(host);
    }
    writeKnownHosts();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (Host h : hosts) {
      h.stop();
      // Whatever a test started on this host and left running (a failed assertion skips its
      // stop): every process group recorded in a run dir's pid file.
      new ProcessBuilder(
              "sh",
              "-c",
              "for p in \"$1\"/runs/*/pid; do [ -f \"$p\" ] && kill -KILL -- -\"$(cat \"$p\")\"; done 2>/dev/null; true",
              "sh",
              h.baseDir().toString())
          .start()
          .waitFor();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  public static Path resource(String name) {
    try {
      Path p = Path.of(SshHosts.class.getResource("/ssh/" + name).toURI());
      if (name.startsWith("client-key") && !name.endsWith(".pub")) { // both client keys
        // ssh tools refuse private keys readable by others; the checkout may have made it 0644
        p.toFile().setReadable(false, false);
        p.toFile().setReadable(true, true);
      }
      return p;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (NullPointerException e) {
      throw new UncheckedIOException(new IOException("missing test resource /ssh/" + name));
    }
  }
}
