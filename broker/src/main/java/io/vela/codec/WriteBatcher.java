package io.vela.codec;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * The write side of one MQTT connection, straight into the Netty pipeline (in front of Vert.x's socket handler,
 * behind the MQTT encoder): every write uses the channel's void promise (no promise object per packet) and all the
 * writes of one event-loop turn — a read burst, one dispatcher batch for this loop, or several — are flushed together
 * by one task that runs after them (one {@code writev} per connection per turn instead of one syscall per packet).
 * It also tracks writability for {@link io.vela.protocol.ClientChannel#whenWritable}, since these writes bypass
 * Vert.x's own write queue.
 */
final class WriteBatcher extends ChannelInboundHandlerAdapter implements Runnable {

  private final Context context;
  private ChannelHandlerContext ctx;
  private boolean flushScheduled;
  private Runnable onWritable;

  WriteBatcher(Context context) {
    this.context = context;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Queues {@code msg} (a ByteBuf or an MQTT message for the encoder); flushed at the end of this turn. */
  void write(Object msg) {
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> write(msg));
      return;
    }
    ctx.write(msg, ctx.voidPromise());
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(this);
    }
  }

  /**
   * Writes {@code msg} like {@link #write} (flushed at the end of this turn, so whatever the caller does next on this
   * event loop happens before the peer can see it); completes once it was written to the socket.
   */
  Future<Void> writeAndFlush(Object msg) {
    Promise<Void> done = Promise.promise();
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> writeAndFlush(msg).onComplete(done));
      return done.future();
    }
    ChannelFuture f = ctx.write(msg);
    f.addListener(r -> {
      if (r.isSuccess()) {
        done.tryComplete();
      } else {
        done.tryFail(r.cause());
      }
    });
    scheduleFlush();
    return done.future();
  }

  /** Flushes what is queued, now (before a close, so nothing written is lost). */
  void flushNow() {
    if (ctx.executor().inEventLoop()) {
      ctx.flush();
    } else {
      ctx.executor().execute(ctx::flush);
    }
  }

  /** The scheduled flush. */
  @Override
  public void run() {
    flushScheduled = false;
    ctx.flush();
  }

  boolean writable() {
    return ctx.channel().isWritable();
  }

  /** Runs {@code r} once on the connection's context when the channel is (again) writable. */
  void whenWritable(Runnable r) {
    if (ctx.channel().isWritable()) {
      context.runOnContext(v -> r.run());
    } else {
      onWritable = r;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    Runnable r = onWritable;
    if (r != null && ctx.channel().isWritable()) {
      onWritable = null;
      context.runOnContext(v -> r.run());
    }
    super.channelWritabilityChanged(ctx);
  }
}
