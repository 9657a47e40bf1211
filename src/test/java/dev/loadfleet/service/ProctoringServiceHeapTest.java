package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
    Path log = tmp.resolve("target.log");
    Process target =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:MaxDirectMemorySize=64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.loadfleet.cli.Main",
                "target",
                "--port",
                "0",
                "--data-dir",
                data.toString(),
                "--max-body",
                "200MB",
                "--duration",
                "120s")
            .redirectError(log.toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertNotNull(first, "target printed nothing; see " + Files.readString(log));
      URI base = URI.create(first.trim());
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

      Uploads.Content big = new Uploads.Content(11, 100_000_000);
      HttpResponse<String> r =
          Uploads.send(client, Uploads.request(base, Uploads.fields("test_0", "30", 0, big), big));
      assertEquals(201, r.statusCode(), r.body());

      Uploads.Content medium = new Uploads.Content(12, 40_000_000);
      List<CompletableFuture<HttpResponse<String>>> parallel =
          IntStream.range(1, 5)
              .mapToObj(
                  i ->
                      client.sendAsync(
                          Uploads.request(
                              base, Uploads.fields("test_" + i, "30", 0, medium), medium),
                          HttpResponse.BodyHandlers.ofString()))
              .toList();
      for (CompletableFuture<HttpResponse<String>> f : parallel) {
        assertEquals(201, f.get().statusCode());
      }
      assertTrue(target.isAlive(), "the service died; see " + Files.readString(log));
      assertEquals(100_000_000, Files.size(data.resolve("30/recordings/test_0/0.webm")));
      for (int i = 1; i < 5; i++) {
        assertEquals(40_000_000, Files.size(data.resolve("30/recordings/test_" + i + "/0.webm")));
      }
    } finally {
      target.destroy();
      target.waitFor();
    }
  }
}
