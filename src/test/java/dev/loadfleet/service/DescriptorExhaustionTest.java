package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Out of file descriptors: {@code loadfleet target} in a forked JVM under {@code ulimit -n 256}
 * gets 300 connections, over each transport. It says so once, in a sentence, keeps serving the
 * connections it has, and accepts again once some close.
 */
class DescriptorExhaustionTest {
  private static final int LIMIT = 256;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void runningOutOfDescriptorsIsSaidOnceAndServingGoesOn(String transport) throws Exception {
    List<Socket> flood = new ArrayList<>();
    try (TargetProcess target =
        TargetProcess.start(
            tmp.resolve("target.log"),
            LIMIT,
            List.of("-Xmx128m", "-Dloadfleet.service.transport=" + transport),
            "--port",
            "0",
            "--discard",
            "--data-dir",
            tmp.resolve("data").toString(),
            "--idle-timeout",
            "60s",
            "--duration",
            "60s")) {
      Path log = target.log;
      int port = target.baseUrl.getPort();
      TargetProcess.waitForLine(log, "(" + transport + ")", Duration.ofSeconds(5));
      try (RawHttp kept = new RawHttp(port)) {
        assertTrue(stats(kept).startsWith("HTTP/1.1 200"));
        for (int i = 0; i < 300; i++) {
          flood.add(new Socket("127.0.0.1", port));
        }
        String said = TargetProcess.waitForLine(log, "file descriptors", Duration.ofSeconds(15));
        assertTrue(said.contains(Integer.toString(LIMIT)), said);
        assertTrue(said.contains("ulimit -n"), said);
        Thread.sleep(3000); // Netty retries the accept every second
        List<String> lines = Files.readAllLines(log);
        assertEquals(
            1, lines.stream().filter(l -> l.contains("file descriptors")).count(), "" + lines);
        assertTrue(
            lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
            "a stack trace in the log: " + lines);

        String answer = stats(kept);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        long failures =
            new ObjectMapper()
                .readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                .get("connections")
                .get("acceptFailures")
                .asLong();
        assertTrue(failures >= 1, answer);

        for (Socket s : flood.subList(0, 200)) {
          s.close();
        }
        try (RawHttp fresh = new RawHttp(port)) {
          assertTrue(stats(fresh).startsWith("HTTP/1.1 200"));
        }
        TargetProcess.waitForLine(log, "accepting connections again", Duration.ofSeconds(5));
      }
    } finally {
      for (Socket s : flood) {
        s.close();
      }
    }
  }

  private static String stats(RawHttp c) throws Exception {
    return c.send("GET /stats HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(Duration.ofSeconds(15));
  }
}
