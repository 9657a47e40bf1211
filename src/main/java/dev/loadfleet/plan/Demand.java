package dev.loadfleet.plan;

import java.time.Duration;

/**
 * What the workload asks of the injectors, as the planner needs it: the workload knobs users,
 * recordingSize, uploadInterval, heartbeatSize and heartbeatInterval (config.WorkloadKey), already
 * converted to bytes and durations.
 *
 * @param recordingBytes bytes of one upload's body (the guide's 17.5 MB = 17 500 000 bytes)
 * @param heartbeatBytes bytes of one heartbeat's body; 0 when unknown or negligible
 * @param heartbeatInterval {@link Duration#ZERO} when the workload sends no heartbeats
 */
public record Demand(
    int users,
    long recordingBytes,
    Duration uploadInterval,
    long heartbeatBytes,
    Duration heartbeatInterval) {

  public Demand {
    if (users <= 0) {
      throw new IllegalArgumentException(
          "users is " + users + ": a plan needs at least 1 user (e.g. -Dusers=500)");
    }
    if (recordingBytes < 0) {
      throw new IllegalArgumentException(
          "recordingSize is " + recordingBytes + " bytes: it cannot be negative (e.g. 17.5MB)");
    }
    if (uploadInterval == null || uploadInterval.isNegative() || uploadInterval.isZero()) {
      throw new IllegalArgumentException(
          "uploadInterval is " + uploadInterval + ": it must be above zero (e.g. 30s)");
    }
    if (heartbeatBytes < 0) {
      throw new IllegalArgumentException(
          "heartbeatSize is " + heartbeatBytes + " bytes: it cannot be negative");
    }
    if (heartbeatInterval == null || heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException(
          "heartbeatInterval is " + heartbeatInterval + ": use 0 for no heartbeats or e.g. 10s");
    }
  }

  /** Uploads per second one user sends. */
  public double uploadsPerSecondPerUser() {
    return 1.0 / seconds(uploadInterval);
  }

  /** Heartbeats per second one user sends; 0 without heartbeats. */
  public double heartbeatsPerSecondPerUser() {
    return heartbeatInterval.isZero() ? 0 : 1.0 / seconds(heartbeatInterval);
  }

  /** Request body bytes one user sends per second, averaged over the upload interval. */
  public double bytesPerSecondPerUser() {
    return recordingBytes * uploadsPerSecondPerUser()
        + heartbeatBytes * heartbeatsPerSecondPerUser();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
