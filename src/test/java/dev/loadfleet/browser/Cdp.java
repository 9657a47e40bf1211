package dev.loadfleet.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Chrome DevTools Protocol connection to the browser. Pages are "flattened" sessions on it:
 * their commands and events carry a {@code sessionId}, so one WebSocket serves them all.
 */
final class Cdp implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocket socket;
  private final Supplier<String> browserLog;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Map<String, Consumer<JsonNode>> listeners = new ConcurrentHashMap<>();
  private final Object sendLock = new Object();
  private volatile String closed;

  private Cdp(HttpClient http, URI uri, Duration timeout, Supplier<String> browserLog)
      throws Exception {
    this.browserLog = browserLog;
    this.socket =
        http.newWebSocketBuilder()
            .connectTimeout(timeout)
            .buildAsync(uri, new Listener())
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Connects to {@code uri}; {@code browserLog} gives the browser's output for error messages. */
  static Cdp connect(URI uri, Duration timeout, Supplier<String> browserLog) {
    // The DevTools socket is on 127.0.0.1: a proxy set for the JVM must not be asked to reach it.
    HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    try {
      return new Cdp(http, uri, timeout, browserLog);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not open the browser's DevTools socket " + uri + ": " + e + browserLog.get(), e);
    }
  }

  static ObjectNode params() {
    return JSON.createObjectNode();
  }

  /** Sends {@code method} (to the page {@code sessionId}, or the browser when null) and waits. */
  JsonNode call(String sessionId, String method, ObjectNode params, Duration timeout) {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      if (closed != null) {
        throw new IllegalStateException(method + " cannot be sent: " + closed + browserLog.get());
      }
      // The JDK's WebSocket refuses a send while the previous one is still in flight.
      synchronized (sendLock) {
        socket.sendText(message.toString(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          method + " got no answer from the browser within " + timeout + browserLog.get(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(method + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " was interrupted", e);
    } finally {
      pending.remove(id);
    }
  }

  /** Hands every event of the page {@code sessionId} to {@code onEvent}, on the socket thread. */
  void listen(String sessionId, Consumer<JsonNode> onEvent) {
    listeners.put(sessionId, onEvent);
  }

  void forget(String sessionId) {
    listeners.remove(sessionId);
  }

  private void dispatch(String text) {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (Exception e) {
      return; // not JSON: the protocol never sends that, and one bad frame must not stop the rest
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
      if (answer == null) {
        return;
      }
      JsonNode error = message.get("error");
      if (error != null) {
        answer.completeExceptionally(
            new IllegalStateException("the browser refused: " + error.path("message").asText()));
      } else {
        answer.complete(message.path("result"));
      }
      return;
    }
    Consumer<JsonNode> listener = listeners.get(message.path("sessionId").asText(""));
    if (listener != null) {
      listener.accept(message);
    }
  }

  private void closedBecause(String reason) {
    closed = reason;
    IllegalStateException e = new IllegalStateException(reason + browserLog.get());
    pending.values().forEach(answer -> answer.completeExceptionally(e));
  }

  @Override
  public void close() {
    if (closed == null) {
      closedBecause("the DevTools connection was closed");
    }
    socket.abort(); // HttpClient has no close() before Java 21; its threads are daemons
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          dispatch(message);
        } catch (RuntimeException e) {
          // a listener's bug must not stop the answers to every later command
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closedBecause("the browser closed the DevTools connection (status " + statusCode + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closedBecause("the DevTools connection failed: " + error);
    }
  }
}
