package dev.loadfleet.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** What the benchmarks under bench/ record about the machine they ran on (Linux /proc). */
public final class Machine {
  private Machine() {}

  /** /proc/loadavg as it reads now, or "?" where there is none. */
  public static String loadAvg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /** Cores, CPU model, memory, kernel, JVM and the date. */
  public static ObjectNode describe() throws IOException {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put(
        "cpu",
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 2))
            .orElse("?"));
    m.put("memTotal", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
    m.put("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
    m.put(
        "java",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("date", Instant.now().toString());
    return m;
  }
}
