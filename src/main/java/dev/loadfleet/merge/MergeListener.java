package dev.loadfleet.merge;

/** Sees every record as the merger writes it, already rebased onto the merged run start. */
@FunctionalInterface
public interface MergeListener {
  /**
   * @param input index of the record's input in the list given to {@link LogMerger}
   * @param record the record as written (merged scenario ids, merged-start-relative times)
   */
  void onRecord(int input, LogRecord record);

  MergeListener NONE = (input, record) -> {};
}
