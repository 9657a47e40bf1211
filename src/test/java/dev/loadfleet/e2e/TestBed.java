package dev.loadfleet.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The namespace test bed of deploy/testbed/ (4 sshd injector hosts, the stand-in service on
 * lf-target), brought up once for the whole test run by the first test class that uses it and torn
 * down when the run ends. As root (always so in CI) a bed that cannot come up fails the tests; only
 * a non-root developer outside CI sees them aborted, with the reason.
 *
 * <p>Use with {@code @ExtendWith(TestBed.Extension.class)} and a {@code TestBed} parameter.
 */
public final class TestBed {
  /** The host whose sshd, and so every session and injector on it, runs with a skewed clock. */
  public static final String SKEWED_HOST = "lf-inj4";

  /** Its skew: the wall clock that host sees is this far ahead of the real one. */
  public static final long SKEW_MS = 5_000;

  public static final List<String> INJECTORS = List.of("lf-inj1", "lf-inj2", "lf-inj3", "lf-inj4");

  /**
   * A fifth injector the launcher reaches only through {@link #jump} (lf-inj1's sshd); in no
   * inventory unless a test names it.
   */
  public static final String HIDDEN = "lf-inj5";

  /** The service's host: the stand-in service, and an sshd for its own user. */
  public static final String TARGET = "lf-target";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path repo;
  private final Path scripts;
  private final Properties facts;

  private TestBed(Path repo, Properties facts) {
    this.repo = repo;
    this.scripts = repo.resolve("deploy/testbed");
    this.facts = facts;
  }

  /** Brings the bed up from scratch (down first: a crashed earlier run may have left parts). */
  static TestBed up() {
    Path repo = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    Path scripts = repo.resolve("deploy/testbed");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root && System.getenv("CI") == null) {
      Assumptions.abort(
          "the end-to-end test bed needs root (network namespaces, sshd, users): "
              + "run `sudo ./mvnw verify`; in CI these tests fail instead");
    }
    Result down = run(Duration.ofMinutes(2), scripts.resolve("down.sh").toString());
    if (down.code() != 0) {
      fail("deploy/testbed/down.sh failed before bringing the test bed up:\n" + down.output());
    }
    Result up =
        run(
            Duration.ofMinutes(6),
            scripts.resolve("up.sh").toString(),
            "--skew",
            SKEWED_HOST + "=+" + (SKEW_MS / 1000) + "s");
    if (up.code() != 0) {
      fail(
          "deploy/testbed/up.sh could not bring the test bed up (exit "
              + up.code()
              + "):\n"
              + up.output());
    }
    Properties facts = new Properties();
    try (InputStream in = Files.newInputStream(scripts.resolve(".state/testbed.env"))) {
      facts.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "up.sh succeeded but left no deploy/testbed/.state/testbed.env", e);
    }
    return new TestBed(repo, facts);
  }

  void down() {
    Result down = run(Duration.ofMinutes(2), scripts.resolve("down.sh").toString());
    if (down.code() != 0) {
      throw new IllegalStateException("deploy/testbed/down.sh failed:\n" + down.output());
    }
  }

  public Path repo() {
    return repo;
  }

  public Path key() {
    return Path.of(facts.getProperty("KEY"));
  }

  public Path knownHosts() {
    return Path.of(facts.getProperty("KNOWN_HOSTS"));
  }

  public String targetUrl() {
    return facts.getProperty("TARGET_URL");
  }

  /** Where the stand-in service on {@link #TARGET} stores recordings (readable by its user). */
  public String targetData() {
    return facts.getProperty("TARGET_DATA");
  }

  public String address(String host) {
    return fact(host, "address");
  }

  public String user(String host) {
    return fact(host, "user");
  }

  /** The host's sshd port: 22, but 2222 on lf-inj1. */
  public int port(String host) {
    return Integer.parseInt(fact(host, "port"));
  }

  /** The host's inventory entry (name, address, port, user, jump), indented as a list item. */
  public String hostEntry(String host) {
    return "  - name: "
        + host
        + "\n    address: "
        + address(host)
        + "\n    port: "
        + port(host)
        + "\n    user: "
        + user(host)
        + "\n"
        + (host.equals(HIDDEN) ? "    jump: " + jump(host) + "\n" : "");
  }

  /** The jump host ({@code user@address:port}) the launcher reaches {@link #HIDDEN} through. */
  public String jump(String host) {
    return fact(host, "jump");
  }

  /**
   * The user's login shell on the host: /bin/bash, but zsh (with talkative login files) on lf-inj3.
   */
  public String shell(String host) {
    return fact(host, "shell");
  }

  /** Whether the host's sshd has an SFTP subsystem (lf-inj2's has none). */
  public boolean hasSftp(String host) {
    return fact(host, "sftp").equals("yes");
  }

  private String fact(String host, String name) {
    String value = facts.getProperty(host + "." + name);
    if (value == null) {
      throw new IllegalArgumentException(
          "no test-bed host " + host + " (hosts: " + INJECTORS + ")");
    }
    return value;
  }

  /** The launcher of the built bundle (target/loadfleet-bundle), the one the service runs from. */
  public Path launcher() {
    return repo.resolve("target/loadfleet-bundle/bin/loadfleet");
  }

  /** A command on a host (an injector or the target) through its sshd, strict host keys. */
  public Result ssh(String host, String command) {
    return script("ssh.sh", host, command);
  }

  /** Whether something accepts TCP connections on the host's {@code port} (from this machine). */
  public boolean listens(String host, int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(address(host), port), 3000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** OpenSSH's sftp client against the host with the bed's key: does its sshd serve SFTP? */
  public Result sftp(String host) {
    return run(
        Duration.ofSeconds(30),
        "sftp",
        "-b",
        "/dev/null",
        "-P",
        String.valueOf(port(host)),
        "-i",
        key().toString(),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "IdentityAgent=none",
        "-o",
        "UserKnownHostsFile=" + knownHosts(),
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "BatchMode=yes",
        user(host) + "@" + address(host));
  }

  /** Cuts ({@code false}) or restores ({@code true}) the host's only link. */
  public void link(String host, boolean up) {
    check(script("link.sh", host, up ? "up" : "down"));
  }

  /** rekey.sh: {@code rotate}, {@code restore} or {@code accept}; returns what it printed. */
  public String rekey(String host, String operation) {
    return check(script("rekey.sh", host, operation)).output();
  }

  /** A fresh stand-in service: new data dir, counters at zero. */
  public void restartTarget() {
    check(script("target.sh", "restart"));
  }

  /** A fresh stand-in service started with these extra options (e.g. its fault knobs). */
  public void restartTarget(String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "restart";
    args[1] = "--";
    System.arraycopy(options, 0, args, 2, options.length);
    check(script("target.sh", args));
  }

  /** The stand-in service's GET /stats. */
  public JsonNode targetStats() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(targetUrl() + "/stats"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(targetUrl() + "/stats answered " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(targetUrl() + "/stats did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Java processes the host's own user runs inside the host's namespace: the injectors (and
   * nothing else, as the launcher runs nothing else there that lives on). Found from the root
   * namespace, so this works while the host's link is cut.
   */
  public List<ProcessHandle> javaProcesses(String host) {
    Result pids = run(Duration.ofSeconds(10), "ip", "netns", "pids", host);
    check(pids);
    String user = user(host);
    List<ProcessHandle> found = new ArrayList<>();
    for (String line : pids.output().split("\\s+")) {
      if (line.isBlank()) {
        continue;
      }
      ProcessHandle.of(Long.parseLong(line.trim()))
          .filter(p -> p.info().user().map(user::equals).orElse(false))
          .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
          .ifPresent(found::add);
    }
    return found;
  }

  /** Every injector Java process on every host. */
  public List<ProcessHandle> allJavaProcesses() {
    List<ProcessHandle> all = new ArrayList<>();
    for (String host : INJECTORS) {
      all.addAll(javaProcesses(host));
    }
    all.addAll(javaProcesses(HIDDEN));
    return all;
  }

  /** Ends whatever a failed test left running on the hosts (by pid, inside our namespaces only). */
  public void killLeftovers() {
    for (ProcessHandle p : allJavaProcesses()) {
      p.destroyForcibly();
    }
  }

  /**
   * After a scenario that started the stand-in with other options: ends what it left running and
   * gives the next one a plain stand-in.
   */
  public void killLeftoversAndRestartTarget() {
    killLeftovers();
    restartTarget();
  }

  /** How many times each host's sshd has let a key in so far (from its own log). */
  public long acceptedLogins(String host) {
    // deploy/testbed/lib.sh HOST_STATE: outside the repo, which a host's private /tmp may hide.
    Path log = Path.of("/var/lib/loadfleet-testbed/hosts", host, "sshd.log");
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.contains("Accepted publickey"))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Result script(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(scripts.resolve(name).toString());
    command.addAll(Arrays.asList(args));
    return run(Duration.ofSeconds(90), command.toArray(String[]::new));
  }

  private static Result check(Result result) {
    if (result.code() != 0) {
      throw new IllegalStateException(
          result.command() + " failed (exit " + result.code() + "):\n" + result.output());
    }
    return result;
  }

  /** Runs a local command to its end (stdout and stderr together), bounded by {@code timeout}. */
  static Result run(Duration timeout, String... command) {
    try {
      Path out = Files.createTempFile("loadfleet-e2e", ".out");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor();
          return new Result(
              String.join(" ", command),
              -1,
              Files.readString(out) + "\n(killed after " + timeout.toSeconds() + " s)");
        }
        return new Result(String.join(" ", command), p.exitValue(), Files.readString(out));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What a finished command printed and returned. */
  public record Result(String command, int code, String output) {}

  /** Brings the bed up once per test run and down at its end; injects {@link TestBed}. */
  public static final class Extension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS =
        ExtensionContext.Namespace.create(TestBed.class);

    @Override
    public void beforeAll(ExtensionContext context) {
      bed(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == TestBed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return bed(context);
    }

    private static TestBed bed(ExtensionContext context) {
      // The root store lives for the whole run and closes its resources at the very end.
      return context
          .getRoot()
          .getStore(NS)
          .getOrComputeIfAbsent("bed", k -> new Holder(TestBed.up()), Holder.class)
          .bed;
    }

    /** JUnit (5.13+) closes an AutoCloseable value of the root store at the end of the run. */
    private record Holder(TestBed bed) implements AutoCloseable {
      @Override
      public void close() {
        bed.down();
      }
    }
  }
}
