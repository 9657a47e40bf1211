package dev.loadfleet.report;

import dev.loadfleet.merge.LogMerger;
import dev.loadfleet.merge.SimulationLogReader;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder a report goes to, and what may be done to it. A new or empty folder is used as is; a
 * folder holding an earlier loadfleet report (its simulation.log merged by loadfleet, or the
 * partial log of a merge that was killed) is emptied once the new merge has succeeded, so a refused
 * input leaves the earlier report as it was; any other folder with files in it is refused unless
 * forced, since Gatling would overwrite its index.html and pages. A report that fails before
 * Gatling ran leaves a new or empty folder as it found it (a folder it created is removed); after a
 * Gatling failure the merged log and Gatling's console stay for the user to read.
 */
final class ReportFolder {
  private enum State {
    NEW,
    EMPTY,
    EARLIER_REPORT,
    FORCED
  }

  private final Path dir;
  private final State state;
  private final Path created; // the outermost folder this report created, or null

  private ReportFolder(Path dir, State state, Path created) {
    this.dir = dir;
    this.state = state;
    this.created = created;
  }

  /**
   * Decides what to do with {@code dir}, refusing what must not be touched, and creates it when
   * missing.
   *
   * @param inputs the logs to merge: an earlier report holding one of them is not emptied
   */
  static ReportFolder prepare(Path dir, boolean force, List<Path> inputs) throws IOException {
    for (Path input : inputs) {
      if (Files.exists(dir)
          && !Files.isDirectory(dir)
          && Files.exists(input)
          && Files.isSameFile(input, dir)) {
        throw new IOException(
            "the report folder "
                + dir
                + " is one of the input logs; give a folder for the report (--out DIR), not a log");
      }
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException(
          "the report folder "
              + dir
              + " is a file; give a new or empty folder for the report (--out DIR)");
    }
    if (!Files.exists(dir)) {
      Path outermost = dir;
      while (outermost.getParent() != null && !Files.exists(outermost.getParent())) {
        outermost = outermost.getParent();
      }
      Path blocking = outermost.getParent();
      if (blocking != null && !Files.isDirectory(blocking)) {
        throw new IOException(
            "cannot write the report folder "
                + dir
                + " ("
                + blocking
                + " is a file); choose a folder you can write (--out DIR)");
      }
      try {
        Files.createDirectories(dir);
      } catch (FileSystemException e) {
        throw cannotWrite(dir, e);
      }
      return new ReportFolder(dir, State.NEW, outermost);
    }
    if (isEmpty(dir)) {
      return new ReportFolder(dir, State.EMPTY, null);
    }
    if (holdsReport(dir)) {
      for (Path input : inputs) {
        if (input.toAbsolutePath().normalize().startsWith(dir)) {
          throw new IOException(
              "input "
                  + input
                  + " lies in "
                  + dir
                  + ", an earlier loadfleet report this one would replace; copy the log out, or"
                  + " write the report elsewhere (--out DIR)");
        }
      }
      return new ReportFolder(dir, State.EARLIER_REPORT, null);
    }
    if (!force) {
      throw new IOException(
          "the report folder "
              + dir
              + " already holds files and no loadfleet report, and Gatling would overwrite its"
              + " index.html and pages; choose a new or empty folder (--out DIR), or --force to"
              + " write into it anyway");
    }
    return new ReportFolder(dir, State.FORCED, null);
  }

  /**
   * The new merged log is in place: an earlier report's other files (Gatling's pages of other
   * requests among them) go now.
   */
  void merged(Path mergedLog) throws IOException {
    if (state != State.EARLIER_REPORT) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> !p.equals(mergedLog)).toList()) {
        deleteTree(p);
      }
    } catch (FileSystemException e) {
      throw cannotWrite(dir, e);
    }
  }

  /** What the user should know about the folder, or null. */
  String note() {
    return switch (state) {
      case EARLIER_REPORT -> "replaced the earlier loadfleet report in " + dir;
      case FORCED -> "wrote into " + dir + ", which held other files (--force)";
      default -> null;
    };
  }

  /**
   * Undoes what the report wrote, unless {@code keep} (Gatling ran and its console tells why it
   * failed): folders this report created are removed (results/ too, when it made it), a folder it
   * found empty is emptied again.
   */
  void failed(boolean keep) {
    if (keep || state == State.FORCED || state == State.EARLIER_REPORT) {
      return;
    }
    try {
      deleteContents(dir);
      if (created != null) {
        for (Path p = dir; p != null && p.startsWith(created); p = p.getParent()) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      // Best effort: the report's own failure is what the user needs to see.
    }
  }

  private static IOException cannotWrite(Path dir, FileSystemException e) {
    String reason = e.getReason() == null ? "permission denied" : e.getReason();
    String where =
        e.getFile() == null || e.getFile().equals(dir.toString()) ? "" : " at " + e.getFile();
    return new IOException(
        "cannot write the report folder "
            + dir
            + " ("
            + reason
            + where
            + "); choose a folder you can write (--out DIR)");
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** An earlier loadfleet report: its simulation.log is a log loadfleet merged, or was going to. */
  private static boolean holdsReport(Path dir) {
    Path log = dir.resolve(Reporter.MERGED_LOG);
    if (Files.isRegularFile(LogMerger.partial(log))) {
      return true;
    }
    if (!Files.isRegularFile(log)) {
      return false;
    }
    try (SimulationLogReader r = SimulationLogReader.open(log)) {
      return r.header().mergedByLoadfleet();
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteContents(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        deleteTree(p);
      }
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  /** Deletes {@code path} and, for a folder, everything in it (links are removed, not followed). */
  private static void deleteTree(Path path) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(path)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
