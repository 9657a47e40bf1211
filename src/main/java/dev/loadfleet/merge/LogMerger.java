package dev.loadfleet.merge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Merges Gatling 3.15.1 {@code simulation.log} files from several injectors into one log that
 * Gatling's own report generator reads as a single run.
 *
 * <p>A streaming k-way merge: one reader per input and a priority queue of their next records, so
 * memory is one buffer and one string table per input, whatever the logs' size. The merged run
 * starts at the earliest (clock-corrected) input start; every time is rebased onto it. Scenario
 * tables are unioned by name, user records renumbered, and every string goes through the output's
 * one new string table.
 *
 * <p>Which time orders the records. Gatling's LogFileReader (v3.15.1) is order-insensitive for
 * requests and groups (each lands in buckets computed from its own start and end), but its
 * concurrent-users counters (SessionDeltaPerSecBuffers) assume user records move forward in time:
 * an earlier record after a later one is counted in the later bucket. So user records must leave
 * the merge in timestamp order. Each input is already in the order Gatling's data writer emitted
 * it: a user record at its timestamp, a request or group when it ended (the writer gets the
 * response then), an error when it happened. The queue is keyed on exactly that emission time
 * ({@link LogRecord#emittedAt()}), so every input is close to sorted on the key and the merge is a
 * true interleave; keying requests on their start would put a long request behind shorter ones
 * written after it. Each input's own record order is kept as is (only the heads compete), so a log
 * merged alone comes out in its original order and Gatling's t-digest percentiles, which depend on
 * insertion order, come out identical. Ties go to the input listed first.
 */
public final class LogMerger {
  private LogMerger() {}

  /**
   * The largest clock offset accepted, either way: a day. A host's clock is off by milliseconds to
   * seconds; more is a typo or a wrong sign, and it would move the run out of Gatling's int times.
   */
  public static final long MAX_CLOCK_OFFSET_MS = 86_400_000L;

  /** Merges {@code inputs} into {@code output} (created or replaced; never one of the inputs). */
  public static MergeResult merge(List<MergeInput> inputs, Path output) throws IOException {
    return merge(inputs, output, MergeListener.NONE);
  }

  /** As {@link #merge(List, Path)}, showing every written record to {@code listener}. */
  public static MergeResult merge(List<MergeInput> inputs, Path output, MergeListener listener)
      throws IOException {
    if (inputs.isEmpty()) {
      throw new InvalidLogException("no simulation.log to merge; give at least one");
    }
    checkDistinctNames(inputs);
    List<Path> files = new ArrayList<>();
    for (MergeInput input : inputs) {
      if (Math.abs(input.clockOffsetMs()) > MAX_CLOCK_OFFSET_MS) {
        throw new InvalidLogException(
            "input "
                + input.name()
                + " has a clock offset of "
                + input.clockOffsetMs()
                + " ms; offsets beyond a day ("
                + MAX_CLOCK_OFFSET_MS
                + " ms) either way are refused: give the host's clock lag in milliseconds");
      }
      Path file = input.logFile();
      if (!Files.exists(file)) {
        throw new InvalidLogException(
            file + " (input " + input.name() + ") does not exist; check the path");
      }
      if (sameFile(file, output)) {
        throw new InvalidLogException(
            "the merged log "
                + output
                + " would overwrite input "
                + file
                + "; choose another output folder");
      }
      files.add(file);
    }

    List<SimulationLogReader> readers = new ArrayList<>();
    try {
      for (Path file : files) {
        readers.add(SimulationLogReader.open(file));
      }
      checkNotTwice(inputs, readers);
      checkCompatible(readers);
      return mergeOpen(inputs, readers, output, listener);
    } finally {
      for (SimulationLogReader reader : readers) {
        reader.close();
      }
    }
  }

  /**
   * Where a merge into {@code output} writes before renaming into place: left behind only by a
   * merge that was killed, and so a sign that loadfleet merged there.
   */
  public static Path partial(Path output) {
    return output.toAbsolutePath().resolveSibling(output.getFileName() + ".part");
  }

  private static boolean sameFile(Path file, Path output) {
    if (file.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(output) && Files.isSameFile(file, output);
    } catch (IOException e) {
      return false; // one of them cannot be reached: then they are not one file
    }
  }

  /**
   * Refuses one log given twice (the same file under two names, or two copies): its requests would
   * count twice. Only logs of equal size are hashed, so distinct logs cost nothing.
   */
  private static void checkNotTwice(List<MergeInput> inputs, List<SimulationLogReader> readers)
      throws IOException {
    Map<Long, List<Integer>> bySize = new LinkedHashMap<>();
    for (int i = 0; i < readers.size(); i++) {
      bySize.computeIfAbsent(readers.get(i).size(), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> same : bySize.values()) {
      if (same.size() < 2) {
        continue;
      }
      Map<String, Integer> byHash = new HashMap<>();
      for (int i : same) {
        Integer first = byHash.putIfAbsent(sha256(readers.get(i).file()), i);
        if (first != null) {
          throw new InvalidLogException(
              "inputs "
                  + inputs.get(first).name()
                  + " ("
                  + readers.get(first).file()
                  + ") and "
                  + inputs.get(i).name()
                  + " ("
                  + readers.get(i).file()
                  + ") are the same log (same size and SHA-256); its requests would count twice:"
                  + " give each log once");
        }
      }
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MergeResult mergeOpen(
      List<MergeInput> inputs,
      List<SimulationLogReader> readers,
      Path output,
      MergeListener listener)
      throws IOException {
    long mergedStart = Long.MAX_VALUE;
    for (int i = 0; i < readers.size(); i++) {
      mergedStart =
          Math.min(mergedStart, readers.get(i).header().startMs() + inputs.get(i).clockOffsetMs());
    }

    Map<String, Integer> scenarioIds = new LinkedHashMap<>();
    List<Cursor> cursors = new ArrayList<>();
    for (int i = 0; i < readers.size(); i++) {
      SimulationLogReader reader = readers.get(i);
      long shift = reader.header().startMs() + inputs.get(i).clockOffsetMs() - mergedStart;
      if (shift > (long) LogRecord.MAX_TIME_MS - LogRecord.MIN_TIME_MS) {
        throw tooLate(reader, shift);
      }
      List<String> scenarios = reader.header().scenarios();
      int[] map = new int[scenarios.size()];
      for (int s = 0; s < map.length; s++) {
        map[s] = scenarioIds.computeIfAbsent(scenarios.get(s), k -> scenarioIds.size());
      }
      cursors.add(new Cursor(i, reader, (int) shift, map));
    }

    RunHeader first = readers.get(0).header();
    RunHeader header =
        new RunHeader(
            first.gatlingVersion(),
            first.simulationClass(),
            mergedStart,
            description(inputs, readers),
            List.copyOf(scenarioIds.keySet()),
            first.assertions());

    Path parent = output.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial = partial(output);
    long bytes;
    long written;
    try {
      try (SimulationLogWriter writer = SimulationLogWriter.create(partial, header)) {
        PriorityQueue<Cursor> queue =
            new PriorityQueue<>(
                Comparator.comparingLong((Cursor c) -> c.key).thenComparingInt(c -> c.index));
        for (Cursor cursor : cursors) {
          if (cursor.advance()) {
            queue.add(cursor);
          }
        }
        while (!queue.isEmpty()) {
          Cursor cursor = queue.poll();
          LogRecord record = cursor.rebasedHead();
          writer.write(record);
          listener.onRecord(cursor.index, record);
          if (cursor.advance()) {
            queue.add(cursor);
          }
        }
        written = writer.records();
        bytes = writer.bytes();
      }
      Files.move(
          partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }

    List<String> warnings = new ArrayList<>();
    List<MergeResult.Input> merged = new ArrayList<>();
    for (Cursor c : cursors) {
      MergeInput in = inputs.get(c.index);
      if (c.reader.truncated()) {
        warnings.add(
            in.name()
                + " ("
                + c.reader.file()
                + ") ends inside a record (injector killed?): merged its first "
                + c.reader.records()
                + " whole records and dropped the partial last one");
      }
      merged.add(
          new MergeResult.Input(
              in.name(),
              c.reader.file(),
              c.reader.header(),
              in.clockOffsetMs(),
              c.shift,
              c.reader.records(),
              c.reader.truncated()));
    }
    return new MergeResult(output, header, written, bytes, merged, warnings);
  }

  /**
   * The run description marks the log as loadfleet's ({@link RunHeader#mergedByLoadfleet()}) and
   * names the inputs; a description they all share is kept in front. Kept under 4000 chars, so its
   * bytes stay within what a Gatling writer (and so the reader) allows for a string.
   */
  private static String description(List<MergeInput> inputs, List<SimulationLogReader> readers) {
    Set<String> own =
        readers.stream().map(r -> r.header().runDescription()).collect(Collectors.toSet());
    String names = inputs.stream().map(MergeInput::name).collect(Collectors.joining(", "));
    String merged =
        RunHeader.MERGED_MARK
            + inputs.size()
            + " log"
            + (inputs.size() == 1 ? "" : "s")
            + ": "
            + names;
    merged = cut(merged, 1000);
    if (own.size() == 1 && !own.iterator().next().isBlank()) {
      return cut(own.iterator().next(), 4000 - merged.length() - 3) + " (" + merged + ")";
    }
    return merged;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  private static void checkDistinctNames(List<MergeInput> inputs) throws InvalidLogException {
    Set<String> seen = new LinkedHashSet<>();
    for (MergeInput input : inputs) {
      if (!seen.add(input.name())) {
        throw new InvalidLogException(
            "two inputs are named '" + input.name() + "'; name them apart (NAME=path)");
      }
    }
  }

  /** Refuses logs that are not one test: other Gatling versions, simulations or assertions. */
  private static void checkCompatible(List<SimulationLogReader> readers)
      throws InvalidLogException {
    Map<String, List<Path>> versions = new LinkedHashMap<>();
    for (SimulationLogReader r : readers) {
      versions.computeIfAbsent(r.header().gatlingVersion(), k -> new ArrayList<>()).add(r.file());
    }
    if (versions.size() > 1) {
      throw new InvalidLogException(
          "the logs were written by different Gatling versions: "
              + describe(versions)
              + "; merge logs of one Gatling "
              + RunHeader.SUPPORTED_VERSION
              + " test only");
    }
    String version = versions.keySet().iterator().next();
    if (!version.equals(RunHeader.SUPPORTED_VERSION)) {
      throw new InvalidLogException(
          "the logs were written by Gatling "
              + version
              + " ("
              + versions.get(version)
              + "); loadfleet reads Gatling "
              + RunHeader.SUPPORTED_VERSION
              + " logs only: rerun the test with Gatling "
              + RunHeader.SUPPORTED_VERSION);
    }
    Map<String, List<Path>> classes = new LinkedHashMap<>();
    for (SimulationLogReader r : readers) {
      classes.computeIfAbsent(r.header().simulationClass(), k -> new ArrayList<>()).add(r.file());
    }
    if (classes.size() > 1) {
      throw new InvalidLogException(
          "the logs come from different simulations: "
              + describe(classes)
              + "; merge logs of one simulation only");
    }
    RunHeader first = readers.get(0).header();
    for (SimulationLogReader r : readers.subList(1, readers.size())) {
      if (!first.sameAssertions(r.header())) {
        throw new InvalidLogException(
            "the logs carry different assertions: "
                + readers.get(0).file()
                + " has "
                + first.assertions().size()
                + ", "
                + r.file()
                + " has "
                + r.header().assertions().size()
                + " (or the same number with other thresholds); merge runs of one test"
                + " configuration only");
      }
    }
  }

  private static String describe(Map<String, List<Path>> byValue) {
    return byValue.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " in "
                    + e.getValue().stream().map(Path::toString).collect(Collectors.joining(", ")))
        .collect(Collectors.joining("; "));
  }

  private static InvalidLogException tooLate(SimulationLogReader reader, long shift) {
    return new InvalidLogException(
        reader.file()
            + " started "
            + shift / 3_600_000
            + " h after the earliest input, so its records would land more than "
            + LogRecord.MAX_TIME_MS / 86_400_000
            + " days after the merged run start: merge runs of one test only");
  }

  /** One input's reader and its next record. */
  private static final class Cursor {
    final int index;
    final SimulationLogReader reader;
    final int shift;
    final int[] scenarioMap;
    LogRecord head;
    long key;

    Cursor(int index, SimulationLogReader reader, int shift, int[] scenarioMap) {
      this.index = index;
      this.reader = reader;
      this.shift = shift;
      this.scenarioMap = scenarioMap;
    }

    boolean advance() throws IOException {
      head = reader.next();
      if (head == null) {
        return false;
      }
      key = (long) head.emittedAt() + shift;
      return true;
    }

    LogRecord rebasedHead() throws InvalidLogException {
      LogRecord rebased = head.rebased(shift, scenarioMap);
      if (rebased.latest() > LogRecord.MAX_TIME_MS) {
        throw tooLate(reader, shift);
      }
      return rebased;
    }
  }
}
