package dev.loadfleet.merge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One log to merge: a name for it (the injector host), its {@code simulation.log} (or the folder
 * holding it), and how many milliseconds to add to its times so its clock agrees with the others
 * (positive when the host's clock is behind the reference).
 */
public record MergeInput(String name, Path log, long clockOffsetMs) {
  /** Gatling's file name inside a run folder. */
  public static final String LOG_FILE_NAME = "simulation.log";

  public MergeInput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(log, "log");
    if (name.isBlank()) {
      throw new IllegalArgumentException("input name for " + log + " is blank; give it a name");
    }
  }

  /** An input named after the folder holding its log, as Gatling lays out run folders. */
  public static MergeInput of(Path logOrFolder) {
    Path file = Files.isDirectory(logOrFolder) ? logOrFolder.resolve(LOG_FILE_NAME) : logOrFolder;
    Path parent = file.toAbsolutePath().normalize().getParent();
    String name =
        parent == null || parent.getFileName() == null
            ? file.toString()
            : parent.getFileName().toString();
    return new MergeInput(name, logOrFolder, 0);
  }

  public MergeInput withClockOffset(long offsetMs) {
    return new MergeInput(name, log, offsetMs);
  }

  /**
   * The log file itself: {@code log}, or {@code log/simulation.log} when {@code log} is a folder.
   */
  public Path logFile() throws InvalidLogException {
    if (!Files.isDirectory(log)) {
      return log;
    }
    Path file = log.resolve(LOG_FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new InvalidLogException(
          "folder "
              + log
              + " (input "
              + name
              + ") holds no "
              + LOG_FILE_NAME
              + "; give the run folder Gatling wrote, or the log file itself");
    }
    return file;
  }
}
