package dev.loadfleet.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The run's live dashboard and its Prometheus endpoint, on one small HTTP server the launcher runs
 * while it watches (127.0.0.1 unless told otherwise: the figures name hosts and the service).
 *
 * <ul>
 *   <li>{@code /}: the page; its charts (uPlot, served from the webjar in the launcher's own
 *       classpath, never a CDN) ask {@code /api/frames} for new figures at every poll;
 *   <li>{@code /api/frames?since=N&page=ID}: the frames after N as JSON, with the run's id, T0 and
 *       whether the launcher is ending (a page told so stops asking, see {@link #close()});
 *   <li>{@code /metrics}: the figures in Prometheus' text or OpenMetrics format ({@link
 *       LiveMetrics} through the official client's exporter);
 *   <li>{@code /report/}: the run's report once it is built (the page links it).
 * </ul>
 */
public final class Dashboard implements AutoCloseable {
  /**
   * Where it listens.
   *
   * @param port 0 for any free port
   */
  public record Options(String bindAddress, int port) {
    public static final Options LOOPBACK_ANY_PORT = new Options("127.0.0.1", 0);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPLOT = uplotDir();
  private static final Map<String, String> ASSETS =
      Map.of(
          "uPlot.iife.min.js",
          UPLOT + "uPlot.iife.min.js",
          "uPlot.min.css",
          UPLOT + "uPlot.min.css",
          "dashboard.js",
          "dev/loadfleet/live/dashboard.js",
          "dashboard.css",
          "dev/loadfleet/live/dashboard.css");

  private final HttpServer server;
  private final ExecutorService executor;
  private final LiveBoard board;
  private final Path reportDir;
  private final long pollMs;

  /** Each open page (its id) and when it last asked for frames, in nanoseconds. */
  private final Map<String, Long> pages = new ConcurrentHashMap<>();

  /** The pages that were answered "ended". */
  private final Set<String> told = ConcurrentHashMap.newKeySet();

  private volatile boolean ending;

  private Dashboard(
      HttpServer server, ExecutorService executor, LiveBoard board, Path reportDir, long pollMs) {
    this.server = server;
    this.executor = executor;
    this.board = board;
    this.reportDir = reportDir;
    this.pollMs = pollMs;
  }

  /**
   * Starts serving.
   *
   * @param reportDir the run's report folder, served at /report/ once it exists
   * @param pollMs how often the board gets a frame: the page asks as often
   * @throws IOException when the address cannot be bound (the message names it)
   */
  public static Dashboard start(Options options, LiveBoard board, Path reportDir, long pollMs)
      throws IOException {
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getByName(options.bindAddress()), options.port());
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException(
          "the dashboard cannot listen on "
              + options.bindAddress()
              + ":"
              + options.port()
              + " ("
              + e.getMessage()
              + "); give another --dashboard PORT, or --no-dashboard",
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            3,
            r -> {
              Thread t = new Thread(r, "dashboard");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    Dashboard d = new Dashboard(server, executor, board, reportDir, pollMs);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new LiveMetrics(board));
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/api/frames", d::frames);
    server.createContext("/assets/", d::asset);
    server.createContext("/report/", d::report);
    server.createContext("/", d::page);
    server.start();
    return d;
  }

  /** The page's address, e.g. http://127.0.0.1:41235/. */
  public URI address() {
    InetSocketAddress a = server.getAddress();
    String host =
        a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
  }

  /**
   * Stops serving, once the pages that are open have heard that the launcher is ending: each page
   * that asked for frames within its last two polls gets "ended" on its next one and stops asking,
   * so it neither shows a stale board as live nor fails on a server that is gone. The wait is
   * bounded by one page poll and a second; a page that does not come back is not waited for.
   */
  @Override
  public void close() {
    if (ending) {
      return;
    }
    ending = true;
    long interval = pagePollMs(pollMs);
    long now = System.nanoTime();
    long deadline = now + TimeUnit.MILLISECONDS.toNanos(interval + 1000);
    long recent = now - TimeUnit.MILLISECONDS.toNanos(2 * interval + 1000);
    try {
      while (System.nanoTime() < deadline
          && pages.entrySet().stream()
              .anyMatch(e -> e.getValue() - recent > 0 && !told.contains(e.getKey()))) {
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** How often the page asks for frames: as often as the board gets one, within 0.5 to 5 s. */
  static long pagePollMs(long pollMs) {
    return Math.max(500, Math.min(pollMs, 5000));
  }

  private void page(HttpExchange x) throws IOException {
    if (!x.getRequestURI().getPath().equals("/")) {
      send(
          x,
          404,
          "text/plain",
          "no such page; the dashboard is at /".getBytes(StandardCharsets.UTF_8));
      return;
    }
    send(x, 200, "text/html; charset=utf-8", resource("dev/loadfleet/live/dashboard.html"));
  }

  private void asset(HttpExchange x) throws IOException {
    String name = x.getRequestURI().getPath().substring("/assets/".length());
    String path = ASSETS.get(name);
    if (path == null) {
      send(x, 404, "text/plain", ("no asset " + name).getBytes(StandardCharsets.UTF_8));
      return;
    }
    String type =
        name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    send(x, 200, type, resource(path));
  }

  private void frames(HttpExchange x) throws IOException {
    long since = 0;
    String page = null;
    String query = x.getRequestURI().getQuery();
    for (String param : query == null ? new String[0] : query.split("&")) {
      if (param.startsWith("since=")) {
        try {
          since = Long.parseLong(param.substring("since=".length()));
        } catch (NumberFormatException e) {
          send(
              x,
              400,
              "text/plain",
              "since must be a frame number".getBytes(StandardCharsets.UTF_8));
          return;
        }
      } else if (param.startsWith("page=") && param.length() <= "page=".length() + 64) {
        page = param.substring("page=".length());
      }
    }
    boolean ended = ending;
    boolean known = page != null && (pages.containsKey(page) || pages.size() < 256);
    if (known) {
      pages.put(page, System.nanoTime());
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("runId", board.runId());
    body.put("t0", board.t0());
    body.put("pollMs", pollMs);
    body.put("ended", ended);
    body.set("frames", JSON.valueToTree(board.since(since)));
    send(x, 200, "application/json", JSON.writeValueAsBytes(body));
    // Told once the answer is written, not when it is decided: close() stops the server as soon
    // as every open page is told, which must not cut an answer still being made.
    if (known && ended) {
      told.add(page);
    }
  }

  /** The run's report folder, read-only, nothing outside it. */
  private void report(HttpExchange x) throws IOException {
    String rel = x.getRequestURI().getPath().substring("/report/".length());
    if (rel.isEmpty()) {
      rel = "index.html";
    }
    Path base = reportDir.toAbsolutePath().normalize();
    Path file = base.resolve(rel).normalize();
    if (!file.startsWith(base) || !Files.isRegularFile(file)) {
      send(
          x,
          404,
          "text/plain",
          ("no report file " + rel + " (yet)").getBytes(StandardCharsets.UTF_8));
      return;
    }
    String name = file.getFileName().toString();
    String type =
        name.endsWith(".html")
            ? "text/html; charset=utf-8"
            : name.endsWith(".js")
                ? "text/javascript"
                : name.endsWith(".css")
                    ? "text/css"
                    : name.endsWith(".json")
                        ? "application/json"
                        : name.endsWith(".svg") ? "image/svg+xml" : "application/octet-stream";
    send(x, 200, type, Files.readAllBytes(file));
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    try (x) {
      x.getResponseHeaders().set("Content-Type", type);
      x.getResponseHeaders().set("Cache-Control", "no-store");
      x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("the launcher's classpath lacks " + path + "; rebuild the bundle");
      }
      return in.readAllBytes();
    }
  }

  /** The uPlot webjar's dist/ folder, found from its Maven coordinates on the classpath. */
  private static String uplotDir() {
    Properties p = new Properties();
    try (InputStream in =
        Dashboard.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // the version below is the one the pom names
    }
    return "META-INF/resources/webjars/uplot/" + p.getProperty("version", "1.6.30") + "/dist/";
  }
}
