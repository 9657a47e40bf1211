package dev.loadfleet.remote;

import dev.loadfleet.config.HostSpec;
import dev.loadfleet.config.JumpHost;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthNone;

/**
 * One authenticated SSH connection to a host (through its jump host if it has one). Each command
 * gets its own {@link Session}: an sshj session runs one command only.
 *
 * <p>Every command runs as {@code /bin/sh -c COMMAND}, started from the user's login shell (bash,
 * dash or zsh alike) after a marker line on stdout and on stderr. What the login files print before
 * it (a {@code .zshenv} greeting, a notice) is cut off at the marker, so callers see only their
 * command's output; a login shell that never reaches the marker is reported as such. Files travel
 * over the same kind of channel ({@code cat}), so a host needs no SFTP subsystem.
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

  /** Printed by the login shell just before our command; everything before it is the shell's. */
  static final String BEGIN = MarkedOutput.MARKER + "begin";

  /** How much a login shell may print before the marker (a greeting, not a file). */
  private static final int MAX_GREETING_BYTES = 1 << 20;

  /** Connections attempted by this launcher process so far. */
  private static final java.util.concurrent.atomic.AtomicLong ATTEMPTS =
      new java.util.concurrent.atomic.AtomicLong();

  private final HostSpec host;
  private final SSHClient client;
  private final SSHClient jumpClient;

  private RemoteHost(HostSpec host, SSHClient client, SSHClient jumpClient) {
    this.host = host;
    this.client = client;
    this.jumpClient = jumpClient;
  }

  /**
   * Connects, verifies the host key against known_hosts and logs in. The keys are read (and their
   * passphrases asked) before any connection is opened.
   *
   * @throws HostKeyException when the host key is unknown (without accept-new) or changed
   * @throws SshFailure when the host cannot be reached or refuses every key; it says the fix
   */
  public static RemoteHost connect(HostSpec host, SshOptions options) throws IOException {
    options.credentials().methods(host); // a bad key file fails here, before any connection
    ATTEMPTS.incrementAndGet();
    SSHClient jumpClient = null;
    SSHClient client = newClient(options);
    try {
      KnownHosts knownHosts = KnownHosts.open(options.knownHosts(), options.acceptNew());
      client.addHostKeyVerifier(knownHosts);
      if (host.jump().isPresent()) {
        JumpHost jump = host.jump().get();
        String jumpRole = "jump host " + jump + " of " + host.name();
        jumpClient = newClient(options);
        KnownHosts jumpKnown = KnownHosts.open(options.knownHosts(), options.acceptNew());
        jumpClient.addHostKeyVerifier(jumpKnown);
        tcp(jumpClient, jumpKnown, jump.address(), jump.port(), jumpRole, options);
        login(jumpClient, jump.user(), jump.address(), jump.port(), jumpRole, host, options);
        DirectConnection tunnel;
        try {
          tunnel = jumpClient.newDirectConnection(host.address(), host.port());
        } catch (OpenFailException e) {
          throw new SshFailure(
              SshFailure.Kind.REFUSED,
              host.name()
                  + ": the jump host "
                  + jump
                  + " could not open a connection to "
                  + host.address()
                  + ":"
                  + host.port()
                  + " ("
                  + e.getReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + ")",
              "check the host's address and port as the jump host sees them (`ssh "
                  + jump.user()
                  + "@"
                  + jump.address()
                  + " nc -zv "
                  + host.address()
                  + " "
                  + host.port()
                  + "`), and that the jump host's sshd allows TCP forwarding",
              e);
        }
        try {
          client.connectVia(tunnel);
        } catch (TransportException e) {
          throw handshake(knownHosts, e, host.name() + " (via " + jump + ")", host.port());
        }
      } else {
        tcp(client, knownHosts, host.address(), host.port(), host.name(), options);
      }
      login(client, host.user(), host.address(), host.port(), host.name(), host, options);
      return new RemoteHost(host, client, jumpClient);
    } catch (IOException | RuntimeException e) {
      closeQuietly(client);
      closeQuietly(jumpClient);
      throw e;
    }
  }

  /** How many connections this process has attempted (a command that made none left no trace). */
  public static long connectAttempts() {
    return ATTEMPTS.get();
  }

  private static SSHClient newClient(SshOptions options) {
    DefaultConfig config = new DefaultConfig();
    // Keep-alive must be chosen before connect(), or it never runs (sshj#784). It also lets a
    // cut link be noticed: after 5 unanswered keep-alives the connection is closed.
    config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    SSHClient client = new SSHClient(config);
    client.getConnection().getKeepAlive().setKeepAliveInterval(KEEP_ALIVE_SECONDS);
    client.setConnectTimeout((int) options.connectTimeout().toMillis());
    // Bounds the wait for the server's greeting too: a port that accepts and never speaks SSH
    // would hold connect() forever. Lifted once connected (see tcp), where keep-alives rule.
    client.setTimeout((int) options.connectTimeout().toMillis());
    return client;
  }

  /** Opens the TCP connection and runs the handshake, or says which of the network's faults. */
  private static void tcp(
      SSHClient client,
      KnownHosts knownHosts,
      String address,
      int port,
      String who,
      SshOptions options)
      throws IOException {
    String where = address + ":" + port;
    try {
      client.connect(address, port);
      client.getSocket().setSoTimeout(0);
    } catch (TransportException e) {
      if (causedBy(e, SocketTimeoutException.class)) {
        throw new SshFailure(
            SshFailure.Kind.TIMEOUT,
            who
                + ": "
                + where
                + " accepted the connection but sent no SSH greeting within "
                + options.connectTimeout().toSeconds()
                + " s",
            "check the port in the inventory: it should be an SSH server's (`ssh -v -p "
                + port
                + " "
                + address
                + "` shows what answers there)",
            e);
      }
      throw handshake(knownHosts, e, who + " (" + where + ")", port);
    } catch (UnknownHostException e) {
      throw new SshFailure(
          SshFailure.Kind.UNKNOWN_HOST,
          who + ": the host name " + address + " does not resolve (unknown host)",
          "check the address in the inventory (or HostName in ~/.ssh/config) and this machine's DNS",
          e);
    } catch (ConnectException e) {
      throw new SshFailure(
          SshFailure.Kind.REFUSED,
          who + ": " + where + " refused the connection (nothing listens on port " + port + ")",
          "check the port in the inventory (sshd may listen on another) and that sshd runs on "
              + address,
          e);
    } catch (SocketTimeoutException e) {
      throw new SshFailure(
          SshFailure.Kind.TIMEOUT,
          who
              + ": "
              + where
              + " did not answer within "
              + options.connectTimeout().toSeconds()
              + " s (connection timed out)",
          "check that the host is up and on the network, its address, and that no firewall drops"
              + " port "
              + port,
          e);
    } catch (NoRouteToHostException e) {
      throw new SshFailure(
          SshFailure.Kind.NO_ROUTE,
          who + ": no route to " + address + " (host unreachable)",
          "check the address and the network between this machine and the host (is it up, is its"
              + " link up?)",
          e);
    } catch (IOException e) {
      throw new SshFailure(
          SshFailure.Kind.HANDSHAKE,
          who + ": cannot connect to " + where + " (" + e.getMessage() + ")",
          "check the address and port, that sshd runs there and that no firewall is in the way",
          e);
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static IOException handshake(
      KnownHosts knownHosts, TransportException e, String who, int port) {
    if (knownHosts.refusal() != null) {
      return knownHosts.refusal();
    }
    return new SshFailure(
        SshFailure.Kind.HANDSHAKE,
        who + ": the SSH handshake failed (" + e.getMessage() + ")",
        "check that port "
            + port
            + " is an SSH server's and that it offers current algorithms (`ssh -v` shows what it"
            + " offers)",
        e);
  }

  private static void login(
      SSHClient client,
      String user,
      String address,
      int port,
      String who,
      HostSpec host,
      SshOptions options)
      throws IOException {
    try {
      List<AuthMethod> methods = options.credentials().methods(host);
      if (methods.isEmpty()) {
        // Nothing to offer: ask with "none", whose refusal lists the methods the server takes.
        try {
          client.auth(user, new AuthNone());
        } catch (UserAuthException e) {
          throw options
              .credentials()
              .noKey(
                  who + ": " + user + "@" + address + ":" + port,
                  offered(client.getUserAuth().getAllowedMethods()));
        }
        return; // a server that lets anyone in
      }
      client.auth(user, methods);
    } catch (UserAuthException e) {
      List<String> offered = List.copyOf(client.getUserAuth().getAllowedMethods());
      String keys = options.credentials().describe(host);
      String fix =
          offered.isEmpty() || offered.contains("publickey")
              ? "install the public key for "
                  + user
                  + ": `ssh-copy-id "
                  + host.keyFile().map(k -> "-i " + k + " ").orElse("")
                  + "-p "
                  + port
                  + " "
                  + user
                  + "@"
                  + address
                  + "`, or correct user and keyFile in the inventory"
              : "the server takes no keys: allow PubkeyAuthentication in its sshd_config";
      throw new SshFailure(
          SshFailure.Kind.AUTH_REJECTED,
          who
              + ": "
              + user
              + "@"
              + address
              + ":"
              + port
              + " refused "
              + keys
              + " (the server offers: "
              + offered(offered)
              + ")",
          fix,
          e);
    } catch (TransportException e) {
      throw new SshFailure(
          SshFailure.Kind.HANDSHAKE,
          who + ": the connection broke while logging in as " + user + " (" + e.getMessage() + ")",
          "check the host's sshd log; it may limit logins (MaxStartups) or be restarting",
          e);
    }
  }

  private static String offered(java.util.Collection<String> methods) {
    return methods.isEmpty() ? "nothing" : String.join(", ", methods);
  }

  public HostSpec host() {
    return host;
  }

  public boolean isConnected() {
    return client.isConnected() && client.isAuthenticated();
  }

  /**
   * The command line sent for {@code command}: a marker on stdout and stderr, then the command
   * under {@code /bin/sh}, whatever the login shell. Quote-free before the command, so every login
   * shell of the POSIX family reads it alike.
   */
  static String wire(String command) {
    return "echo " + BEGIN + "; echo " + BEGIN + " >&2; exec /bin/sh -c " + Shell.quote(command);
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
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    Run run = start(command, stdout);
    try (run) {
      if (input != null) {
        try {
          run.input().write(input);
        } catch (IOException e) {
          // The command ended before reading it all; its exit and stderr say why.
        }
      }
      run.closeInput();
      return run.finish(System.nanoTime() + timeout.toNanos(), timeout);
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
   * Streams {@code local} into {@code remotePath} over a plain command channel ({@code cat}),
   * reporting bytes sent. {@code progress} may throw an unchecked exception to abort the transfer
   * (the remote file is then left short).
   *
   * @return the command's result; its stderr says why when it failed (permission, disk full)
   */
  public ExecResult upload(Path local, String remotePath, LongConsumer progress)
      throws IOException {
    Run run = start("cat > " + Shell.quote(remotePath), OutputStream.nullOutputStream());
    try (run;
        InputStream in = Files.newInputStream(local)) {
      OutputStream remote = run.input();
      byte[] buffer = new byte[1 << 16];
      long sent = 0;
      IOException broken = null;
      for (int n; (n = in.read(buffer)) > 0; ) {
        try {
          remote.write(buffer, 0, n);
        } catch (IOException e) {
          // The remote cat ended early (disk full, permission): its exit and stderr say why.
          broken = e;
          break;
        }
        sent += n;
        progress.accept(sent);
      }
      if (broken == null) {
        try {
          remote.flush();
        } catch (IOException e) {
          broken = e;
        }
      }
      run.closeInput();
      Duration wait = Duration.ofMinutes(2);
      ExecResult r = run.finish(System.nanoTime() + wait.toNanos(), wait);
      if (broken != null && r.ok()) {
        // cat saw only an early end of its input: the stream, not the host, failed.
        throw new IOException(
            host.name()
                + ": streaming to "
                + remotePath
                + " broke after "
                + sent
                + " bytes ("
                + broken.getMessage()
                + ")",
            broken);
      }
      return r;
    }
  }

  /**
   * Copies {@code remotePath} (symbolic links followed) to {@code local}: its size first, then
   * exactly that many bytes ({@code head -c}), so a file still growing (a running injector's log)
   * arrives as one consistent prefix, and output cut short is known as such.
   */
  public void download(String remotePath, Path local) throws IOException {
    Files.createDirectories(local.toAbsolutePath().getParent());
    ExecResult r;
    SizedCopy copy;
    try (OutputStream out = Files.newOutputStream(local)) {
      copy = new SizedCopy(out);
      Run run =
          start(
              "f="
                  + Shell.quote(remotePath)
                  + "; n=$(wc -c < \"$f\") || exit 1; echo \"$n\"; exec head -c \"$n\" -- \"$f\"",
              copy);
      try (run) {
        run.closeInput();
        Duration wait = Duration.ofMinutes(30);
        r = run.finish(System.nanoTime() + wait.toNanos(), wait);
      }
    }
    if (!r.ok()) {
      throw new IOException(
          host.name() + ": copying " + remotePath + " home failed (" + r.describe() + ")");
    }
    if (!copy.complete()) {
      throw new IOException(
          host.name()
              + ": copying "
              + remotePath
              + " home was cut short ("
              + copy.received
              + " of "
              + copy.size
              + " bytes)");
    }
  }

  /** A size line, then that many bytes to the sink; whatever follows is not the file's. */
  private static final class SizedCopy extends OutputStream {
    private final OutputStream sink;
    private final StringBuilder sizeLine = new StringBuilder();
    private long size = -1;
    private long received;

    SizedCopy(OutputStream sink) {
      this.sink = sink;
    }

    boolean complete() {
      return size >= 0 && received == size;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int i = off;
      int end = off + len;
      while (size < 0 && i < end) {
        char c = (char) b[i++];
        if (c == '\n') {
          String digits = sizeLine.toString().trim();
          if (!digits.matches("\\d{1,18}")) {
            throw new IOException("the file's size came as '" + digits + "'");
          }
          size = Long.parseLong(digits);
        } else if (sizeLine.length() < 64) {
          sizeLine.append(c);
        }
      }
      int n = (int) Math.min(end - i, size - received);
      if (n > 0) {
        sink.write(b, i, n);
        received += n;
      }
    }
  }

  /**
   * Starts {@code command} as a conversation: each {@link Conversation#ask} sends one line to its
   * stdin and waits for one line of its stdout. For exchanges whose timing matters (the clock),
   * without a command's start-up inside each round trip.
   */
  public Conversation converse(String command) throws IOException {
    return new Conversation(start(command, null));
  }

  /** A long-lived command answering a line with a line; see {@link #converse}. */
  public final class Conversation implements Closeable {
    private final Run run;
    private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();

    private Conversation(Run run) {
      this.run = run;
      DRAIN.execute(
          () -> {
            try (BufferedReader reader =
                new BufferedReader(
                    new InputStreamReader(run.stdoutAfterBegin(), StandardCharsets.UTF_8))) {
              for (String line; (line = reader.readLine()) != null; ) {
                lines.add(Optional.of(line));
              }
            } catch (IOException e) {
              // the end of the conversation, as below
            }
            lines.add(Optional.empty());
          });
    }

    /** Sends {@code line} and returns the next line the command prints. */
    public String ask(String line, Duration timeout) throws IOException {
      OutputStream in = run.input();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      try {
        Optional<String> answer = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
          throw new IOException(
              host.name()
                  + ": no answer within "
                  + timeout.toMillis()
                  + " ms from the remote shell");
        }
        if (answer.isEmpty()) {
          lines.add(answer); // stays ended for the next ask
          throw new IOException(
              host.name()
                  + ": the remote command ended ("
                  + run.stderrHead()
                  + "); the login shell may not have run it");
        }
        return answer.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(host.name() + ": interrupted", e);
      }
    }

    @Override
    public void close() {
      run.close();
    }
  }

  private Run start(String command, OutputStream stdout) throws IOException {
    Session session = client.startSession();
    try {
      return new Run(session, session.exec(wire(command)), stdout);
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * One running command: stdout (after the login shell's greeting) into a sink, stderr (likewise)
   * into memory, both drained while it runs, or a full window stalls it and join() never returns
   * (sshj#508).
   */
  private final class Run implements Closeable {
    private final Session session;
    private final Session.Command cmd;
    private final BeginFilter stdout;
    private final BeginFilter stderr;
    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final CompletableFuture<Void> outDone;
    private final CompletableFuture<Void> errDone;

    Run(Session session, Session.Command cmd, OutputStream stdoutSink) {
      this.session = session;
      this.cmd = cmd;
      this.stdout = stdoutSink == null ? null : new BeginFilter(stdoutSink);
      this.stderr = new BeginFilter(stderrBytes);
      this.outDone =
          stdoutSink == null
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.runAsync(() -> copy(cmd.getInputStream(), stdout), DRAIN);
      this.errDone = CompletableFuture.runAsync(() -> copy(cmd.getErrorStream(), stderr), DRAIN);
    }

    OutputStream input() {
      return cmd.getOutputStream();
    }

    /** Sends end-of-file: the command reads nothing more. */
    void closeInput() {
      try {
        cmd.getOutputStream().close();
      } catch (IOException e) {
        // the command has ended already; finish() reports how
      }
    }

    /** The stdout stream past the greeting, for a conversation that reads it itself. */
    InputStream stdoutAfterBegin() throws IOException {
      InputStream in = cmd.getInputStream();
      ByteArrayOutputStream greeting = new ByteArrayOutputStream();
      byte[] marker = (BEGIN + "\n").getBytes(StandardCharsets.US_ASCII);
      int matched = 0;
      while (matched < marker.length) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("the login shell ended before running the command");
        }
        greeting.write(b);
        matched = advance(marker, matched, (byte) b);
        if (greeting.size() > MAX_GREETING_BYTES) {
          throw new IOException("the login shell printed more than 1 MiB before the command");
        }
      }
      return in;
    }

    String stderrHead() {
      String s = stderrBytes.toString(StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? "no message" : s.lines().findFirst().orElse("");
    }

    ExecResult finish(long deadline, Duration timeout) throws IOException {
      try {
        outDone.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        errDone.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        cmd.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IOException(
            host.name() + ": command did not finish within " + timeout.toSeconds() + " s", e);
      } catch (ExecutionException e) {
        Throwable cause =
            e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
        throw new IOException(
            host.name() + ": reading command output failed: " + cause.getMessage(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(host.name() + ": interrupted", e);
      }
      // The exit status is null when the server sends none (e.g. killed by a signal).
      Optional<Integer> status = Optional.ofNullable(cmd.getExitStatus());
      Optional<String> signal = Optional.ofNullable(cmd.getExitSignal()).map(Enum::name);
      if (stdout != null && !stdout.begun()) {
        throw loginShellFailure(status, stdout.greeting() + stderr.greeting());
      }
      String out =
          stdout != null && stdout.sink() instanceof ByteArrayOutputStream b
              ? b.toString(StandardCharsets.UTF_8)
              : "";
      String err = stderrBytes.toString(StandardCharsets.UTF_8);
      if (!stderr.begun()) {
        err = stderr.greeting() + err;
      }
      return new ExecResult(status, signal, out, err);
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (IOException e) {
        // closing a broken channel: nothing left to do
      }
    }
  }

  private SshFailure loginShellFailure(Optional<Integer> status, String printed) {
    String shown = printed.strip().replaceAll("\\s+", " ");
    if (shown.length() > 200) {
      shown = shown.substring(0, 200) + "...";
    }
    return new SshFailure(
        SshFailure.Kind.LOGIN_SHELL,
        host.name()
            + ": the login shell of "
            + host.user()
            + " did not run the launcher's command ("
            + status.map(s -> "exit " + s).orElse("no exit status")
            + (shown.isEmpty() ? "" : "; it printed: " + shown)
            + ")",
        "give "
            + host.user()
            + " a POSIX login shell (bash, dash or zsh: `sudo chsh -s /bin/bash "
            + host.user()
            + "` on the host) whose login files neither exit nor exec another program");
  }

  /**
   * Passes on what follows the first {@link #BEGIN} line; keeps what came before (the login shell's
   * greeting) apart, bounded, for messages.
   */
  private static final class BeginFilter extends OutputStream {
    private static final byte[] MARKER = (BEGIN + "\n").getBytes(StandardCharsets.US_ASCII);
    private final OutputStream sink;
    private final ByteArrayOutputStream greeting = new ByteArrayOutputStream();
    private int matched;
    private boolean begun;

    BeginFilter(OutputStream sink) {
      this.sink = sink;
    }

    OutputStream sink() {
      return sink;
    }

    boolean begun() {
      return begun;
    }

    String greeting() {
      return greeting.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (begun) {
        sink.write(b, off, len);
        return;
      }
      for (int i = 0; i < len; i++) {
        byte c = b[off + i];
        if (greeting.size() < MAX_GREETING_BYTES) {
          greeting.write(c);
        }
        matched = advance(MARKER, matched, c);
        if (matched == MARKER.length) {
          begun = true;
          byte[] kept = greeting.toByteArray();
          greeting.reset();
          greeting.write(kept, 0, Math.max(0, kept.length - MARKER.length));
          sink.write(b, off + i + 1, len - i - 1);
          return;
        }
      }
    }
  }

  /**
   * How much of {@code marker} ("@@loadfleet begin\n", whose only repeated byte is its leading
   * '@@') the bytes seen so far end with, after one more byte {@code c}.
   */
  private static int advance(byte[] marker, int matched, byte c) {
    if (c == marker[matched]) {
      return matched + 1;
    }
    return c == marker[0] ? (matched == 2 ? 2 : 1) : 0;
  }

  private static void copy(InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
