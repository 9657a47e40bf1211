package dev.loadfleet.service;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * On the listening socket: a failed accept (out of file descriptors, in practice) is said once, in
 * a sentence, instead of Netty's stack trace every second, and accepting pauses for a second as
 * Netty's own acceptor would; connections wait in the listen backlog meanwhile, and the ones
 * already open are served on. When accepting works again that is said too; a new run of failures is
 * said again, at most once a minute.
 */
final class AcceptFailures extends ChannelInboundHandlerAdapter {
  private static final long RETRY_MS = 1000;
  private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ProctoringService.Counters counters;
  private final long limit = descriptorLimit();
  private Channel server;
  private final Runnable resume = () -> server.config().setAutoRead(true);
  private boolean failing;
  private boolean said;
  private long failuresThisRun;
  private long lastSaidNanos = System.nanoTime() - QUIET_NANOS;

  AcceptFailures(ProctoringService.Counters counters) {
    this.counters = counters;
    sentence(new IOException("Too many open files")); // loads what saying it needs, now
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    server = ctx.channel();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    counters.acceptFailures.incrementAndGet();
    failuresThisRun++;
    if (!failing) {
      failing = true;
      failuresThisRun = 1;
      long now = System.nanoTime();
      said = now - lastSaidNanos >= QUIET_NANOS;
      if (said) {
        lastSaidNanos = now;
        System.err.println("loadfleet service: " + sentence(cause));
      }
    }
    server.config().setAutoRead(false);
    ctx.executor().schedule(resume, RETRY_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object accepted) {
    if (failing) {
      failing = false;
      if (said) {
        System.err.printf(
            "loadfleet service: accepting connections again (%d connections open; %d accept"
                + " attempts failed)%n",
            counters.connectionsOpen.get(), failuresThisRun);
      }
    }
    ctx.fireChannelRead(accepted);
  }

  private String sentence(Throwable cause) {
    String why = String.valueOf(cause.getMessage());
    long open = counters.connectionsOpen.get();
    String limits =
        limit > 0 ? "the process's limit is " + limit : "the process's limit is unknown";
    if (why.contains("Too many open files")) {
      return String.format(
          "cannot accept new connections: out of file descriptors (%s, all in use; %d connections"
              + " open); new connections wait in the listen backlog, open ones are served on; raise"
              + " the limit before starting, e.g. ulimit -n 65536 (one descriptor per connection,"
              + " one more per upload in progress)",
          limits, open);
    }
    return String.format(
        "cannot accept new connections (%s; %d connections open, %s file descriptors);"
            + " retrying every second",
        why, open, limits);
  }

  /** The soft limit on this process's file descriptors, or -1 if the JVM cannot tell. */
  private static long descriptorLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }
}
