package dev.loadfleet.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loadfleet.browser.PageError.Kind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadlessBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static HeadlessBrowser browser;

  @TempDir Path dir;

  @BeforeAll
  static void startBrowser() {
    browser = HeadlessBrowser.start();
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void aCanvasPageDrawsWithoutErrorsAndIsScreenshotAtTheViewportSize() throws IOException {
    Path html =
        page(
            "canvas.html",
            """
            <!doctype html>
            <html><head><style>body { margin: 0; background: #fff; }</style></head><body>
            <canvas id="c" width="200" height="100"></canvas>
            <p id="status">not drawn</p>
            <script>
              const ctx = document.getElementById('c').getContext('2d');
              ctx.fillStyle = 'rgb(255, 0, 0)';
              ctx.fillRect(0, 0, 200, 100);
              const pixel = ctx.getImageData(10, 10, 1, 1).data;
              document.getElementById('status').textContent = 'drawn ' + pixel.join(',');
            </script>
            </body></html>
            """);
    Path png = dir.resolve("shots/canvas.png");

    try (Page page = browser.open(html.toUri().toString(), 640, 480)) {
      assertEquals(
          "drawn 255,0,0,255", page.eval("document.getElementById('status').textContent").asText());
      assertTrue(page.text().contains("drawn 255,0,0,255"), page.text());
      assertEquals(List.of(), page.consoleErrors());
      page.screenshot(png);
    }

    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assertArrayEquals(signature, Arrays.copyOf(Files.readAllBytes(png), 8), "a PNG file");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(640, image.getWidth());
    assertEquals(480, image.getHeight());
    assertEquals(0xff0000, image.getRGB(100, 50) & 0xffffff, "inside the canvas: red");
    assertEquals(0xffffff, image.getRGB(400, 50) & 0xffffff, "beside the canvas: white");
  }

  @Test
  void aScreenshotCoversThePageBeyondTheViewport() throws IOException {
    Path html =
        page(
            "tall.html",
            """
            <!doctype html>
            <html><body style="margin: 0">
            <div style="height: 1500px; background: #fff"></div>
            <div style="height: 100px; background: rgb(0, 0, 255)"></div>
            </body></html>
            """);
    Path png = dir.resolve("tall.png");

    try (Page page = browser.open(html.toUri().toString(), 400, 300)) {
      page.screenshot(png);
    }

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(400, image.getWidth());
    assertEquals(1600, image.getHeight());
    assertEquals(0x0000ff, image.getRGB(200, 1550) & 0xffffff, "the bottom of the page: blue");
  }

  @Test
  void consoleErrorsUncaughtExceptionsAndMissingScriptsAreReported() throws IOException {
    Path html =
        page(
            "broken.html",
            """
            <!doctype html>
            <html><body>
            <script>console.error('deliberate', 42);</script>
            <script src="missing.js"></script>
            <script>throw new Error('uncaught on purpose');</script>
            <p>still here</p>
            </body></html>
            """);

    List<PageError> errors;
    try (Page page = browser.open(html.toUri().toString())) {
      assertEquals("still here", page.text());
      errors = page.consoleErrors();
    }

    assertEquals(3, errors.size(), errors.toString());
    PageError console = only(errors, Kind.CONSOLE);
    assertEquals("deliberate 42", console.text());
    assertEquals(html.toUri().toString(), console.url());
    PageError missing = only(errors, Kind.RESOURCE);
    assertEquals(html.resolveSibling("missing.js").toUri().toString(), missing.url());
    assertTrue(missing.text().contains("ERR_FILE_NOT_FOUND"), missing.text());
    assertTrue(
        only(errors, Kind.EXCEPTION).text().contains("uncaught on purpose"), errors.toString());
  }

  @Test
  void aLivePageServedOnLoopbackIsSeenMoving() throws IOException {
    AtomicInteger counter = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange ->
            respond(
                exchange,
                exchange.getRequestURI().getPath().equals("/") ? 200 : 404,
                "text/html",
                """
                <!doctype html>
                <html><body><span id="n"></span>
                <script>
                  setInterval(async () => {
                    const answer = await fetch('/n');
                    document.getElementById('n').textContent = await answer.text();
                  }, 500);
                </script>
                </body></html>
                """));
    server.createContext(
        "/n",
        exchange ->
            respond(exchange, 200, "text/plain", Integer.toString(counter.incrementAndGet())));
    server.start();
    try (Page page = browser.open("http://127.0.0.1:" + server.getAddress().getPort() + "/")) {
      String number = "document.getElementById('n').textContent";
      page.waitFor(number + " !== ''", WAIT);
      String first = page.eval(number).asText();
      page.waitFor(number + " !== '" + first + "'", WAIT);
      String second = page.eval(number).asText();

      assertNotEquals(first, second);
      assertTrue(Integer.parseInt(second) > Integer.parseInt(first), first + " then " + second);
      assertEquals(List.of(), page.consoleErrors());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aConditionThatNeverHoldsFailsAfterItsTimeoutNamingIt() throws IOException {
    Path html = page("empty.html", "<!doctype html><html><body>nothing</body></html>");

    try (Page page = browser.open(html.toUri().toString())) {
      AssertionError e =
          assertThrows(
              AssertionError.class,
              () -> page.waitFor("document.getElementById('never').id", Duration.ofMillis(300)));
      assertTrue(e.getMessage().contains("document.getElementById('never').id"), e.getMessage());
      assertTrue(e.getMessage().contains("PT0.3S"), e.getMessage());
    }
  }

  @Test
  void aScriptErrorInEvalIsThrownWithItsMessage() throws IOException {
    Path html = page("empty.html", "<!doctype html><html><body>nothing</body></html>");

    try (Page page = browser.open(html.toUri().toString())) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> page.eval("noSuchFunction()"));
      assertTrue(e.getMessage().contains("noSuchFunction is not defined"), e.getMessage());
    }
  }

  @Test
  void aMissingFileIsRefusedNamingIt() {
    String url = dir.resolve("absent.html").toUri().toString();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> browser.open(url));
    assertEquals("Could not open " + url + ": net::ERR_FILE_NOT_FOUND.", e.getMessage());
  }

  @Test
  void aMissingBrowserFailsNamingThePackageToInstall() {
    Path nowhere = dir.resolve("chromium-headless-shell");

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> HeadlessBrowser.start(List.of(nowhere)));
    assertEquals(
        "No headless browser at ["
            + nowhere
            + "]: install Debian's package with `apt-get install chromium-headless-shell`"
            + " (.ci/run does).",
        e.getMessage());
  }

  @Test
  void closeEndsTheBrowserAndEveryProcessItStarted() throws IOException {
    Path html = page("empty.html", "<!doctype html><html><body>nothing</body></html>");
    HeadlessBrowser own = HeadlessBrowser.start();
    ProcessHandle main = own.process();
    List<ProcessHandle> children;
    try {
      own.open(html.toUri().toString());
      children = main.descendants().toList();
      assertTrue(children.stream().allMatch(HeadlessBrowser::running), "running while open");
    } finally {
      own.close();
    }

    assertFalse(children.isEmpty(), "a renderer at least");
    assertFalse(main.isAlive());
    assertEquals(List.of(), children.stream().filter(HeadlessBrowser::running).toList());
  }

  private Path page(String name, String html) throws IOException {
    return Files.writeString(dir.resolve(name), html);
  }

  private static PageError only(List<PageError> errors, Kind kind) {
    List<PageError> ofKind = errors.stream().filter(e -> e.kind() == kind).toList();
    assertEquals(1, ofKind.size(), errors.toString());
    return ofKind.get(0);
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
