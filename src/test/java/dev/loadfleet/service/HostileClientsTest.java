package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that are slow, silent or send broken framing, one behaviour a test, over raw sockets. */
class HostileClientsTest {
  private static final String UPLOAD_HEAD =
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n";

  @TempDir Path tmp;
  private ProctoringService service;

  private void start(ServiceOptions options) throws IOException {
    service = ProctoringService.start(options);
  }

  private ServiceOptions options() {
    return ServiceOptions.loopback(tmp.resolve("data"));
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
    start(options().withIdleTimeout(Duration.ofMillis(300)));
    try (RawHttp c = new RawHttp(service.port())) {
      RawHttp.Received r = c.readUntilClosed(Duration.ofSeconds(3));
      assertTrue(r.closed(), "still open after 10x the idle timeout");
      assertEquals("", r.text(), "nothing to answer before a request");
    }
  }

  @Test
  void halfARequestLineGets408AndIsClosedAfterTheIdleTimeout() throws Exception {
    start(options().withIdleTimeout(Duration.ofMillis(300)));
    try (RawHttp c = new RawHttp(service.port())) {
      RawHttp.Received r = c.send("POST /upl").readUntilClosed(Duration.ofSeconds(3));
      assertTrue(r.closed(), "still open after 10x the idle timeout: " + r.text());
      assertTrue(r.text().startsWith("HTTP/1.1 408"), r.text());
    }
    assertEquals(1, service.stats().stalledRequests());
  }

  @Test
  void halfTheHeadersGet408AndAreClosedAfterTheIdleTimeout() throws Exception {
    // The prober's slow client: the idle timeout used to start only once the head was complete.
    start(options().withIdleTimeout(Duration.ofMillis(300)));
    try (RawHttp c = new RawHttp(service.port())) {
      RawHttp.Received r =
          c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multi")
              .readUntilClosed(Duration.ofSeconds(3));
      assertTrue(r.closed(), "still open after 10x the idle timeout: " + r.text());
      assertTrue(r.text().startsWith("HTTP/1.1 408"), r.text());
      assertTrue(r.text().toLowerCase().contains("connection: close"), r.text());
    }
  }

  @Test
  void aHeadTrickledByteByByteIsCutAtTheHeaderDeadlineThoughNeverIdle() throws Exception {
    start(
        options().withIdleTimeout(Duration.ofSeconds(5)).withHeaderTimeout(Duration.ofMillis(600)));
    byte[] head = (UPLOAD_HEAD + "X-Padding: " + "a".repeat(100) + "\r\n").getBytes();
    try (RawHttp c = new RawHttp(service.port())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < head.length && !c.socket.isClosed(); i++) {
        try {
          c.send(new byte[] {head[i]});
        } catch (IOException closedByTheServer) {
          break;
        }
        if (c.socket.getInputStream().available() > 0) {
          break;
        }
        Thread.sleep(50);
        if ((System.nanoTime() - t0) / 1_000_000 > 4000) {
          break;
        }
      }
      RawHttp.Received r = c.readUntilClosed(Duration.ofSeconds(2));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(r.text().startsWith("HTTP/1.1 408"), r.text());
      assertTrue(r.closed());
      assertTrue(ms < 4000, "cut after " + ms + " ms, not at the 600 ms header deadline");
    }
  }

  @Test
  void aKeptAliveConnectionOutlivesTheIdleTimeoutButNotTheKeepAliveTimeout() throws Exception {
    start(
        options()
            .withIdleTimeout(Duration.ofMillis(200))
            .withKeepAliveTimeout(Duration.ofMillis(1500)));
    try (RawHttp c = new RawHttp(service.port())) {
      c.send("GET /stats HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(c.readResponse(Duration.ofSeconds(5)).startsWith("HTTP/1.1 200"));
      Thread.sleep(600); // three idle timeouts between two requests: a normal client's pause
      c.send("GET /stats HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(c.readResponse(Duration.ofSeconds(5)).startsWith("HTTP/1.1 200"));
      RawHttp.Received r = c.readUntilClosed(Duration.ofSeconds(5));
      assertTrue(r.closed(), "a kept-alive connection is closed after the keep-alive timeout");
      assertEquals("", r.text());
    }
  }

  @Test
  void anInvalidChunkSizeGets400WithConnectionCloseAndTheConnectionIsClosed() throws Exception {
    start(options());
    try (RawHttp c = new RawHttp(service.port())) {
      RawHttp.Received r =
          c.send(
                  "POST /heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      + "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                      + "zz\r\nstudentId=a\r\n0\r\n\r\n"
                      + "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
              .readUntilClosed(Duration.ofSeconds(3));
      assertTrue(r.text().startsWith("HTTP/1.1 400"), r.text());
      assertTrue(r.text().toLowerCase().contains("connection: close"), r.text());
      assertTrue(r.closed(), "the connection stayed open after a framing error");
      assertEquals(1, r.responses(), "nothing after the framing error is answered: " + r.text());
      assertFalse(r.text().contains("NumberFormat") || r.text().contains("For input"), r.text());
    }
  }

  @Test
  void expectContinueOverTheBodyLimitGets413Without100Continue() throws Exception {
    start(options().withMaxBody(1_000_000));
    try (RawHttp c = new RawHttp(service.port())) {
      RawHttp.Received r =
          c.send(UPLOAD_HEAD + "Expect: 100-continue\r\nContent-Length: 2000000\r\n\r\n")
              .readUntilClosed(Duration.ofSeconds(3));
      assertTrue(r.text().startsWith("HTTP/1.1 413"), r.text());
      assertFalse(r.text().contains("100 Continue"), r.text());
    }
  }

  @Test
  void expectContinueWithinTheLimitGets100ContinueThenTheAnswer() throws Exception {
    start(options());
    Uploads.Content content = new Uploads.Content(21, 10_000);
    byte[] body = Uploads.body(Uploads.fields("test_1", "30", 0, content), content);
    try (RawHttp c = new RawHttp(service.port())) {
      c.send(
          "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary="
              + Uploads.BOUNDARY
              + "\r\nExpect: 100-continue\r\nContent-Length: "
              + body.length
              + "\r\n\r\n");
      String interim = c.readResponse(Duration.ofSeconds(5));
      assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
      c.send(body);
      String answer = c.readResponse(Duration.ofSeconds(5));
      assertTrue(answer.startsWith("HTTP/1.1 201"), answer);
    }
  }

  @Test
  void anEmptyBoundaryIsRefusedInOneSentence() throws Exception {
    start(options());
    String answer =
        refusal(
            "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=\r\n"
                + "Content-Length: 5\r\n\r\nhello");
    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    assertTrue(answer.contains("boundary"), answer);
    assertFalse(answer.contains("String index") || answer.contains("out of range"), answer);
  }

  @Test
  void tooManyFieldsAreRefusedInOneSentence() throws Exception {
    start(options());
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 33; i++) {
      body.append("--b\r\nContent-Disposition: form-data; name=\"f")
          .append(i)
          .append("\"\r\n\r\nv\r\n");
    }
    body.append("--b--\r\n");
    String answer = refusal(UPLOAD_HEAD + "Content-Length: " + body.length() + "\r\n\r\n" + body);
    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    assertTrue(answer.contains("fields"), answer);
    assertFalse(answer.contains("null"), answer);
  }

  @Test
  void aRefusalMidBodyReachesAClientThatGoesOnSendingTheBody() throws Exception {
    start(options().withIdleTimeout(Duration.ofMillis(1000)));
    Uploads.Content content = new Uploads.Content(41, 2_000_000);
    byte[] body =
        Uploads.body(Uploads.head(Uploads.fields("s1", "e1", 0, content), "video"), content);
    String head =
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary="
            + Uploads.BOUNDARY
            + "\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    int first = 4096; // the fields and the misnamed part's head: refused as soon as they are read
    try (RawHttp c = new RawHttp(service.port())) {
      c.send(head).send(java.util.Arrays.copyOf(body, first));
      Thread.sleep(300); // the refusal is written while the client is still sending
      c.send(java.util.Arrays.copyOfRange(body, first, body.length));
      String answer = c.readResponse(Duration.ofSeconds(5));
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("'file'"), answer);
      assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
      assertTrue(c.readUntilClosed(Duration.ofSeconds(10)).closed(), "then it is closed");
      // The client neither sends nor closes: the service closes its side once idle for 1 s.
      awaitNoConnection(Duration.ofSeconds(5));
    }
    assertEquals(0, service.stats().uploadsStored());
    assertEquals(1, service.stats().uploadsRejected());
  }

  @Test
  void aBodyThatStallsGets408AndTheConnectionIsClosedAtOnceNotLingered() throws Exception {
    start(options().withIdleTimeout(Duration.ofSeconds(2)));
    try (RawHttp c = new RawHttp(service.port())) {
      c.send(UPLOAD_HEAD + "Content-Length: 100000\r\n\r\n--b\r\n");
      String answer = c.readResponse(Duration.ofSeconds(10));
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      // A silent client sends nothing more: no reason to wait another idle timeout for it.
      awaitNoConnection(Duration.ofSeconds(1));
    }
  }

  @Test
  void aRefusalOfTheHeadReachesAClientThatSendsTheBodyWithoutWaiting() throws Exception {
    start(options().withAuthSha256("0".repeat(64)));
    int length = 3_000_000;
    try (RawHttp c = new RawHttp(service.port())) {
      c.send(UPLOAD_HEAD + "Content-Length: " + length + "\r\n\r\n");
      Thread.sleep(300);
      c.send(new byte[length]);
      String answer = c.readResponse(Duration.ofSeconds(5));
      assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
      assertTrue(answer.contains("Authorization"), answer);
    }
    // The client closed: so does the service, long before its 30 s idle timeout.
    awaitNoConnection(Duration.ofSeconds(5));
  }

  private void awaitNoConnection(Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (service.stats().connections().open() > 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertEquals(0, service.stats().connections().open(), "connections open after " + wait);
  }

  private String refusal(String request) throws IOException {
    try (RawHttp c = new RawHttp(service.port())) {
      return c.send(request).readResponse(Duration.ofSeconds(5));
    }
  }
}
