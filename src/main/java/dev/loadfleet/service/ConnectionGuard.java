package dev.loadfleet.service;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts connections that hold the service without making progress (the {@link
 * ServiceOptions.Timeouts}). It sits before the HTTP decoder, so it sees every byte, also those of
 * a request head the decoder has not finished; the request handler tells it when a head is complete
 * and when an answer went out. One per connection, on its event loop.
 *
 * <p>A connection silent since it opened, or idle past the keep-alive timeout between requests, is
 * closed without an answer. A request that stalls is cut with 408 by the request handler, which
 * gets a {@link Stall} event: its head silent for the idle timeout or not complete by the header
 * deadline, or its body silent for the idle timeout.
 *
 * <p>A connection closed after a refusal while its client was still sending lingers: the answer is
 * out and the service's side of the connection shut, but what the client still sends is read and
 * dropped, so that closing does not reset the connection and lose the answer before the client read
 * it. It closes when the client closes, when the client is silent for the idle timeout, or after
 * {@link #LINGER_NANOS} in all.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
  /** Fired towards the request handler: the request in progress must be cut with 408. */
  enum Stall {
    HEAD_IDLE,
    HEAD_DEADLINE,
    BODY_IDLE
  }

  private enum Phase {
    /** Open, nothing received yet. */
    OPENED,
    /** Bytes of a request head arrived, the head is not complete. */
    HEAD,
    /** The head is complete, the body is arriving. */
    BODY,
    /** The service is answering (which the latency fault knob may delay); no timeout applies. */
    ANSWERING,
    /** Answered and kept alive, waiting for the next request. */
    KEPT_ALIVE,
    /** Answered, the service's side shut; the rest of what the client sends is dropped. */
    LINGERING
  }

  /** The longest a closing connection reads what its client still sends. */
  static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final long idleNanos;
  private final long headerNanos;
  private final long keepAliveNanos;
  private final ProctoringService.Counters counters;
  private Phase phase = Phase.OPENED;
  private long lastReadNanos;
  private long headStartNanos;
  private long answeredNanos;
  private long lingerStartNanos;
  private ScheduledFuture<?> check;

  ConnectionGuard(ServiceOptions.Timeouts timeouts, ProctoringService.Counters counters) {
    this.idleNanos = timeouts.idle().toNanos();
    this.headerNanos = timeouts.header().toNanos();
    this.keepAliveNanos = timeouts.keepAlive().toNanos();
    this.counters = counters;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    counters.connectionsOpen.incrementAndGet();
    lastReadNanos = System.nanoTime();
    schedule(ctx, idleNanos);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    counters.connectionsOpen.decrementAndGet();
    if (check != null) {
      check.cancel(false);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    lastReadNanos = System.nanoTime();
    if ((phase == Phase.OPENED || phase == Phase.KEPT_ALIVE)
        && msg instanceof ByteBuf bytes
        && bytes.isReadable()) {
      phase = Phase.HEAD;
      headStartNanos = lastReadNanos;
      // The next check was set for the idle or keep-alive timeout; the head's deadline may come
      // first.
      check.cancel(false);
      schedule(ctx, Math.min(headerNanos, idleNanos));
    }
    ctx.fireChannelRead(msg);
  }

  /** The request's head is complete. */
  void headComplete() {
    phase = Phase.BODY;
  }

  /** The body is complete, or the request was refused: the answer is on its way. */
  void answering() {
    phase = Phase.ANSWERING;
  }

  /** The answer went out and the connection stays open for the next request. */
  void keptAlive() {
    phase = Phase.KEPT_ALIVE;
    answeredNanos = System.nanoTime();
  }

  /** The answer went out, the service's side is shut, and the client's rest is to be dropped. */
  void lingering(ChannelHandlerContext ctx) {
    phase = Phase.LINGERING;
    lingerStartNanos = System.nanoTime();
    check.cancel(false);
    check(ctx);
  }

  private void schedule(ChannelHandlerContext ctx, long nanos) {
    check = ctx.executor().schedule(() -> check(ctx), nanos, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    long idleLeft = idleNanos - (now - lastReadNanos);
    long next;
    switch (phase) {
      case OPENED -> {
        if (idleLeft <= 0) {
          closeIdle(ctx);
          return;
        }
        next = idleLeft;
      }
      case HEAD -> {
        long headLeft = headerNanos - (now - headStartNanos);
        if (headLeft <= 0 || idleLeft <= 0) {
          stall(ctx, headLeft <= 0 ? Stall.HEAD_DEADLINE : Stall.HEAD_IDLE);
          return;
        }
        next = Math.min(headLeft, idleLeft);
      }
      case BODY -> {
        if (idleLeft <= 0) {
          stall(ctx, Stall.BODY_IDLE);
          return;
        }
        next = idleLeft;
      }
      case KEPT_ALIVE -> {
        long keepAliveLeft = keepAliveNanos - (now - answeredNanos);
        if (keepAliveLeft <= 0) {
          closeIdle(ctx);
          return;
        }
        next = keepAliveLeft;
      }
      case LINGERING -> {
        long lingerLeft = LINGER_NANOS - (now - lingerStartNanos);
        if (lingerLeft <= 0 || idleLeft <= 0) {
          ctx.close();
          return;
        }
        next = Math.min(lingerLeft, idleLeft);
      }
      default -> next = idleNanos; // answering: look again later
    }
    schedule(ctx, next);
  }

  private void stall(ChannelHandlerContext ctx, Stall stall) {
    phase = Phase.ANSWERING;
    ctx.fireUserEventTriggered(stall); // the request handler answers 408 and closes
  }

  private void closeIdle(ChannelHandlerContext ctx) {
    counters.connectionsClosedIdle.incrementAndGet();
    ctx.close();
  }
}
