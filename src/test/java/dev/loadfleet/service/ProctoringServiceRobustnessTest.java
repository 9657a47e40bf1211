package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in under a crowd of hostile clients at once: slow heads, silent and half-closed
 * connections, broken framing, many honest clients. {@code /stats} answers throughout, honest
 * uploads and heartbeats succeed, and every hostile connection is gone after the timeouts.
 */
class ProctoringServiceRobustnessTest {
  private static final Duration IDLE = Duration.ofSeconds(3);

  @TempDir Path tmp;
  private ProctoringService service;
  private final List<RawHttp> hostile = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (RawHttp c : hostile) {
      c.close();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void hostileClientsDoNotStopTheServiceAndAreAllCut() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), this::crowd);
  }

  private void crowd() throws Exception {
    service =
        ProctoringService.start(
            ServiceOptions.loopback(tmp.resolve("data"))
                .withTimeouts(new ServiceOptions.Timeouts(IDLE, IDLE, Duration.ofMinutes(2))));
    int port = service.port();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    ConcurrentLinkedQueue<String> statsFailures = new ConcurrentLinkedQueue<>();
    List<Long> statsMs = new ArrayList<>();
    AtomicBoolean polling = new AtomicBoolean(true);
    Thread poller =
        new Thread(
            () -> {
              while (polling.get()) {
                long t0 = System.nanoTime();
                try {
                  stats(client);
                } catch (Exception | AssertionError e) {
                  statsFailures.add(e.toString());
                }
                synchronized (statsMs) {
                  statsMs.add((System.nanoTime() - t0) / 1_000_000);
                }
                sleep(100);
              }
            });
    poller.start();

    // 200 slow clients: half a head each, then silence.
    for (int i = 0; i < 200; i++) {
      hostile.add(
          new RawHttp(port).send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multi"));
    }
    // 50 silent connections and 50 that send half a request line and half-close.
    for (int i = 0; i < 50; i++) {
      hostile.add(new RawHttp(port));
      RawHttp halfClosed = new RawHttp(port).send("GET /sta");
      halfClosed.socket.shutdownOutput();
      hostile.add(halfClosed);
    }
    // /stats answers while they hold their connections (the half-closed ones are gone at once).
    // A client's connect returns once the kernel has the connection; the service accepts it and
    // counts it on its event loops a moment later, so on a busy machine the count catches up.
    ServiceStats during = stats(client);
    long catchUp = System.nanoTime() + Duration.ofMillis(2500).toNanos();
    while (during.connections().open() < 200 && System.nanoTime() < catchUp) {
      sleep(50);
      during = stats(client);
    }
    assertTrue(
        during.connections().open() >= 200,
        "hostile connections open now: " + during.connections().open());

    // Broken framing, each on its own connection: answered 400 and closed.
    List<String> malformed =
        List.of(
            "POST /heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "GARBAGE\r\n\r\n",
            "GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    for (String request : malformed) {
      try (RawHttp c = new RawHttp(port)) {
        RawHttp.Received r = c.send(request).readUntilClosed(Duration.ofSeconds(5));
        assertTrue(r.text().startsWith("HTTP/1.1 4"), request + " -> " + r.text());
        assertTrue(r.closed(), "still open after: " + request);
      }
    }

    // Honest clients meanwhile: 100 heartbeats and 20 uploads at once.
    List<CompletableFuture<HttpResponse<String>>> honest = new ArrayList<>();
    IntStream.range(0, 100)
        .forEach(
            i ->
                honest.add(
                    client.sendAsync(
                        HttpRequest.newBuilder(service.baseUrl().resolve("/heartbeat"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "studentId=test_" + i + "&examId=30"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())));
    Uploads.Content content = new Uploads.Content(41, 300_000);
    IntStream.range(0, 20)
        .forEach(
            i ->
                honest.add(
                    client.sendAsync(
                        Uploads.request(
                            service.baseUrl(),
                            Uploads.fields("test_" + i, "30", 0, content),
                            content),
                        HttpResponse.BodyHandlers.ofString())));
    for (CompletableFuture<HttpResponse<String>> f : honest) {
      HttpResponse<String> r = f.get();
      assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.body());
    }

    // Every hostile connection is cut within a few idle timeouts.
    for (RawHttp c : hostile) {
      RawHttp.Received r = c.readUntilClosed(IDLE.multipliedBy(4));
      assertTrue(r.closed(), "a hostile connection is still open: " + r.text());
    }
    polling.set(false);
    poller.join();

    ServiceStats s = service.stats();
    assertEquals(20, s.uploadsStored());
    assertEquals(100, s.heartbeats());
    assertEquals(List.of(), List.copyOf(statsFailures), "GET /stats failed during the crowd");
    assertTrue(statsMs.size() >= 3, "polled " + statsMs.size() + " times");
    assertTrue(s.stalledRequests() >= 200, "408s to slow heads: " + s.stalledRequests());
    assertTrue(
        s.connections().closedIdle() >= 50,
        "silent connections closed: " + s.connections().closedIdle());
  }

  private ServiceStats stats(HttpClient client) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(service.baseUrl().resolve("/stats"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return new ObjectMapper().readValue(r.body(), ServiceStats.class);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
