package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the service accepts as one recording: the file part's name, a canonical seq, and each (exam,
 * student, seq) once; {@code uploadsStored} always equals the files on disk.
 */
class UploadPolicyTest {
  @TempDir Path tmp;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProctoringService service;

  private Path data() {
    return tmp.resolve("data");
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

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
    // The embedded stand-in keeps target/server_data between `./mvnw gatling:test` runs.
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

  private static String sha256(Path file) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      md.update(in.readAllBytes());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }
}
