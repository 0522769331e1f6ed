package io.vela.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * One MQTT 3.1.1 connection on Netty's MQTT codec, cheap by construction: every callback runs on the connection's
 * event loop, writes are not flushed one by one but once per read burst ({@link #channelReadComplete}) or by the
 * caller after a batch ({@link #flush}).
 */
final class Client extends ChannelInboundHandlerAdapter {

  /** Callbacks, all on the client's event loop. */
  interface Listener {
    default void onPublish(Client c, MqttPublishMessage m) {
    }

    default void onPubAck(Client c, int packetId) {
    }

    /** After a read burst, before the flush: the place to write more. */
    default void onReadComplete(Client c) {
    }

    default void onWritable(Client c) {
    }
  }

  static final Listener NONE = new Listener() {
  };

  private final String clientId;
  private final int keepAliveSeconds;
  private Listener listener;
  private Channel channel;
  private boolean dirty;
  private final CompletableFuture<Client> connAck = new CompletableFuture<>();
  private CompletableFuture<Void> subAck;
  private int nextControlId = 60000;

  private Client(String clientId, int keepAliveSeconds, Listener listener) {
    this.clientId = clientId;
    this.keepAliveSeconds = keepAliveSeconds;
    this.listener = listener;
  }

  static Bootstrap bootstrap(EventLoopGroup group) {
    return new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
  }

  /** Opens a TCP connection, sends CONNECT (clean session) and completes on a successful CONNACK. */
  static CompletableFuture<Client> connect(Bootstrap bootstrap, String host, int port, String clientId,
                                           int keepAliveSeconds, Listener listener) {
    Client c = new Client(clientId, keepAliveSeconds, listener);
    ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new MqttDecoder(1024 * 1024), MqttEncoder.INSTANCE, c);
      }
    }).connect(host, port);
    f.addListener(done -> {
      if (!done.isSuccess()) {
        c.connAck.completeExceptionally(done.cause());
        return;
      }
      c.channel = f.channel();
      c.channel.writeAndFlush(MqttMessageBuilders.connect().clientId(clientId).cleanSession(true)
          .keepAlive(keepAliveSeconds).protocolVersion(MqttVersion.MQTT_3_1_1).build());
    });
    return c.connAck;
  }

  void listener(Listener l) {
    this.listener = l;
  }

  boolean listenerIs(Listener l) {
    return listener == l;
  }

  Channel channel() {
    return channel;
  }

  String clientId() {
    return clientId;
  }

  /** SUBSCRIBE to one filter; completes on SUBACK. Call from any thread. */
  CompletableFuture<Void> subscribe(String filter, int qos) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel.eventLoop().execute(() -> {
      subAck = f;
      channel.writeAndFlush(MqttMessageBuilders.subscribe().messageId(nextControlId++)
          .addSubscription(MqttQoS.valueOf(qos), filter).build());
    });
    return f;
  }

  /** Writes (does not flush) a PUBLISH; takes ownership of {@code payload}. Event loop only. */
  void publish(String topic, int qos, int packetId, ByteBuf payload) {
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0);
    channel.write(new MqttPublishMessage(fh, new MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId),
        payload), channel.voidPromise());
    dirty = true;
  }

  void flush() {
    if (dirty) {
      dirty = false;
      channel.flush();
    }
  }

  boolean writable() {
    return channel.isWritable();
  }

  void close() {
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof MqttMessage m) || m.decoderResult().isFailure()) {
        ctx.close();
        return;
      }
      switch (m.fixedHeader().messageType()) {
        case PUBLISH -> {
          MqttPublishMessage p = (MqttPublishMessage) m;
          listener.onPublish(this, p);
          if (p.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE,
                false, 2), MqttMessageIdVariableHeader.from(p.variableHeader().packetId())), ctx.voidPromise());
            dirty = true;
          }
        }
        case PUBACK -> listener.onPubAck(this,
            ((MqttMessageIdVariableHeader) m.variableHeader()).messageId());
        case CONNACK -> {
          MqttConnectReturnCode rc = ((MqttConnAckMessage) m).variableHeader().connectReturnCode();
          if (rc == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            connAck.complete(this);
          } else {
            connAck.completeExceptionally(new IllegalStateException("CONNACK " + rc));
          }
        }
        case SUBACK -> {
          if (subAck != null) {
            subAck.complete(null);
          }
        }
        default -> {
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    listener.onReadComplete(this);
    flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      listener.onWritable(this);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connAck.completeExceptionally(new IllegalStateException(clientId + ": connection closed"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
