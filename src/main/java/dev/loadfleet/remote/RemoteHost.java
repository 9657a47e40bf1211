package dev.loadfleet.remote;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.JumpHost;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.StreamCopier;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;
import net.schmizz.sshj.xfer.FileSystemFile;
import net.schmizz.sshj.xfer.TransferListener;

/**
 * One authenticated SSH connection to an injector host (through its jump host if it has one). Each
 * command gets its own {@link Session}: an sshj session runs one command only.
 */
public final class RemoteHost implements Closeable {
  /** Drains stdout and stderr of running commands; daemon threads so nothing outlives main. */
  private static final ExecutorService DRAIN =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "ssh-drain");
            t.setDaemon(true);
            return t;
          });

  private static final int KEEP_ALIVE_SECONDS = 5;

  private final HostSpec host;
  private final SSHClient client;
  private final SSHClient jumpClient;

  private RemoteHost(HostSpec host, SSHClient client, SSHClient jumpClient) {
    this.host = host;
    this.client = client;
    this.jumpClient = jumpClient;
  }

  /**
   * Connects, verifies the host key against known_hosts and authenticates with the host's key.
   *
   * @throws HostKeyException when the host key is unknown (without accept-new) or changed
   * @throws IOException when the host cannot be reached or refuses the key; the message says which
   */
  public static RemoteHost connect(HostSpec host, SshOptions options) throws IOException {
    SSHClient jumpClient = null;
    SSHClient client = newClient(options);
    try {
      KnownHosts knownHosts = KnownHosts.open(options.knownHosts(), options.acceptNew());
      client.addHostKeyVerifier(knownHosts);
      if (host.jump().isPresent()) {
        JumpHost jump = host.jump().get();
        jumpClient = newClient(options);
        KnownHosts jumpKnown = KnownHosts.open(options.knownHosts(), options.acceptNew());
        jumpClient.addHostKeyVerifier(jumpKnown);
        connectAndAuth(
            jumpClient,
            jumpKnown,
            jump.address(),
            jump.port(),
            jump.user(),
            host,
            options,
            "jump host " + jump);
        DirectConnection tunnel = jumpClient.newDirectConnection(host.address(), host.port());
        try {
          client.connectVia(tunnel);
        } catch (TransportException e) {
          throw translate(knownHosts, e, host.address() + ":" + host.port() + " via " + jump);
        }
        auth(client, host.user(), host, options);
      } else {
        connectAndAuth(
            client, knownHosts, host.address(), host.port(), host.user(), host, options, "");
      }
      return new RemoteHost(host, client, jumpClient);
    } catch (IOException | RuntimeException e) {
      closeQuietly(client);
      closeQuietly(jumpClient);
      throw e;
    }
  }

  private static SSHClient newClient(SshOptions options) {
    DefaultConfig config = new DefaultConfig();
    // Keep-alive must be chosen before connect(), or it never runs (sshj#784). It also lets a
    // cut link be noticed: after 5 unanswered keep-alives the connection is closed.
    config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    SSHClient client = new SSHClient(config);
    client.getConnection().getKeepAlive().setKeepAliveInterval(KEEP_ALIVE_SECONDS);
    client.setConnectTimeout((int) options.connectTimeout().toMillis());
    return client;
  }

  private static void connectAndAuth(
      SSHClient client,
      KnownHosts knownHosts,
      String address,
      int port,
      String user,
      HostSpec host,
      SshOptions options,
      String via)
      throws IOException {
    String where = via.isEmpty() ? address + ":" + port : via;
    try {
      client.connect(address, port);
    } catch (TransportException e) {
      throw translate(knownHosts, e, where);
    } catch (IOException e) {
      throw new IOException(
          "cannot reach "
              + where
              + ": "
              + e.getMessage()
              + "; check the address and port, that sshd runs there and that no firewall is in the way",
          e);
    }
    auth(client, user, host, options);
  }

  private static IOException translate(KnownHosts knownHosts, TransportException e, String where) {
    if (knownHosts.refusal() != null) {
      return knownHosts.refusal();
    }
    return new IOException("SSH handshake with " + where + " failed: " + e.getMessage(), e);
  }

  private static void auth(SSHClient client, String user, HostSpec host, SshOptions options)
      throws IOException {
    Path keyFile = host.keyFile();
    PasswordFinder finder =
        new PasswordFinder() {
          @Override
          public char[] reqPassword(Resource<?> resource) {
            return options.passphrases().forKey(keyFile).orElse(null);
          }

          @Override
          public boolean shouldRetry(Resource<?> resource) {
            return false;
          }
        };
    KeyProvider key;
    try {
      key = client.loadKeys(keyFile.toString(), finder);
      key.getPrivate(); // decrypts now, so a wrong passphrase is reported as such
    } catch (IOException | RuntimeException e) {
      // sshj fails with a NullPointerException when an encrypted key gets no passphrase
      throw new IOException(
          "cannot read key "
              + keyFile
              + ": "
              + e.getMessage()
              + " (an encrypted key needs its "
              + "passphrase in "
              + SshOptions.PASSPHRASE_ENV
              + " or a terminal to ask on)",
          e);
    }
    try {
      client.authPublickey(user, key);
    } catch (UserAuthException e) {
      throw new IOException(
          "host refused key "
              + keyFile
              + " for user "
              + user
              + "; install its public key with "
              + "ssh-copy-id -i "
              + keyFile
              + " -p "
              + host.port()
              + " "
              + user
              + "@"
              + host.address(),
          e);
    }
  }

  public HostSpec host() {
    return host;
  }

  public boolean isConnected() {
    return client.isConnected() && client.isAuthenticated();
  }

  /** Runs {@code command} (already quoted by the caller, see {@link Shell}) and waits for it. */
  public ExecResult exec(String command, Duration timeout) throws IOException {
    return exec(command, null, timeout);
  }

  /**
   * As {@link #exec(String, Duration)}, with {@code input} (null for none) written to the command's
   * standard input, then end of file: how a secret reaches a host without ever being on a command
   * line (where {@code ps} and /proc/PID/cmdline show it to every user of the host).
   */
  public ExecResult exec(String command, byte[] input, Duration timeout) throws IOException {
    try (Session session = client.startSession()) {
      Session.Command cmd = session.exec(command);
      // Both streams drain while the command runs, or a full stderr window stalls it and join()
      // never returns (sshj#508).
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readAll(cmd.getInputStream()), DRAIN);
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(cmd.getErrorStream()), DRAIN);
      if (input != null) {
        // Closing sends end of file: the command's read of its input ends there.
        try (var stdin = cmd.getOutputStream()) {
          stdin.write(input);
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      byte[] stdout = out.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      byte[] stderr = err.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      cmd.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      // The exit status is null when the server sends none (e.g. killed by a signal).
      Optional<Integer> status = Optional.ofNullable(cmd.getExitStatus());
      Optional<String> signal = Optional.ofNullable(cmd.getExitSignal()).map(Enum::name);
      return new ExecResult(
          status,
          signal,
          new String(stdout, StandardCharsets.UTF_8),
          new String(stderr, StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      throw new IOException(
          host.name() + ": command did not finish within " + timeout.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw new IOException(
          host.name() + ": reading command output failed: " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(host.name() + ": interrupted", e);
    }
  }

  /** Like {@link #exec} but a non-zero exit is an IOException naming the host and what failed. */
  public String execOk(String command, Duration timeout, String what) throws IOException {
    return execOk(command, null, timeout, what);
  }

  /** As {@link #execOk(String, Duration, String)}, with {@code input} on standard input. */
  public String execOk(String command, byte[] input, Duration timeout, String what)
      throws IOException {
    ExecResult r = exec(command, input, timeout);
    if (!r.ok()) {
      throw new IOException(host.name() + ": " + what + " failed (" + r.describe() + ")");
    }
    return r.stdout();
  }

  /**
   * Uploads a file over SFTP to exactly {@code remotePath}, reporting bytes sent. {@code progress}
   * may throw to abort the transfer.
   */
  public void upload(Path local, String remotePath, LongConsumer progress) throws IOException {
    try (SFTPClient sftp = client.newSFTPClient()) {
      sftp.getFileTransfer().setPreserveAttributes(false);
      sftp.getFileTransfer().setTransferListener(listener(progress));
      sftp.put(new FileSystemFile(local.toFile()), remotePath);
    }
  }

  /** Downloads {@code remotePath} (symbolic links followed) to {@code local}. */
  public void download(String remotePath, Path local) throws IOException {
    Files.createDirectories(local.toAbsolutePath().getParent());
    try (SFTPClient sftp = client.newSFTPClient()) {
      sftp.getFileTransfer().setPreserveAttributes(false);
      sftp.get(remotePath, new FileSystemFile(local.toFile()));
    }
  }

  private static TransferListener listener(LongConsumer progress) {
    return new TransferListener() {
      @Override
      public TransferListener directory(String name) {
        return this;
      }

      @Override
      public StreamCopier.Listener file(String name, long size) {
        return transferred -> progress.accept(transferred);
      }
    };
  }

  private static byte[] readAll(InputStream in) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(jumpClient);
  }

  private static void closeQuietly(SSHClient c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing a broken connection: nothing left to do
      }
    }
  }
}
