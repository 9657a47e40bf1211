package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's heap does not grow with upload size or count: {@code loadfleet target} runs in a
 * forked JVM with a 64 MiB heap (and no more direct memory) and receives one upload bigger than
 * that heap, then several at once, 260 MB in all. Holding any one upload in memory would end the
 * JVM with OutOfMemoryError.
 */
class ProctoringServiceHeapTest {
  @TempDir Path tmp;

  @Test
  void uploadsLargerThanTheHeapStreamThrough() throws Exception {
    Path data = tmp.resolve("data");
    try (TargetProcess target =
        TargetProcess.start(
            tmp.resolve("target.log"),
            0,
            List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-XX:+ExitOnOutOfMemoryError"),
            "--port",
            "0",
            "--data-dir",
            data.toString(),
            "--max-body",
            "200MB",
            "--duration",
            "120s")) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

      Uploads.Content big = new Uploads.Content(11, 100_000_000);
      HttpResponse<String> r =
          Uploads.send(
              client, Uploads.request(target.baseUrl, Uploads.fields("test_0", "30", 0, big), big));
      assertEquals(201, r.statusCode(), r.body());

      Uploads.Content medium = new Uploads.Content(12, 40_000_000);
      List<CompletableFuture<HttpResponse<String>>> parallel =
          IntStream.range(1, 5)
              .mapToObj(
                  i ->
                      client.sendAsync(
                          Uploads.request(
                              target.baseUrl, Uploads.fields("test_" + i, "30", 0, medium), medium),
                          HttpResponse.BodyHandlers.ofString()))
              .toList();
      for (CompletableFuture<HttpResponse<String>> f : parallel) {
        assertEquals(201, f.get().statusCode());
      }
      assertTrue(target.process.isAlive(), "the service died; see " + Files.readString(target.log));
      assertEquals(100_000_000, Files.size(data.resolve("30/recordings/test_0/0.webm")));
      for (int i = 1; i < 5; i++) {
        assertEquals(40_000_000, Files.size(data.resolve("30/recordings/test_" + i + "/0.webm")));
      }
    }
  }
}
