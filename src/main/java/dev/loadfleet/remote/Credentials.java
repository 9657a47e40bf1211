package dev.loadfleet.remote;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import dev.loadfleet.config.HostSpec;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.userauth.keyprovider.FileKeyProvider;
import net.schmizz.sshj.userauth.keyprovider.KeyFormat;
import net.schmizz.sshj.userauth.keyprovider.KeyPairWrapper;
import net.schmizz.sshj.userauth.keyprovider.KeyProviderUtil;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the launcher logs in with, as {@code ssh} finds them: the host's key file when the
 * inventory (or ~/.ssh/config) names one; otherwise the keys ssh-agent holds ({@code
 * SSH_AUTH_SOCK}), then ~/.ssh/id_ed25519, id_ecdsa and id_rsa.
 *
 * <p>A key file is read and decrypted once per launcher and kept in memory for every host and every
 * reconnect: its passphrase is asked at most once (from {@value #PASSPHRASE_ENV}, else at the
 * terminal, three tries), never stored, and never needed again. sshj wipes the passphrase array it
 * is handed, so each attempt gets its own copy.
 */
public final class Credentials {
  /** The environment variable a key passphrase may come from (else a prompt on the terminal). */
  public static final String PASSPHRASE_ENV = "LOADFLEET_KEY_PASSPHRASE";

  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);
  private static final int PROMPT_TRIES = 3;
  private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");
  private static final List<Factory.Named<FileKeyProvider>> KEY_FORMATS =
      new DefaultConfig().getFileKeyProviderFactories();

  /** Reads a passphrase from the operator; empty when there is no one to ask. */
  @FunctionalInterface
  public interface Prompt {
    Optional<char[]> read(String prompt);
  }

  private final Optional<String> passphrase;
  private final Optional<Prompt> prompt;
  private final Optional<Path> agentSocket;
  private final Path sshDir;
  private final Map<Path, KeyPair> keys = new HashMap<>();

  private Credentials(
      Optional<String> passphrase,
      Optional<Prompt> prompt,
      Optional<Path> agentSocket,
      Path sshDir) {
    this.passphrase = passphrase;
    this.prompt = prompt;
    this.agentSocket = agentSocket;
    this.sshDir = sshDir;
  }

  /**
   * As the operator's shell has it: the passphrase variable, the terminal, SSH_AUTH_SOCK, ~/.ssh.
   */
  public static Credentials fromEnvironment() {
    Console console = System.console();
    return new Credentials(
        Optional.ofNullable(System.getenv(PASSPHRASE_ENV)),
        Optional.ofNullable(console).map(c -> p -> Optional.ofNullable(c.readPassword("%s", p))),
        Optional.ofNullable(System.getenv("SSH_AUTH_SOCK")).filter(s -> !s.isBlank()).map(Path::of),
        Path.of(System.getProperty("user.home"), ".ssh"));
  }

  /** Only key files named per host; no agent, no terminal, no default keys. */
  public static Credentials none() {
    return new Credentials(
        Optional.empty(), Optional.empty(), Optional.empty(), Path.of("/nonexistent"));
  }

  /** A passphrase handed over by the caller (tests; tools that got it from a secret store). */
  public static Credentials given(String passphrase) {
    return none().withPassphrase(passphrase);
  }

  public Credentials withPassphrase(String passphrase) {
    return new Credentials(Optional.of(passphrase), prompt, agentSocket, sshDir);
  }

  public Credentials withPrompt(Prompt prompt) {
    return new Credentials(passphrase, Optional.of(prompt), agentSocket, sshDir);
  }

  /** Keys from the ssh-agent listening on {@code socket}. */
  public Credentials withAgent(Path socket) {
    return new Credentials(passphrase, prompt, Optional.of(socket), sshDir);
  }

  /** Where the default keys (id_ed25519, id_ecdsa, id_rsa) are looked for. */
  public Credentials withDefaultKeysIn(Path dir) {
    return new Credentials(passphrase, prompt, agentSocket, dir);
  }

  /**
   * The ways to log in to {@code host}, in the order they are tried; empty when the host has no
   * keyFile and neither the agent nor ~/.ssh has a key ({@link #noKey} says so, once the server has
   * said which methods it offers).
   *
   * @throws SshFailure when the host's key file cannot be used
   */
  List<AuthMethod> methods(HostSpec host) throws SshFailure {
    if (host.keyFile().isPresent()) {
      return List.of(new AuthPublickey(new KeyPairWrapper(key(host.keyFile().get()))));
    }
    List<AuthMethod> methods = new ArrayList<>();
    for (Identity identity : agentKeys()) {
      methods.add(new AgentAuth(identity));
    }
    for (Path file : defaultKeys()) {
      try {
        methods.add(new AuthPublickey(new KeyPairWrapper(key(file))));
      } catch (SshFailure e) {
        // ssh too skips a default key it cannot use; say why in the log
        LOG.info("{}: skipping default key {}: {}", host.name(), file, e.what());
      }
    }
    return methods;
  }

  /**
   * Why there is no key to offer {@code who} ({@code user@address:port}), with the methods the
   * server offers, and the fix.
   */
  SshFailure noKey(String who, String offered) {
    return new SshFailure(
        SshFailure.Kind.AUTH_REJECTED,
        who
            + ": no key to log in with (the server offers: "
            + offered
            + "): no keyFile in the inventory or ~/.ssh/config, "
            + (agentSocket.isEmpty()
                ? "no ssh-agent (SSH_AUTH_SOCK is not set)"
                : "no key in the ssh-agent at " + agentSocket.get())
            + " and no usable "
            + String.join(
                ", ", DEFAULT_KEYS.stream().map(k -> sshDir.resolve(k).toString()).toList()),
        offered.contains("publickey")
            ? "add your key to the ssh-agent (`ssh-add ~/.ssh/id_ed25519`), or set keyFile for the"
                + " host in the inventory"
            : "the server takes no keys: allow PubkeyAuthentication in its sshd_config");
  }

  /** How {@link #methods} authenticates, for messages: the key file, or agent and default keys. */
  String describe(HostSpec host) {
    if (host.keyFile().isPresent()) {
      return "key " + host.keyFile().get();
    }
    List<String> parts = new ArrayList<>();
    agentSocket.ifPresent(s -> parts.add("the ssh-agent's keys"));
    defaultKeys().forEach(p -> parts.add(p.toString()));
    return parts.isEmpty() ? "no key" : String.join(" and ", parts);
  }

  private List<Identity> agentKeys() {
    if (agentSocket.isEmpty()) {
      return List.of();
    }
    try {
      SSHAgentConnector connector =
          new SSHAgentConnector(new UnixDomainSocketFactory(), agentSocket.get());
      if (!connector.isAvailable()) {
        LOG.info("ssh-agent at {} does not answer; not using it", agentSocket.get());
        return List.of();
      }
      return new ArrayList<>(new AgentIdentityRepository(connector).getIdentities());
    } catch (AgentProxyException | RuntimeException e) {
      LOG.info("ssh-agent at {} unusable: {}", agentSocket.get(), e.toString());
      return List.of();
    }
  }

  private List<Path> defaultKeys() {
    return DEFAULT_KEYS.stream()
        .map(sshDir::resolve)
        .filter(p -> KeyFiles.problem(p).isEmpty())
        .toList();
  }

  /** The key pair in {@code file}, decrypted on first use (asking its passphrase) and kept. */
  synchronized KeyPair key(Path file) throws SshFailure {
    Path path = file.toAbsolutePath().normalize();
    KeyPair known = keys.get(path);
    if (known != null) {
      return known;
    }
    Optional<String> problem = KeyFiles.problem(path);
    if (problem.isPresent()) {
      throw new SshFailure(SshFailure.Kind.KEY, "keyFile " + problem.get(), KeyFiles.fix(path));
    }
    Asker asker = new Asker(path);
    try {
      KeyFormat format = KeyProviderUtil.detectKeyFileFormat(path.toFile());
      FileKeyProvider provider = Factory.Named.Util.create(KEY_FORMATS, format.toString());
      if (provider == null) {
        throw new SshFailure(
            SshFailure.Kind.KEY,
            "keyFile "
                + path
                + " is not an SSH private key this launcher can read ("
                + format
                + ")",
            "give an OpenSSH private key (ssh-keygen -t ed25519 makes one)");
      }
      provider.init(path.toFile(), asker);
      KeyPair pair = new KeyPair(provider.getPublic(), provider.getPrivate());
      keys.put(path, pair);
      return pair;
    } catch (NoPassphrase e) {
      throw new SshFailure(
          SshFailure.Kind.KEY,
          "keyFile " + path + " is encrypted and there is no passphrase for it",
          "set "
              + PASSPHRASE_ENV
              + ", run the launcher from a terminal to be asked, or add the key to ssh-agent"
              + " (`ssh-add "
              + path
              + "`) and leave keyFile out");
    } catch (SshFailure e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (asker.tries > 0) {
        throw new SshFailure(
            SshFailure.Kind.KEY,
            "keyFile "
                + path
                + " could not be decrypted with the passphrase "
                + (asker.fromPrompt
                    ? "typed (" + asker.tries + (asker.tries == 1 ? " try)" : " tries)")
                    : "in " + PASSPHRASE_ENV),
            asker.fromPrompt
                ? "type the key's passphrase (check it with `ssh-keygen -y -f " + path + "`)"
                : "set " + PASSPHRASE_ENV + " to the key's passphrase, or unset it to be asked",
            e);
      }
      throw new SshFailure(
          SshFailure.Kind.KEY,
          "keyFile "
              + path
              + " is not a private key this launcher can read ("
              + e.getMessage()
              + ")",
          "give an OpenSSH private key (ssh-keygen -t ed25519 makes one)",
          e);
    } finally {
      asker.wipe();
    }
  }

  /** No passphrase source at all for an encrypted key. */
  private static final class NoPassphrase extends RuntimeException {
    NoPassphrase() {
      super(null, null, false, false);
    }
  }

  /**
   * The passphrase for one key file: the variable's value, else typed at the prompt; the original
   * stays here (wiped at the end), sshj gets a copy to wipe.
   */
  private final class Asker implements PasswordFinder {
    private final Path file;
    private char[] typed;
    private int tries;
    private boolean fromPrompt;

    Asker(Path file) {
      this.file = file;
    }

    @Override
    public char[] reqPassword(Resource<?> resource) {
      tries++;
      if (passphrase.isPresent()) {
        return passphrase.get().toCharArray();
      }
      if (prompt.isEmpty()) {
        throw new NoPassphrase();
      }
      fromPrompt = true;
      wipe();
      typed =
          prompt
              .get()
              .read((tries == 1 ? "Passphrase for " : "Wrong passphrase; again for ") + file + ": ")
              .orElseThrow(NoPassphrase::new);
      return typed.clone();
    }

    @Override
    public boolean shouldRetry(Resource<?> resource) {
      return fromPrompt && tries < PROMPT_TRIES;
    }

    void wipe() {
      if (typed != null) {
        Arrays.fill(typed, '\0');
      }
    }
  }
}
