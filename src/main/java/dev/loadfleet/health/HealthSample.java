package dev.loadfleet.health;

/**
 * One injector host's health over one sampling period, as charted and checked for saturation. Rates
 * and CPU % are averages over the period that ends at {@code timeMs}. A field the host could not
 * tell is -1.
 *
 * @param timeMs end of the period, epoch ms on the launcher's clock (when the sample arrived)
 * @param periodMs length of the period, measured on the host (/proc/uptime)
 * @param cpus online CPUs of the host
 * @param cpuBusyPct time not idle nor waiting for I/O, over all CPUs, 0-100
 * @param load1 1-minute load average
 * @param memAvailableBytes MemAvailable: what new work can take without swapping
 * @param memTotalBytes MemTotal
 * @param netInterface the interface counted, or {@link ProcSnapshot#ALL_INTERFACES}
 * @param netTxBytesPerSec bytes the interface sent per second (the upload direction)
 * @param netRxBytesPerSec bytes the interface received per second
 * @param openFds descriptors the injector process holds; -1 when not readable
 * @param processRssBytes the injector's resident memory (VmRSS); -1 when it is not running
 * @param processThreads the injector's threads; -1 when it is not running
 * @param heapUsedBytes the injector JVM's heap in use (from its hsperfdata); -1 when unknown
 * @param heapCommittedBytes the injector JVM's committed heap; -1 when unknown
 * @param gcPct share of the period the injector JVM spent in garbage collection, 0-100 (jstat's GCT
 *     over time); -1 when unknown
 */
public record HealthSample(
    long timeMs,
    long periodMs,
    int cpus,
    double cpuBusyPct,
    double load1,
    long memAvailableBytes,
    long memTotalBytes,
    String netInterface,
    double netTxBytesPerSec,
    double netRxBytesPerSec,
    int openFds,
    long processRssBytes,
    int processThreads,
    long heapUsedBytes,
    long heapCommittedBytes,
    double gcPct) {

  /** Start of the period this sample averages over. */
  public long fromMs() {
    return timeMs - periodMs;
  }

  /** Memory in use (total minus available) as a percentage of the total. */
  public double memUsedPct() {
    return memTotalBytes <= 0 ? 0 : 100.0 * (memTotalBytes - memAvailableBytes) / memTotalBytes;
  }

  /** Sent bits per second as a percentage of a NIC's declared speed. */
  public double nicTxPct(long nicBitsPerSecond) {
    return 100.0 * netTxBytesPerSec * 8 / nicBitsPerSecond;
  }
}
