package dev.loadfleet.merge;

import java.nio.file.Path;
import java.util.List;

/**
 * What a merge wrote: the merged log and its header, how many records came from each input, and
 * warnings (truncated inputs) to show the user.
 */
public record MergeResult(
    Path output,
    RunHeader header,
    long records,
    long bytes,
    List<Input> inputs,
    List<String> warnings) {
  public MergeResult {
    inputs = List.copyOf(inputs);
    warnings = List.copyOf(warnings);
  }

  /**
   * One input as merged.
   *
   * @param shiftMs what was added to this input's times: its run start and clock offset, relative
   *     to the merged run start
   */
  public record Input(
      String name,
      Path log,
      RunHeader header,
      long clockOffsetMs,
      long shiftMs,
      long records,
      boolean truncated) {}
}
