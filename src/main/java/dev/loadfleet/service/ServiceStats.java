package dev.loadfleet.service;

import java.util.Map;

/**
 * What the stand-in service has seen; {@code GET /stats} returns this as JSON.
 *
 * @param studentsSeen distinct student ids in accepted uploads and heartbeats
 * @param uploadsStored uploads whose checksum and size matched (written, or counted in discard
 *     mode)
 * @param uploadsRejected uploads answered 4xx: bad ids, checksum or size mismatch, malformed
 *     multipart, over the body limit, stalled
 * @param uploadsFaulted uploads answered 503 by the error-rate fault knob
 * @param bytesReceived recording bytes received in upload file parts, stored or not
 * @param heartbeats heartbeats accepted
 * @param heartbeatsRejected heartbeats answered 4xx
 * @param heartbeatsFaulted heartbeats answered 503 by the error-rate fault knob
 * @param inFlightUploads uploads whose body is being received now
 * @param stalledRequests requests cut with 408 because the client went silent mid-request
 * @param handlingMs per endpoint ("upload", "heartbeat"): time from the request's first line to its
 *     response being handed to the socket, which for uploads includes the client's transfer
 */
public record ServiceStats(
    long studentsSeen,
    long uploadsStored,
    long uploadsRejected,
    long uploadsFaulted,
    long bytesReceived,
    long heartbeats,
    long heartbeatsRejected,
    long heartbeatsFaulted,
    long inFlightUploads,
    long stalledRequests,
    Map<String, Timing> handlingMs) {

  public ServiceStats {
    handlingMs = Map.copyOf(handlingMs);
  }

  /** Handling times of one endpoint in milliseconds (percentiles within ~6 %). */
  public record Timing(long count, double mean, double p50, double p95, double p99, double max) {}
}
