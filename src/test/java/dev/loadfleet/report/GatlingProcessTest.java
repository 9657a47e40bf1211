package dev.loadfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GatlingProcessTest {
  @Test
  void systemPropertiesGoOutInTheOrderTheyWereAdded() {
    GatlingProcess process = GatlingProcess.onThisClasspath();
    List<String> keys = IntStream.range(0, 24).mapToObj(i -> "key" + (23 - i)).toList();
    for (String key : keys) {
      process = process.withSystemProperty(key, "v");
    }
    List<String> flags =
        process.command(List.of()).stream().filter(a -> a.startsWith("-Dkey")).toList();
    assertEquals(keys.stream().map(k -> "-D" + k + "=v").toList(), flags);
  }
}
