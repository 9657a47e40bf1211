package dev.loadfleet.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's health samples as JSON lines, one {@link HealthSample} a line in time order, at
 * results/&lt;run-id&gt;/hosts/&lt;host&gt;/{@value #FILE_NAME}. Appending a line per sample keeps
 * every sample taken before a launcher crash.
 */
public final class HealthLog {
  /** The file's name inside a host's results folder. */
  public static final String FILE_NAME = "health.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private HealthLog() {}

  /** The health log of the host whose results folder is {@code hostDir}. */
  public static Path in(Path hostDir) {
    return hostDir.resolve(FILE_NAME);
  }

  /** Appends one sample as one line, creating the file and its folders on first use. */
  public static void append(Path file, HealthSample sample) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        line(sample),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Writes every sample, replacing the file. */
  public static void write(Path file, List<HealthSample> samples) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (HealthSample sample : samples) {
        out.write(line(sample));
      }
    }
  }

  /**
   * Reads every sample back.
   *
   * @throws IOException when the file cannot be read or a line is not a sample (file and line
   *     named)
   */
  public static List<HealthSample> read(Path file) throws IOException {
    List<HealthSample> samples = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        samples.add(JSON.readValue(lines.get(i), HealthSample.class));
      } catch (JsonProcessingException e) {
        throw new IOException(
            file
                + ":"
                + (i + 1)
                + ": not a health sample ("
                + e.getOriginalMessage()
                + "); the file is damaged: delete the line or re-collect the run",
            e);
      }
    }
    return samples;
  }

  private static String line(HealthSample sample) throws JsonProcessingException {
    return JSON.writeValueAsString(sample) + "\n";
  }
}
