package dev.loadfleet.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One tab of a {@link HeadlessBrowser}, opened at a URL. It records what a person would see in the
 * DevTools console from the moment it opens: {@link #consoleErrors()}.
 */
public final class Page implements AutoCloseable {
  static final Duration LOAD = Duration.ofSeconds(20);
  private static final Duration SCREENSHOT = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 50;

  private final Cdp cdp;
  private final String target;
  private final String session;
  private final List<PageError> errors = new CopyOnWriteArrayList<>();
  private final Map<String, CompletableFuture<Void>> loads = new ConcurrentHashMap<>();
  private volatile String url = "about:blank";
  private boolean closed;

  Page(Cdp cdp, String target, String session) {
    this.cdp = cdp;
    this.target = target;
    this.session = session;
    cdp.listen(session, this::onEvent);
    call("Page.enable", Cdp.params());
    call("Page.setLifecycleEventsEnabled", Cdp.params().put("enabled", true));
    call("Runtime.enable", Cdp.params());
    call("Log.enable", Cdp.params());
  }

  /** Loads {@code url} and waits for its load event (scripts, styles and images done). */
  void navigate(String url) {
    JsonNode answer = call("Page.navigate", Cdp.params().put("url", url));
    String failure = answer.path("errorText").asText("");
    if (!failure.isEmpty()) {
      throw new IllegalStateException("Could not open " + url + ": " + failure + ".");
    }
    this.url = url;
    String loader = answer.path("loaderId").asText("");
    if (loader.isEmpty()) {
      return; // a jump within the same document: nothing loads
    }
    try {
      loadOf(loader).get(LOAD.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          url + " did not finish loading within " + LOAD + "; page errors so far: " + errors, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while " + url + " loaded", e);
    }
  }

  /** Sets the viewport in CSS pixels (device scale 1: a screenshot's pixels are CSS pixels). */
  public void setViewport(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "Viewport width and height must be positive, got " + width + "x" + height + ".");
    }
    call(
        "Emulation.setDeviceMetricsOverride",
        Cdp.params()
            .put("width", width)
            .put("height", height)
            .put("deviceScaleFactor", 1)
            .put("mobile", false));
  }

  /**
   * Evaluates the JavaScript expression {@code js} in the page (awaiting it if it is a promise) and
   * returns its value as JSON: {@code asText()} for a string, {@code NullNode} for undefined. A
   * script error throws, with the exception's description.
   */
  public JsonNode eval(String js) {
    return evaluate(js, HeadlessBrowser.CALL);
  }

  /** The text of the page as rendered ({@code document.body.innerText}). */
  public String text() {
    return eval("document.body ? document.body.innerText : ''").asText();
  }

  /**
   * Waits until the JavaScript expression {@code jsCondition} is truthy, polling every 50 ms.
   * Script errors while waiting count as "not yet" (the element may not exist yet); past {@code
   * timeout} it fails with the condition, the last error and the page's errors.
   */
  public void waitFor(String jsCondition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "false";
    while (true) {
      Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
      try {
        // the newlines keep a trailing // comment in the condition from eating the parenthesis
        if (evaluate("Boolean(\n" + jsCondition + "\n)", left).asBoolean()) {
          return;
        }
        last = "false";
      } catch (IllegalStateException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(
            url
                + " did not satisfy `"
                + jsCondition
                + "` within "
                + timeout
                + " (last result: "
                + last
                + "); page errors: "
                + errors);
      }
      HeadlessBrowser.sleep(POLL_MILLIS);
    }
  }

  /**
   * Every error the page reported since it opened: console.error calls, uncaught exceptions, and
   * resources that failed to load, with their URL.
   */
  public List<PageError> consoleErrors() {
    // A round trip to the page first, so what it logged before this call has arrived.
    eval("0");
    return List.copyOf(errors);
  }

  /** Writes a PNG of the whole page (beyond the viewport), one pixel a CSS pixel. */
  public void screenshot(Path png) {
    JsonNode size = call("Page.getLayoutMetrics", Cdp.params()).path("cssContentSize");
    ObjectNode clip =
        Cdp.params()
            .put("x", 0)
            .put("y", 0)
            .put("width", Math.ceil(size.path("width").asDouble()))
            .put("height", Math.ceil(size.path("height").asDouble()))
            .put("scale", 1);
    ObjectNode request =
        Cdp.params().put("format", "png").put("captureBeyondViewport", true).set("clip", clip);
    JsonNode shot = cdp.call(session, "Page.captureScreenshot", request, SCREENSHOT);
    try {
      Path dir = png.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the screenshot of " + url + " to " + png, e);
    }
  }

  /** Closes the tab. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeTab(cdp, target, session);
  }

  static void closeTab(Cdp cdp, String target, String session) {
    cdp.forget(session);
    try {
      cdp.call(
          null, "Target.closeTarget", Cdp.params().put("targetId", target), HeadlessBrowser.CALL);
    } catch (IllegalStateException e) {
      // the browser is gone already: the tab went with it
    }
  }

  private JsonNode evaluate(String js, Duration timeout) {
    JsonNode answer =
        cdp.call(
            session,
            "Runtime.evaluate",
            Cdp.params().put("expression", js).put("returnByValue", true).put("awaitPromise", true),
            timeout);
    JsonNode details = answer.get("exceptionDetails");
    if (details != null) {
      throw new IllegalStateException(
          "JavaScript failed on " + url + ": " + describe(details) + "\nin: " + js);
    }
    JsonNode value = answer.path("result").get("value");
    return value == null ? NullNode.getInstance() : value;
  }

  private JsonNode call(String method, ObjectNode params) {
    return cdp.call(session, method, params, HeadlessBrowser.CALL);
  }

  private CompletableFuture<Void> loadOf(String loader) {
    return loads.computeIfAbsent(loader, key -> new CompletableFuture<>());
  }

  /** Runs on the socket's thread: records, never blocks. */
  private void onEvent(JsonNode event) {
    JsonNode params = event.path("params");
    switch (event.path("method").asText()) {
      case "Page.lifecycleEvent" -> {
        if (params.path("name").asText().equals("load")) {
          loadOf(params.path("loaderId").asText()).complete(null);
        }
      }
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
          String text =
              streamOf(params.path("args"))
                  .map(
                      arg ->
                          arg.has("value")
                              ? arg.get("value").asText()
                              : arg.path("description").asText())
                  .collect(Collectors.joining(" "));
          errors.add(new PageError(PageError.Kind.CONSOLE, text, scriptUrl(params)));
        }
      }
      case "Runtime.exceptionThrown" -> {
        JsonNode details = params.path("exceptionDetails");
        String where = details.path("url").asText("");
        errors.add(
            new PageError(
                PageError.Kind.EXCEPTION,
                describe(details),
                where.isEmpty() ? scriptUrl(details) : where));
      }
      case "Log.entryAdded" -> {
        JsonNode entry = params.path("entry");
        String source = entry.path("source").asText();
        // console.* and exceptions come through Runtime above, with their arguments and stack
        if (entry.path("level").asText().equals("error")
            && !source.equals("console-api")
            && !source.equals("javascript")) {
          PageError.Kind kind =
              source.equals("network") ? PageError.Kind.RESOURCE : PageError.Kind.CONSOLE;
          errors.add(
              new PageError(kind, entry.path("text").asText(), entry.path("url").asText("")));
        }
      }
      default -> {}
    }
  }

  private static Stream<JsonNode> streamOf(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  /** The URL of the script at the top of the stack, empty when there is none. */
  private static String scriptUrl(JsonNode withStackTrace) {
    return withStackTrace.path("stackTrace").path("callFrames").path(0).path("url").asText("");
  }

  private static String describe(JsonNode exceptionDetails) {
    JsonNode exception = exceptionDetails.path("exception");
    String text = exception.path("description").asText("");
    if (text.isEmpty()) {
      text = exception.path("value").asText(exceptionDetails.path("text").asText());
    }
    return text;
  }
}
