package dev.loadfleet.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the stand-in proctoring service. Immutable, so every {@code with} method returns a new
 * occurrence.
 *
 * @param bindAddress the address to listen on, e.g. 127.0.0.1 or 0.0.0.0
 * @param port the TCP port; 0 picks a free one
 * @param dataDir recordings go to {@code dataDir/<examId>/recordings/<studentId>/<seq>.<ext>}
 * @param discard only count and checksum uploads, write nothing
 * @param maxBody largest request body accepted; larger ones get 413
 * @param latencyMs added before every upload and heartbeat response (fault knob)
 * @param errorRate share of uploads and heartbeats answered 503 (fault knob), 0 to 1
 * @param timeouts when a connection that holds the service without progress is cut
 * @param authSha256 empty, or the SHA-256 (hex) of the {@code Authorization} header value every
 *     upload and heartbeat must carry, else 401: a credential the service checks without the
 *     credential itself being on its command line
 */
public record ServiceOptions(
    String bindAddress,
    int port,
    Path dataDir,
    boolean discard,
    long maxBody,
    long latencyMs,
    double errorRate,
    Timeouts timeouts,
    String authSha256) {

  /** 256 MiB: well above the guide's 17.5 MB recording chunks. */
  public static final long DEFAULT_MAX_BODY = 256L << 20;

  /**
   * When the service gives up on a connection.
   *
   * @param idle a connection silent this long is cut: before its first request and in the middle of
   *     a request (408); between requests {@code keepAlive} applies instead
   * @param header a request's head (request line and headers) must be complete this long after its
   *     first byte, however slowly it trickles in (408)
   * @param keepAlive a kept-alive connection with no request this long after its last answer is
   *     closed; above every client's pause between requests (the workload's 30 s upload interval,
   *     Gatling's 60 s pooled-connection idle timeout) so the client closes first
   */
  public record Timeouts(Duration idle, Duration header, Duration keepAlive) {
    /** 30 s idle, 10 s for a request head, 2 min between requests. */
    public static final Timeouts DEFAULTS =
        new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(2));

    public Timeouts {
      positive(idle, "idle timeout");
      positive(header, "header timeout");
      positive(keepAlive, "keep-alive timeout");
    }

    private static void positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be above 0");
      }
    }
  }

  public ServiceOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(authSha256, "authSha256");
    if (!authSha256.isEmpty() && !authSha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "the Authorization header's SHA-256 must be 64 lower-case hex digits");
    }
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
  }

  /** Loopback, a free port, storing under {@code dataDir}, no faults, default timeouts. */
  public static ServiceOptions loopback(Path dataDir) {
    return new ServiceOptions(
        "127.0.0.1", 0, dataDir, false, DEFAULT_MAX_BODY, 0, 0, Timeouts.DEFAULTS, "");
  }

  public ServiceOptions withDiscard(boolean discard) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }

  public ServiceOptions withMaxBody(long maxBody) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }

  public ServiceOptions withFaults(long latencyMs, double errorRate) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }

  public ServiceOptions withTimeouts(Timeouts timeouts) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }

  public ServiceOptions withIdleTimeout(Duration idle) {
    return withTimeouts(new Timeouts(idle, timeouts.header(), timeouts.keepAlive()));
  }

  public ServiceOptions withHeaderTimeout(Duration header) {
    return withTimeouts(new Timeouts(timeouts.idle(), header, timeouts.keepAlive()));
  }

  public ServiceOptions withKeepAliveTimeout(Duration keepAlive) {
    return withTimeouts(new Timeouts(timeouts.idle(), timeouts.header(), keepAlive));
  }

  public ServiceOptions withAddress(String bindAddress, int port) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }

  /** Uploads and heartbeats need an Authorization header whose value has this SHA-256 (hex). */
  public ServiceOptions withAuthSha256(String authSha256) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }

  /** The same options with {@code dataDir} made absolute and normalized. */
  ServiceOptions withDataDir(Path dataDir) {
    return new ServiceOptions(
        bindAddress, port, dataDir, discard, maxBody, latencyMs, errorRate, timeouts, authSha256);
  }
}
