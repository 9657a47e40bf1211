package dev.loadfleet.service;

import java.util.Map;

/**
 * What the stand-in service has seen; {@code GET /stats} returns this as JSON.
 *
 * @param studentsSeen distinct student ids in accepted uploads and heartbeats
 * @param uploadsStored uploads whose checksum and size matched (written, or counted in discard
 *     mode); with a data directory that started empty, the number of recordings in it
 * @param uploadsCompared of the stored, those whose bytes were compared with a recording this
 *     service had already hashed to the same SHA-256, instead of being hashed again
 * @param uploadsRejected uploads answered 4xx: bad ids, checksum or size mismatch, malformed
 *     multipart, duplicates, over the body limit, stalled
 * @param uploadsDuplicate of the rejected, those answered 409: a recording this service already
 *     stored (same exam, student and seq)
 * @param uploadsFaulted uploads answered 503 by the error-rate fault knob
 * @param bytesReceived recording bytes received in upload file parts, stored or not
 * @param heartbeats heartbeats accepted
 * @param heartbeatsRejected heartbeats answered 4xx
 * @param heartbeatsFaulted heartbeats answered 503 by the error-rate fault knob
 * @param inFlightUploads uploads whose body is being received now
 * @param stalledRequests requests cut with 408: the client went silent mid-request, or its request
 *     head was not complete by the header deadline
 * @param connections connections open now, and those the service closed or could not accept
 * @param handlingMs per endpoint ("upload", "heartbeat"): time from the request's first line to its
 *     response being handed to the socket, which for uploads includes the client's transfer
 */
public record ServiceStats(
    long studentsSeen,
    long uploadsStored,
    long uploadsCompared,
    long uploadsRejected,
    long uploadsDuplicate,
    long uploadsFaulted,
    long bytesReceived,
    long heartbeats,
    long heartbeatsRejected,
    long heartbeatsFaulted,
    long inFlightUploads,
    long stalledRequests,
    Connections connections,
    Map<String, Timing> handlingMs) {

  public ServiceStats {
    handlingMs = Map.copyOf(handlingMs);
  }

  /**
   * Connections as the service sees them.
   *
   * @param open accepted and not yet closed
   * @param closedIdle closed by the service without an answer: silent since they opened, or idle
   *     past the keep-alive timeout between requests
   * @param acceptFailures times accepting a connection failed (out of file descriptors); such
   *     connections wait in the listen backlog and are accepted once descriptors are free
   */
  public record Connections(long open, long closedIdle, long acceptFailures) {}

  /** Handling times of one endpoint in milliseconds (percentiles within ~6 %). */
  public record Timing(long count, double mean, double p50, double p95, double p99, double max) {}
}
