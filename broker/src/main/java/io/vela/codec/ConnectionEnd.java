package io.vela.codec;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * The last handler of an MQTT connection's pipeline, in the place of Vert.x's socket handler. Vert.x's NetServer
 * still accepts the connection (TLS, SNI, PROXY protocol, port sharing across event loops), then the connection is
 * taken over here, the way Vert.x's own HTTP server takes over its connections: the {@link NetSocket} is dropped, and
 * with it its inbound and outbound message queues (about 4 KiB per idle connection, which is most of what a
 * connection costs otherwise). Events run on the listener's Vert.x context, like a NetSocket's would.
 *
 * <p>Reading can be paused: packets already decoded from the last read wait here, in order, and are delivered on
 * resume; the socket is not read meanwhile.
 */
public final class ConnectionEnd extends ChannelInboundHandlerAdapter {

  /** The name Vert.x gives its socket handler; the codec's handlers are added before it. */
  static final String NAME = "handler";

  /** What a connection's owner hears; every call runs on the connection's context. */
  interface Events {
    void onMessage(Object msg);

    void onKeepAliveTimeout();

    void onException(Throwable t);

    void onClosed();
  }

  private final ContextInternal context;
  private final Channel channel;
  private final String remoteAddress;
  private final String remoteHost;
  private Events events;
  /** {@code events::onMessage}, bound once: no handler object per packet. */
  private io.vertx.core.Handler<Object> onMessage;
  private Consumer<WebSocketOpened> onWebSocketOpened;
  private boolean paused;
  private ArrayDeque<Object> pending;
  private boolean drainScheduled;
  private boolean inactive;
  /**
   * Set by the broker's close() of a TCP/TLS connection (returned to every later close()): the socket may still
   * linger, MQTT is over.
   */
  private Future<Void> lingering;

  /** The broker closed the connection: MQTT is over, whatever the socket still does. */
  private boolean mqttOver() {
    return lingering != null;
  }

  private ConnectionEnd(ContextInternal context, Channel channel, String remoteAddress, String remoteHost) {
    this.context = context;
    this.channel = channel;
    this.remoteAddress = remoteAddress;
    this.remoteHost = remoteHost;
  }

  /**
   * Takes over a socket Vert.x has just accepted (call from its connect handler); the socket must not be used
   * afterwards.
   */
  public static ConnectionEnd adopt(NetSocket socket, Context context) {
    ChannelHandlerContext handler = ((NetSocketInternal) socket).channelHandlerContext();
    // the socket knows the address a PROXY protocol header gave; read it before dropping the socket
    SocketAddress peer = socket.remoteAddress();
    ConnectionEnd end = new ConnectionEnd((ContextInternal) context, handler.channel(),
        peer == null ? "unknown" : peer.toString(), peer == null ? null : peer.hostAddress());
    handler.pipeline().replace(handler.handler(), NAME, end);
    return end;
  }

  /** The peer as {@code host:port} (the PROXY protocol's source when the listener uses it). */
  public String remoteAddress() {
    return remoteAddress;
  }

  /** The peer's IP address, or null when unknown. */
  public String remoteHost() {
    return remoteHost;
  }

  Channel channel() {
    return channel;
  }

  /** Receives the WebSocket upgrade's completion (see {@link WebSocketCodec}). */
  public void onWebSocketOpened(Consumer<WebSocketOpened> handler) {
    this.onWebSocketOpened = handler;
  }

  void events(Events events) {
    this.events = events;
    this.onMessage = events::onMessage;
  }

  /** The TLS session, or null on a plain connection. */
  SSLSession sslSession() {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    return ssl == null ? null : ssl.engine().getSession();
  }

  /**
   * Closes the connection. For MQTT it is over when the returned future completes: nothing more is read or handed
   * on, and {@link Events#onClosed} follows. On TCP and TLS the socket itself lingers a little (see
   * {@link #linger}); a WebSocket runs its close handshake instead ({@link WebSocketCodec}).
   */
  public Future<Void> close() {
    if (lingering != null) {
      return lingering; // closed already (a second close() would cut the linger short)
    }
    Promise<Void> closed = context.promise();
    if (!channel.isActive() || !(channel instanceof DuplexChannel)
        || channel.pipeline().get(HttpServerCodec.class) != null // WebSocket, before the upgrade
        || channel.pipeline().get(WebSocketCodec.Frames.class) != null) { // after it
      if (channel.isActive()) {
        channel.config().setAutoRead(true); // a paused connection must still read the client's Close frame
      }
      channel.close().addListener(f -> closed.tryComplete());
      return closed.future();
    }
    lingering = closed.future();
    linger();
    // not inline: close() is called while the connection's owner is handling something
    channel.eventLoop().execute(() -> {
      released();
      closed.tryComplete();
    });
    return closed.future();
  }

  /**
   * The broker is done with the connection, but the client may still be sending (packets pipelined behind the one
   * that got it disconnected, acknowledgements of what it has read). Closing a socket with unread data, or receiving
   * data after the close, makes the kernel answer with a reset, and a reset throws away what the client has not read
   * yet: the DISCONNECT or CONNACK with the reason code. So: what is queued is written first, then the write side is
   * shut (TCP FIN; on TLS close_notify first), whatever arrives is read and dropped, and the socket is closed when the
   * client closes its side or after {@link #LINGER_MILLIS}.
   */
  private void linger() {
    channel.pipeline().addFirst(DISCARD, Discard.INSTANCE);
    channel.config().setAutoRead(true);
    channel.eventLoop().schedule(() -> {
      channel.close();
    }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      if (!written.isSuccess() || !channel.isActive()) {
        channel.close();
        return;
      }
      SslHandler ssl = channel.pipeline().get(SslHandler.class);
      if (ssl != null) {
        ssl.closeOutbound().addListener(f -> shutdownOutput());
      } else {
        shutdownOutput();
      }
    });
  }

  private void shutdownOutput() {
    if (channel.isActive()) {
      ((DuplexChannel) channel).shutdownOutput().addListener(f -> {
        if (!f.isSuccess()) {
          channel.close();
        }
      });
    }
  }

  /** How long a closed connection's socket waits for the client to close its side. */
  static final long LINGER_MILLIS = 2_000;
  private static final String DISCARD = "vela-discard";

  /** First in the pipeline of a lingering connection: drops whatever the client still sends. */
  @ChannelHandler.Sharable
  static final class Discard extends ChannelInboundHandlerAdapter {
    static final Discard INSTANCE = new Discard();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // e.g. the client's reset: nothing left to say
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.close(); // the client closed its side
      }
      ReferenceCountUtil.release(evt);
    }
  }

  /** MQTT is over for this connection: drop what was read and not handled, tell the owner once. */
  private void released() {
    if (inactive) {
      return;
    }
    inactive = true;
    if (pending != null) {
      pending.forEach(ReferenceCountUtil::release);
      pending.clear();
    }
    if (events != null) {
      context.dispatch(() -> events.onClosed());
    }
  }

  void pause() {
    if (!paused && !mqttOver()) {
      paused = true;
      channel.config().setAutoRead(false);
    }
  }

  void resume() {
    if (paused && !mqttOver()) {
      paused = false;
      channel.config().setAutoRead(true);
      if (pending != null && !pending.isEmpty() && !drainScheduled) {
        // not inline: resume may be called while a packet is being handled, and order must hold
        drainScheduled = true;
        channel.eventLoop().execute(this::drain);
      }
    }
  }

  private void drain() {
    drainScheduled = false;
    Object msg;
    while (!paused && !inactive && !mqttOver() && (msg = pending.poll()) != null) {
      deliver(msg);
    }
  }

  private void deliver(Object msg) {
    if (onMessage == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    context.dispatch(msg, onMessage);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (mqttOver()) {
      ReferenceCountUtil.release(msg); // decoded from bytes read before the close
      return;
    }
    if (paused || (pending != null && !pending.isEmpty())) {
      if (pending == null) {
        pending = new ArrayDeque<>(4);
      }
      pending.add(msg);
      return;
    }
    deliver(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (mqttOver()) {
      ReferenceCountUtil.release(evt);
    } else if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.READER_IDLE && events != null) {
        context.dispatch(() -> events.onKeepAliveTimeout());
      }
    } else if (evt instanceof WebSocketOpened opened) {
      if (onWebSocketOpened != null) {
        context.dispatch(() -> onWebSocketOpened.accept(opened));
      }
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (events != null && !mqttOver()) {
      context.dispatch(() -> events.onException(cause));
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (inactive) {
      return; // the broker closed it, and said so already
    }
    if (!mqttOver() && !paused && pending != null) {
      drain(); // what was read before the close and not held back is handled first
    }
    released();
  }
}
