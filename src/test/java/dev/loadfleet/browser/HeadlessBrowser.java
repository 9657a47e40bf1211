package dev.loadfleet.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real headless Chromium for tests that must see a page as a person does: scripts run, canvases
 * draw, errors land in the console. Use it with try-with-resources:
 *
 * <pre>{@code
 * try (HeadlessBrowser browser = HeadlessBrowser.start();
 *     Page page = browser.open(report.toUri().toString())) {
 *   page.waitFor("document.querySelector('#container svg') != null", Duration.ofSeconds(10));
 *   assertEquals(List.of(), page.consoleErrors());
 *   page.screenshot(dir.resolve("report.png"));
 * }
 * }</pre>
 *
 * <p>The browser is Debian's {@code chromium-headless-shell}: Chromium's headless-only build,
 * packaged for bookworm with security updates, smaller than the full {@code chromium}. A missing
 * browser fails the test with the package to install: {@code .ci/run} installs it, so a skip would
 * only hide a broken CI.
 *
 * <p>It speaks the Chrome DevTools Protocol itself, over the JDK's {@link java.net.http.WebSocket}
 * with Jackson: a few hundred lines and no new dependency. Selenium would add its jars, Debian's
 * chromium-driver as a second process, and DevTools bindings versioned per Chromium release (the
 * console and network events we need come through them); Playwright for Java carries its own Node
 * driver and wants its own browser builds. Both cost more than the handful of protocol commands
 * used here: Target, Page, Runtime, Log and Emulation, all stable parts of the protocol.
 *
 * <p>Chromium starts with a fresh temporary profile, no sandbox (tests run as root), no GPU, and
 * with every background service that phones Google turned off: the test machines have no internet,
 * so otherwise Chromium keeps trying and logs errors. DevTools listens on 127.0.0.1 at a port
 * Chromium picks and writes into the profile. Every call is bounded in time, and {@link #close()}
 * kills Chromium and all its child processes and deletes the profile, also after a failed test; a
 * shutdown hook does the same if the JVM ends before close.
 */
public final class HeadlessBrowser implements AutoCloseable {
  /**
   * Where Debian's chromium-headless-shell puts the browser. Not /usr/bin/chromium-headless-shell:
   * that is a shell script running Chromium as its child without exec, so the process we would hold
   * is the shell's and killing it would leave Chromium running.
   */
  static final List<Path> BINARIES = List.of(Path.of("/usr/lib/chromium/chromium-headless-shell"));

  static final Duration STARTUP = Duration.ofSeconds(30);
  static final Duration CALL = Duration.ofSeconds(10);
  private static final Duration EXIT = Duration.ofSeconds(3);

  private final Process process;
  private final Path home;
  private final Cdp cdp;
  private final Thread killOnExit;
  private boolean closed;

  private HeadlessBrowser(Process process, Path home, Cdp cdp, Thread killOnExit) {
    this.process = process;
    this.home = home;
    this.cdp = cdp;
    this.killOnExit = killOnExit;
  }

  /** Starts Debian's headless Chromium; fails naming the package to install when it is missing. */
  public static HeadlessBrowser start() {
    return start(BINARIES);
  }

  static HeadlessBrowser start(List<Path> candidates) {
    Path binary =
        candidates.stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "No headless browser at "
                            + candidates
                            + ": install Debian's package with"
                            + " `apt-get install chromium-headless-shell` (.ci/run does)."));
    Path home;
    try {
      home = Files.createTempDirectory("loadfleet-browser-");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create a temporary browser profile", e);
    }
    Path profile = home.resolve("profile");
    Path log = home.resolve("chromium.log");
    List<String> command =
        List.of(
            binary.toString(),
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--disable-extensions",
            "--disable-default-apps",
            "--hide-scrollbars",
            "--mute-audio",
            "--user-data-dir=" + profile,
            "--remote-debugging-port=0",
            "about:blank");
    Process process = null;
    Thread killOnExit = null;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Process started = process;
      killOnExit = new Thread(() -> kill(started), "kill-headless-browser");
      Runtime.getRuntime().addShutdownHook(killOnExit);
      URI devtools = devtoolsUri(process, profile, log);
      Cdp cdp = Cdp.connect(devtools, STARTUP, () -> tail(log));
      return new HeadlessBrowser(process, home, cdp, killOnExit);
    } catch (IOException | RuntimeException e) {
      String output = tail(log);
      if (process != null) {
        kill(process);
        removeHook(killOnExit);
      }
      deleteTree(home);
      if (e instanceof IllegalStateException) {
        throw (IllegalStateException) e;
      }
      throw new IllegalStateException("Could not start " + binary + ": " + e + output, e);
    }
  }

  /** Opens {@code url} in a new tab of 1280x800 CSS pixels and waits for its load event. */
  public Page open(String url) {
    return open(url, 1280, 800);
  }

  /** Opens {@code url} in a new tab of the given size and waits for its load event. */
  public synchronized Page open(String url, int width, int height) {
    if (closed) {
      throw new IllegalStateException("The browser is closed; cannot open " + url);
    }
    String target =
        cdp.call(null, "Target.createTarget", Cdp.params().put("url", "about:blank"), CALL)
            .get("targetId")
            .asText();
    String session =
        cdp.call(
                null,
                "Target.attachToTarget",
                Cdp.params().put("targetId", target).put("flatten", true),
                CALL)
            .get("sessionId")
            .asText();
    try {
      Page page = new Page(cdp, target, session);
      page.setViewport(width, height);
      page.navigate(url);
      return page;
    } catch (RuntimeException | AssertionError e) {
      Page.closeTab(cdp, target, session);
      throw e;
    }
  }

  /** The browser's process, so tests can see it end. */
  ProcessHandle process() {
    return process.toHandle();
  }

  /** Closes Chromium with every page, kills it and its child processes, deletes the profile. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      cdp.call(null, "Browser.close", Cdp.params(), EXIT);
    } catch (RuntimeException e) {
      // the browser may be gone or stuck already: it is killed below either way
    } finally {
      cdp.close();
      kill(process);
      removeHook(killOnExit);
      deleteTree(home);
    }
  }

  /**
   * Reads DevToolsActivePort, which Chromium writes into the profile once it listens: the port on
   * the first line, the browser's WebSocket path on the second.
   */
  private static URI devtoolsUri(Process process, Path profile, Path log) throws IOException {
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The browser exited with code " + process.exitValue() + " at start" + tail(log));
      }
      if (Files.exists(portFile)) {
        List<String> lines = Files.readAllLines(portFile);
        if (lines.size() >= 2 && !lines.get(1).isBlank()) {
          return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        }
      }
      sleep(20);
    }
    throw new IllegalStateException(
        "The browser did not open its DevTools port within " + STARTUP + tail(log));
  }

  /**
   * Ends Chromium and every process it started (renderers, zygote), by pid, forcibly if need be.
   */
  private static void kill(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + EXIT.toNanos();
    while (children.stream().anyMatch(HeadlessBrowser::running) && System.nanoTime() < deadline) {
      sleep(10);
    }
  }

  /**
   * Whether {@code process} still runs. Chromium's helpers outlive their parent by a moment and
   * then belong to pid 1, which may take a second or more to reap them: a zombie has ended, though
   * {@link ProcessHandle#isAlive()} says it is alive until it is reaped.
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // "pid (command) state ...": the command may hold spaces and parentheses, so cut after the
      // last ')'
      String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return !state.startsWith("Z") && !state.startsWith("X");
    } catch (IOException | RuntimeException e) {
      return process.isAlive(); // no /proc entry: gone, unless this is not Linux
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook itself
    }
  }

  /** The end of the browser's own output, to append to an error message. */
  private static String tail(Path log) {
    try {
      // Without a D-Bus (containers, CI) Chromium logs errors about it that mean nothing here.
      String text =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(line -> !line.contains("dbus"))
              .collect(Collectors.joining("\n"))
              .strip();
      String end = text.substring(Math.max(0, text.length() - 2000));
      return end.isEmpty() ? "" : "\nBrowser output (last lines):\n" + end;
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover temporary profile is harmless
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the browser", e);
    }
  }
}
