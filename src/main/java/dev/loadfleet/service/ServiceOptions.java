package dev.loadfleet.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the stand-in proctoring service.
 *
 * @param bindAddress the address to listen on, e.g. 127.0.0.1 or 0.0.0.0
 * @param port the TCP port; 0 picks a free one
 * @param dataDir recordings go to {@code dataDir/<examId>/recordings/<studentId>/<seq>.<ext>}
 * @param discard only count and checksum uploads, write nothing
 * @param maxBody largest request body accepted; larger ones get 413
 * @param latencyMs added before every upload and heartbeat response (fault knob)
 * @param errorRate share of uploads and heartbeats answered 503 (fault knob), 0 to 1
 * @param idleTimeout a client that sends nothing for this long in the middle of a request gets 408
 */
public record ServiceOptions(
    String bindAddress,
    int port,
    Path dataDir,
    boolean discard,
    long maxBody,
    long latencyMs,
    double errorRate,
    Duration idleTimeout) {

  /** 256 MiB: well above the guide's 17.5 MB recording chunks. */
  public static final long DEFAULT_MAX_BODY = 256L << 20;

  public ServiceOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
    }
    if (maxBody < 1) {
      throw new IllegalArgumentException("max body " + maxBody + " must be at least 1 byte");
    }
    if (latencyMs < 0) {
      throw new IllegalArgumentException("latency " + latencyMs + " ms must be 0 or more");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("error rate " + errorRate + " must be from 0 to 1");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be above 0");
    }
  }

  /** Loopback, a free port, storing under {@code dataDir}, no faults, 30 s stall timeout. */
  public static ServiceOptions loopback(Path dataDir) {
    return new ServiceOptions(
        "127.0.0.1", 0, dataDir, false, DEFAULT_MAX_BODY, 0, 0, Duration.ofSeconds(30));
  }

  public ServiceOptions withDiscard(boolean discard) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, idleTimeout);
  }

  public ServiceOptions withMaxBody(long maxBody) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, idleTimeout);
  }

  public ServiceOptions withFaults(long latencyMs, double errorRate) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, idleTimeout);
  }

  public ServiceOptions withIdleTimeout(Duration idleTimeout) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, idleTimeout);
  }

  public ServiceOptions withAddress(String bindAddress, int port) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, idleTimeout);
  }
}
