package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real proctoring service takes besides the bare /upload and /heartbeat: exam-scoped paths
 * (/exams/{examId}/upload), and a required Authorization header, configured by its SHA-256 only.
 */
class ExamRoutesAndAuthTest {
  private static final String AUTH = "Bearer s3cr3t token/with spaces";

  @TempDir Path tmp;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProctoringService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> upload(String path, String examId, int seq, String auth) {
    Uploads.Content content = new Uploads.Content(seq, 1000);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(service.baseUrl().resolve(path))
            .header("Content-Type", "multipart/form-data; boundary=" + Uploads.BOUNDARY)
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    Uploads.body(Uploads.fields("test_1", examId, seq, content), content)));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return Uploads.send(client, b.build());
  }

  private HttpResponse<String> heartbeat(String path, String auth) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(service.baseUrl().resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("studentId=test_1&examId=30"));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void examScopedPathsStoreAsTheBareOnesAndMustNameTheFormsExam() throws Exception {
    service = ProctoringService.start(ServiceOptions.loopback(tmp.resolve("data")));
    assertEquals(201, upload("/exams/30/upload", "30", 0, null).statusCode());
    assertTrue(Files.isRegularFile(tmp.resolve("data/30/recordings/test_1/0.webm")));
    assertEquals(200, heartbeat("/exams/30/heartbeat", null).statusCode());

    HttpResponse<String> other = upload("/exams/31/upload", "30", 1, null);
    assertEquals(400, other.statusCode(), other.body());
    assertTrue(other.body().contains("the path names exam 31"), other.body());
    assertEquals(400, heartbeat("/exams/31/heartbeat", null).statusCode());
    // Gatling EL left unresolved is no exam id: not a route.
    assertEquals(404, heartbeat("/exams/%23%7BexamId%7D/heartbeat", null).statusCode());
    assertEquals(1, service.stats().uploadsStored());
    assertEquals(1, service.stats().heartbeats());
  }

  @Test
  void aRequiredAuthorizationIsCheckedByItsSha256() throws Exception {
    service =
        ProctoringService.start(
            ServiceOptions.loopback(tmp.resolve("data")).withAuthSha256(sha256(AUTH)));
    assertEquals(201, upload("/upload", "30", 0, AUTH).statusCode());
    assertEquals(200, heartbeat("/heartbeat", AUTH).statusCode());

    HttpResponse<String> missing = upload("/upload", "30", 1, null);
    assertEquals(401, missing.statusCode(), missing.body());
    assertTrue(missing.body().contains("missing"), missing.body());
    HttpResponse<String> wrong = heartbeat("/heartbeat", "Bearer guess");
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertTrue(!wrong.body().contains(AUTH), "the answer must not show the expected credential");

    ServiceStats s = service.stats();
    assertEquals(1, s.uploadsStored());
    assertEquals(1, s.uploadsRejected());
    assertEquals(1, s.heartbeats());
    assertEquals(1, s.heartbeatsRejected());
  }
}
