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
import org.junit.jupiter.api.Nested;
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
  void aRecordingAlreadyHashedIsVerifiedByComparisonAndAnAlteredCopyIsStillRefused()
      throws Exception {
    start();
    Uploads.Content content = new Uploads.Content(6, 2_000_000);
    for (int seq = 0; seq < 3; seq++) {
      HttpResponse<String> r =
          Uploads.send(
              client,
              Uploads.request(
                  service.baseUrl(), Uploads.fields("test_6", "30", seq, content), content));
      assertEquals(201, r.statusCode(), r.body());
      assertEquals(content.sha256(), JSON.readTree(r.body()).get("sha256").asText());
      Path stored = data().resolve("30/recordings/test_6/" + seq + ".webm");
      assertEquals(content.sha256(), sha256(stored), "the file on disk is what was sent");
    }
    assertEquals(3, service.stats().uploadsStored());
    assertEquals(2, service.stats().uploadsCompared(), "the first was hashed, then compared");

    // Same declared checksum and size, other bytes: hashed after all, and refused.
    Uploads.Content other = new Uploads.Content(7, 2_000_000);
    Map<String, String> fields = Uploads.fields("test_6", "30", 3, other);
    fields.put("sha256", content.sha256());
    HttpResponse<String> r =
        Uploads.send(client, Uploads.request(service.baseUrl(), fields, other));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("received content has " + other.sha256()), r.body());
    assertEquals(3, service.stats().uploadsStored());
    assertEquals(2, service.stats().uploadsCompared());
    assertFalse(Files.exists(data().resolve("30/recordings/test_6/3.webm")));
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

  /**
   * What the service accepts as one recording: the file part's name, a canonical seq, and each
   * (exam, student, seq) once; {@code uploadsStored} always equals the files on disk.
   */
  @Nested
  class OneRecordingPerSeq {
    private HttpResponse<String> upload(Map<String, String> fields, Uploads.Content content) {
      return Uploads.send(client, Uploads.request(service.baseUrl(), fields, content));
    }

    private HttpResponse<String> upload(String student, String seq, Uploads.Content content) {
      Map<String, String> fields = Uploads.fields(student, "30", 0, content);
      fields.put("seq", seq);
      return upload(fields, content);
    }

    @Test
    void aFilePartNotNamedFileIsRefusedNamingTheField() throws Exception {
      service = ProctoringService.start(ServiceOptions.loopback(data()));
      Uploads.Content content = new Uploads.Content(31, 50_000);
      byte[] body =
          Uploads.body(Uploads.head(Uploads.fields("test_1", "30", 0, content), "video"), content);
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(service.baseUrl().resolve("/upload"))
                  .header("Content-Type", "multipart/form-data; boundary=" + Uploads.BOUNDARY)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(r.body().contains("'file'") && r.body().contains("'video'"), r.body());
      assertEquals(0, service.stats().uploadsStored());
      assertEquals(0, recordingsOnDisk());
    }

    @Test
    void seqMustBeACanonicalDecimalInteger() throws Exception {
      service = ProctoringService.start(ServiceOptions.loopback(data()));
      Uploads.Content content = new Uploads.Content(32, 1_000);
      for (String seq : List.of("000", "01", "-1", "+1", "1e3", "1000000000", "", " 1", "٣")) {
        HttpResponse<String> r = upload("test_1", seq, content);
        assertEquals(400, r.statusCode(), "seq '" + seq + "' -> " + r.body());
        assertTrue(r.body().contains("'seq'"), r.body());
      }
      assertEquals(201, upload("test_1", "0", content).statusCode());
      assertEquals(201, upload("test_1", "999999999", content).statusCode());
      assertEquals(2, recordingsOnDisk());
    }

    @Test
    void uploadsStoredEqualsTheFilesOnDiskThroughDuplicatesAndRaces() throws Exception {
      service = ProctoringService.start(ServiceOptions.loopback(data()));
      Uploads.Content first = new Uploads.Content(33, 200_000);
      Uploads.Content second = new Uploads.Content(34, 200_000);
      for (int seq = 0; seq < 3; seq++) {
        assertEquals(201, upload("test_1", Integer.toString(seq), first).statusCode());
      }
      // The same seq again, even with other content: 409, and the first recording stays.
      HttpResponse<String> again = upload("test_1", "1", second);
      assertEquals(409, again.statusCode(), again.body());
      assertTrue(again.body().contains("seq 1"), again.body());
      assertEquals(first.sha256(), sha256(data().resolve("30/recordings/test_1/1.webm")));
      // Two uploads of one seq at once: one is stored, the other refused.
      List<CompletableFuture<HttpResponse<String>>> race =
          IntStream.range(0, 2)
              .mapToObj(
                  i -> {
                    Uploads.Content c = i == 0 ? first : second;
                    Map<String, String> f = Uploads.fields("test_1", "30", 3, c);
                    return client.sendAsync(
                        Uploads.request(service.baseUrl(), f, c),
                        HttpResponse.BodyHandlers.ofString());
                  })
              .toList();
      List<Integer> statuses = race.stream().map(f -> f.join().statusCode()).sorted().toList();
      assertEquals(List.of(201, 409), statuses);
      ServiceStats s = service.stats();
      assertEquals(4, s.uploadsStored());
      assertEquals(2, s.uploadsRejected());
      assertEquals(2, s.uploadsDuplicate());
      assertEquals(s.uploadsStored(), recordingsOnDisk());
      try (Stream<Path> incoming = Files.list(data().resolve(".incoming"))) {
        assertEquals(List.of(), incoming.toList());
      }
    }

    @Test
    void duplicatesAreRefusedWhenDiscardingToo() throws Exception {
      service = ProctoringService.start(ServiceOptions.loopback(data()).withDiscard(true));
      Uploads.Content content = new Uploads.Content(35, 10_000);
      assertEquals(201, upload("test_2", "7", content).statusCode());
      assertEquals(409, upload("test_2", "7", content).statusCode());
      assertEquals(201, upload("test_3", "7", content).statusCode());
      assertEquals(2, service.stats().uploadsStored());
      assertEquals(0, recordingsOnDisk());
    }

    @Test
    void aRecordingLeftByAnEarlierRunIsReplacedNotRefused() throws Exception {
      // A data dir used again (`loadfleet target --data-dir`) holds an earlier run's files.
      Uploads.Content old = new Uploads.Content(36, 10_000);
      Uploads.Content fresh = new Uploads.Content(37, 10_000);
      service = ProctoringService.start(ServiceOptions.loopback(data()));
      assertEquals(201, upload("test_4", "0", old).statusCode());
      service.close();
      service = ProctoringService.start(ServiceOptions.loopback(data()));
      assertEquals(201, upload("test_4", "0", fresh).statusCode());
      assertEquals(fresh.sha256(), sha256(data().resolve("30/recordings/test_4/0.webm")));
      assertEquals(1, service.stats().uploadsStored());
      assertEquals(1, recordingsOnDisk());
    }

    @Test
    void aRefusedUploadDoesNotBlockALaterValidOneOfTheSameSeq() throws Exception {
      service =
          ProctoringService.start(
              ServiceOptions.loopback(data()).withIdleTimeout(Duration.ofSeconds(5)));
      Uploads.Content content = new Uploads.Content(38, 10_000);
      Map<String, String> wrong = Uploads.fields("test_5", "30", 2, content);
      wrong.put("sha256", new Uploads.Content(39, 10_000).sha256());
      assertEquals(400, upload(wrong, content).statusCode());
      assertEquals(201, upload("test_5", "2", content).statusCode());
      assertEquals(1, recordingsOnDisk());
    }

    private long recordingsOnDisk() throws IOException {
      if (!Files.exists(data())) {
        return 0;
      }
      try (Stream<Path> all = Files.walk(data())) {
        return all.filter(Files::isRegularFile)
            .filter(f -> !f.startsWith(data().resolve(".incoming")))
            .count();
      }
    }
  }
}
