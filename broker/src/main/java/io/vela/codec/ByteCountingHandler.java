package io.vela.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts raw bytes in and out of one connection, at the socket end of the pipeline. */
final class ByteCountingHandler extends ChannelDuplexHandler {

  private final ByteCounter counter;

  ByteCountingHandler(ByteCounter counter) {
    this.counter = counter;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf b) {
      counter.received(b.readableBytes());
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof ByteBuf b) {
      counter.sent(b.readableBytes());
    }
    super.write(ctx, msg, promise);
  }
}
