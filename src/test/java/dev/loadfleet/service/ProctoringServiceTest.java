package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in service over real HTTP on a free loopback port. */
class ProctoringServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProctoringService service;

  private Path data() {
    return tmp.resolve("data");
  }

  private ProctoringService start(ServiceOptions options) throws IOException {
    service = ProctoringService.start(options);
    return service;
  }

  private ProctoringService start() throws IOException {
    return start(ServiceOptions.loopback(data()));
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void uploadIsStreamedToDiskByteExactWithItsChecksumVerified() throws Exception {
    start();
    Uploads.Content content = new Uploads.Content(1, 5_000_000);
    HttpResponse<String> r =
        Uploads.send(
            client,
            Uploads.request(
                service.baseUrl(), Uploads.fields("test_1", "30", 0, content), content));
    assertEquals(201, r.statusCode(), r.body());
    Path stored = data().resolve("30/recordings/test_1/0.webm");
    assertEquals(content.length(), Files.size(stored));
    assertEquals(content.sha256(), sha256(stored));
    assertEquals("30/recordings/test_1/0.webm", JSON.readTree(r.body()).get("path").asText());
    ServiceStats s = service.stats();
    assertEquals(1, s.uploadsStored());
    assertEquals(0, s.uploadsRejected());
    assertEquals(5_000_000, s.bytesReceived());
    assertEquals(1, s.studentsSeen());
    assertEquals(0, s.inFlightUploads());
    assertEquals(1, s.handlingMs().get("upload").count());
    assertNoTemporaryFiles();
  }

  @Test
  void checksumMismatchIsRejectedAndNothingIsStored() throws Exception {
    start();
    Uploads.Content content = new Uploads.Content(2, 300_000);
    Map<String, String> fields = Uploads.fields("test_2", "30", 0, content);
    fields.put("sha256", new Uploads.Content(3, 300_000).sha256());
    HttpResponse<String> r =
        Uploads.send(client, Uploads.request(service.baseUrl(), fields, content));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("checksum mismatch"), r.body());
    assertEquals(1, service.stats().uploadsRejected());
    assertEquals(0, service.stats().uploadsStored());
    assertFalse(Files.exists(data().resolve("30")));
    assertNoTemporaryFiles();
  }

  @Test
  void sizeMismatchIsRejected() throws Exception {
    start();
    Uploads.Content content = new Uploads.Content(4, 100_000);
    Map<String, String> fields = Uploads.fields("test_4", "30", 0, content);
    fields.put("size", "99999");
    HttpResponse<String> r =
        Uploads.send(client, Uploads.request(service.baseUrl(), fields, content));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("size mismatch"), r.body());
    assertEquals(1, service.stats().uploadsRejected());
  }

  @Test
  void traversalAndOddIdsAreRejectedAndNothingIsWrittenOutsideTheDataDir() throws Exception {
    start();
    Uploads.Content content = new Uploads.Content(5, 1000);
    List<Map<String, String>> hostile =
        List.of(
            Uploads.fields("../../escaped", "30", 0, content),
            Uploads.fields("test_1", "..", 0, content),
            Uploads.fields("a/b", "30", 0, content),
            Uploads.fields("test 1", "30", 0, content),
            Uploads.fields("test_1", "30", 0, content));
    hostile.get(4).put("seq", "../1");
    for (Map<String, String> fields : hostile) {
      HttpResponse<String> r =
          Uploads.send(client, Uploads.request(service.baseUrl(), fields, content));
      assertEquals(400, r.statusCode(), fields + " -> " + r.body());
    }
    assertEquals(5, service.stats().uploadsRejected());
    try (Stream<Path> all = Files.walk(tmp)) {
      assertEquals(
          List.of(tmp, data(), data().resolve(".incoming")),
          all.sorted().toList(),
          "files written");
    }
  }

  @Test
  void bodyOverTheLimitGets413BeforeItIsRead() throws Exception {
    start(ServiceOptions.loopback(data()).withMaxBody(1_000_000));
    String response =
        raw(
            "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 2000000\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 413"), response);
    assertEquals(1, service.stats().uploadsRejected());
  }

  @Test
  void malformedMultipartGets400() throws Exception {
    start();
    String[] bodies = {
      // multipart without a boundary
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 3\r\n\r\nabc",
      // a part without Content-Disposition
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
          + "Content-Length: 33\r\n\r\n--b\r\nX-Nothing: 1\r\n\r\nabc\r\n--b--\r\n",
      // not a form at all
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
    };
    for (String request : bodies) {
      String response = raw(request);
      assertTrue(response.startsWith("HTTP/1.1 400"), request + "\n->\n" + response);
    }
    assertEquals(bodies.length, service.stats().uploadsRejected());
    assertNoTemporaryFiles();
  }

  @Test
  void fiveHundredConcurrentUploadsAreAllStored() throws Exception {
    start();
    // The guide's 500 students, each with its own connection, all uploading at once.
    int n = 500;
    Uploads.Content content = new Uploads.Content(6, 100_000);
    List<CompletableFuture<HttpResponse<String>>> futures =
        IntStream.range(0, n)
            .mapToObj(
                i ->
                    client.sendAsync(
                        Uploads.request(
                            service.baseUrl(),
                            Uploads.fields("test_" + i, "30", 7, content),
                            content),
                        HttpResponse.BodyHandlers.ofString()))
            .toList();
    for (CompletableFuture<HttpResponse<String>> f : futures) {
      HttpResponse<String> r = f.get();
      assertEquals(201, r.statusCode(), r.body());
    }
    ServiceStats s = service.stats();
    assertEquals(n, s.uploadsStored());
    assertEquals(n, s.studentsSeen());
    assertEquals(0, s.inFlightUploads());
    for (int i = 0; i < n; i++) {
      assertEquals(
          content.length(), Files.size(data().resolve("30/recordings/test_" + i + "/7.webm")));
    }
  }

  @Test
  void heartbeatsAreCountedAndStatsAreJson() throws Exception {
    start();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(service.baseUrl().resolve("/heartbeat"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "studentId=test_" + (i % 2) + "&examId=30"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    HttpResponse<String> bad =
        client.send(
            HttpRequest.newBuilder(service.baseUrl().resolve("/heartbeat"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("studentId=../x&examId=30"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, bad.statusCode());
    JsonNode stats = stats();
    assertEquals(3, stats.get("heartbeats").asLong());
    assertEquals(1, stats.get("heartbeatsRejected").asLong());
    assertEquals(2, stats.get("studentsSeen").asLong());
    for (String key :
        List.of("uploadsStored", "uploadsRejected", "bytesReceived", "inFlightUploads")) {
      assertTrue(stats.has(key), key);
    }
    JsonNode timing = stats.get("handlingMs").get("heartbeat");
    assertEquals(3 + 1, timing.get("count").asLong());
    assertTrue(timing.get("p95").asDouble() >= timing.get("p50").asDouble());
    assertEquals(
        404,
        client
            .send(
                HttpRequest.newBuilder(service.baseUrl().resolve("/nope")).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
  }

  @Test
  void errorRateFaultAnswers503AndLatencyFaultDelays() throws Exception {
    start(ServiceOptions.loopback(data()).withFaults(300, 1.0));
    Uploads.Content content = new Uploads.Content(7, 10_000);
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        Uploads.send(
            client,
            Uploads.request(
                service.baseUrl(), Uploads.fields("test_1", "30", 0, content), content));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, r.statusCode());
    assertTrue(ms >= 300, "latency knob: answered after " + ms + " ms");
    ServiceStats s = service.stats();
    assertEquals(1, s.uploadsFaulted());
    assertEquals(0, s.uploadsStored());
    assertEquals(0, s.uploadsRejected());
  }

  @Test
  void stalledClientGets408() throws Exception {
    start(ServiceOptions.loopback(data()).withIdleTimeout(Duration.ofMillis(300)));
    String response =
        raw(
            "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 1000\r\n\r\n--b\r\n");
    assertTrue(response.startsWith("HTTP/1.1 408"), response);
    assertEquals(1, service.stats().stalledRequests());
    assertEquals(1, service.stats().uploadsRejected());
    assertEquals(0, service.stats().inFlightUploads());
  }

  @Test
  void discardModeVerifiesAndCountsButWritesNothing() throws Exception {
    start(ServiceOptions.loopback(data()).withDiscard(true));
    Uploads.Content content = new Uploads.Content(8, 2_000_000);
    HttpResponse<String> r =
        Uploads.send(
            client,
            Uploads.request(
                service.baseUrl(), Uploads.fields("test_1", "30", 3, content), content));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(1, service.stats().uploadsStored());
    assertEquals(2_000_000, service.stats().bytesReceived());
    assertFalse(Files.exists(data().resolve("30")));
    assertNoTemporaryFiles();
  }

  @Test
  void aReadEndingBetweenTheCrAndLfBeforeTheBoundaryDoesNotAddAByte() throws Exception {
    // netty/netty#17383: Netty's decoder appended that CR to a part of unknown length; seen here
    // as 'size mismatch: declared 17500000, received 17500001' in 1 of 250-600 uploads under load.
    start();
    assertEquals("201", statusOfUploadSplitBeforeTheClosingLf("test_9", 0).substring(9, 12));
    Path stored = data().resolve("30/recordings/test_9/0.webm");
    assertEquals(200_000, Files.size(stored));
    assertEquals(new Uploads.Content(9, 200_000).sha256(), sha256(stored));
    service.close();

    start(ServiceOptions.loopback(tmp.resolve("discarding")).withDiscard(true));
    assertEquals("201", statusOfUploadSplitBeforeTheClosingLf("test_9", 1).substring(9, 12));
    assertEquals(1, service.stats().uploadsStored());
    assertEquals(0, service.stats().uploadsRejected());
  }

  /**
   * Sends one upload in two writes, the first ending with the CR of the CRLF before the boundary.
   */
  private String statusOfUploadSplitBeforeTheClosingLf(String student, int seq) throws Exception {
    Uploads.Content content = new Uploads.Content(9, 200_000);
    byte[] headBytes = Uploads.head(Uploads.fields(student, "30", seq, content));
    byte[] file;
    try (InputStream in = content.open()) {
      file = in.readAllBytes();
    }
    byte[] tail = Uploads.tail();
    byte[] body = new byte[headBytes.length + file.length + tail.length];
    System.arraycopy(headBytes, 0, body, 0, headBytes.length);
    System.arraycopy(file, 0, body, headBytes.length, file.length);
    System.arraycopy(tail, 0, body, headBytes.length + file.length, tail.length);
    int split = headBytes.length + file.length + 1; // just after the CR
    String request =
        "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Content-Type: multipart/form-data; boundary="
            + Uploads.BOUNDARY
            + "\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, 0, split);
      out.flush();
      Thread.sleep(300); // the server reads up to the CR alone
      out.write(body, split, body.length - split);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Sends raw bytes (for requests no well-behaved client would send) and reads the answer. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      int n = in.read(buf);
      return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  private JsonNode stats() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(service.baseUrl().resolve("/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return JSON.readTree(r.body());
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(data().resolve(".incoming"))) {
      assertEquals(List.of(), files.toList());
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
