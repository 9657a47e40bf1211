package dev.loadfleet.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stand-in proctoring service: a real, streaming HTTP server (Netty) with the endpoints a
 * proctored exam client uses.
 *
 * <ul>
 *   <li>{@code POST /upload}: multipart form with fields {@code studentId}, {@code examId}, {@code
 *       seq} (canonical decimal), {@code sha256} (hex), {@code size} (bytes) and one file part
 *       named {@code file}. Stored under {@code
 *       <dataDir>/<examId>/recordings/<studentId>/<seq>.<ext>} when the checksum and size match
 *       (201), else 400; bad ids 400; the same seq again in this run 409; over the body limit 413;
 *       client silent mid-request 408.
 *   <li>{@code POST /heartbeat}: urlencoded (or multipart) {@code studentId}, {@code examId}; 200.
 *   <li>{@code GET /stats}: {@link ServiceStats} as JSON.
 * </ul>
 *
 * <p>Uploads stream chunk by chunk to a temporary file (or nowhere, with discard) while being
 * hashed, so heap use does not grow with upload size or count. Connections that hold the service
 * without progress are cut ({@link ConnectionGuard}); running out of file descriptors is said once
 * ({@link AcceptFailures}).
 */
public final class ProctoringService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Netty's defaults but for the chunk size: a body arrives as slices of up to 1 MiB of each
   * network read instead of 8 KiB pieces, so a 17.5 MB upload crosses the pipeline in a few hundred
   * messages, not 2,000 (the slices share the read's buffer; nothing is copied either way).
   */
  private static final HttpDecoderConfig DECODER = new HttpDecoderConfig().setMaxChunkSize(1 << 20);

  private final ServiceOptions options;
  private final EventLoopGroup group;
  private final Channel channel;
  private final Counters counters;
  private final String transport;

  private ProctoringService(
      ServiceOptions options,
      EventLoopGroup group,
      Channel channel,
      Counters counters,
      String transport) {
    this.options = options;
    this.group = group;
    this.channel = channel;
    this.counters = counters;
    this.transport = transport;
  }

  /** Binds and starts serving; the returned service is ready for requests. */
  public static ProctoringService start(ServiceOptions options) throws IOException {
    Path dataDir = options.dataDir().toAbsolutePath().normalize();
    Path incoming = dataDir.resolve(".incoming");
    Files.createDirectories(incoming);
    Counters counters = new Counters();
    ServiceOptions resolved = options.withDataDir(dataDir);
    // Daemon threads: a stand-in embedded in a Gatling JVM whose run crashes (so after() never
    // stops it) must not keep that JVM alive.
    Transport transport = Transport.best();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            0, new DefaultThreadFactory("proctoring-service", true), transport.handlers());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(transport.server())
              // 500 students connect within seconds; the default backlog (often 128) drops SYNs.
              .option(ChannelOption.SO_BACKLOG, 1024)
              .handler(new AcceptFailures(counters))
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ConnectionGuard guard = new ConnectionGuard(options.timeouts(), counters);
                      ch.pipeline()
                          .addLast(guard)
                          .addLast(new HttpServerCodec(DECODER))
                          .addLast(new RequestHandler(resolved, incoming, counters, guard));
                    }
                  })
              .bind(options.bindAddress(), options.port())
              .sync()
              .channel();
      return new ProctoringService(resolved, group, channel, counters, transport.name());
    } catch (InterruptedException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding " + options.bindAddress(), e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException(
          "cannot listen on "
              + options.bindAddress()
              + ":"
              + options.port()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** {@code http://host:port} of the listening socket (no trailing slash). */
  public URI baseUrl() {
    String host = options.bindAddress();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  public ServiceOptions options() {
    return options;
  }

  /** The socket transport in use: "epoll" or "nio". */
  public String transport() {
    return transport;
  }

  public ServiceStats stats() {
    return counters.snapshot();
  }

  /** The stats as the JSON that {@code GET /stats} returns. */
  public String statsJson() {
    return Counters.toJson(stats());
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The live counters every connection updates. */
  static final class Counters {
    final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    final AtomicLong uploadsStored = new AtomicLong();
    final AtomicLong uploadsCompared = new AtomicLong();
    final AtomicLong uploadsRejected = new AtomicLong();
    final AtomicLong uploadsDuplicate = new AtomicLong();

    /** "exam/student/seq" of every recording stored (or counted, with discard) by this run. */
    final Set<String> storedRecordings = ConcurrentHashMap.newKeySet();

    final AtomicLong uploadsFaulted = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    final AtomicLong heartbeatsRejected = new AtomicLong();
    final AtomicLong heartbeatsFaulted = new AtomicLong();
    final AtomicLong inFlightUploads = new AtomicLong();
    final AtomicLong stalledRequests = new AtomicLong();
    final AtomicLong connectionsOpen = new AtomicLong();
    final AtomicLong connectionsClosedIdle = new AtomicLong();
    final AtomicLong acceptFailures = new AtomicLong();
    final HandlingTimes uploadTimes = new HandlingTimes();
    final HandlingTimes heartbeatTimes = new HandlingTimes();

    /** Recordings already hashed, to verify byte-identical uploads by comparison. */
    final VerifiedContents verified = new VerifiedContents();

    ServiceStats snapshot() {
      return new ServiceStats(
          lastSeen.size(),
          uploadsStored.get(),
          uploadsCompared.get(),
          uploadsRejected.get(),
          uploadsDuplicate.get(),
          uploadsFaulted.get(),
          bytesReceived.get(),
          heartbeats.get(),
          heartbeatsRejected.get(),
          heartbeatsFaulted.get(),
          inFlightUploads.get(),
          stalledRequests.get(),
          new ServiceStats.Connections(
              connectionsOpen.get(), connectionsClosedIdle.get(), acceptFailures.get()),
          Map.of("upload", uploadTimes.snapshot(), "heartbeat", heartbeatTimes.snapshot()));
    }

    static String toJson(Object value) {
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
