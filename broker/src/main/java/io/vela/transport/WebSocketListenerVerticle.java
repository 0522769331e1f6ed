package io.vela.transport;

import io.vela.auth.ConnectionGuard;
import io.vela.codec.NettyMqttChannel;
import io.vela.codec.WebSocketCodec;
import io.vela.codec.WebSocketOpened;
import io.vela.codec.WebSocketOptions;
import io.vela.config.ListenerConfig;
import io.vela.config.MqttConfig;
import io.vela.config.WebSocketConfig;
import io.vela.session.ClientConnection;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetServer;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * MQTT over WebSocket on a Vert.x NetServer (so the socket options, and TLS once a listener has it, come from
 * {@link ListenerOptions} as for TCP). The codec package runs the HTTP upgrade; once it is done the client is
 * admitted under its real address (the forwarded one behind a trusted proxy) and served by the same
 * {@link ClientConnection} core as a TCP client.
 */
public final class WebSocketListenerVerticle extends VerticleBase implements ListenerVerticle {

  private final String name;
  private final ListenerConfig listener;
  private final int port;
  private final SessionRegistry registry;
  private final BooleanSupplier accepting;
  private NetServer server;

  /**
   * @param port      the port to bind; a negative value makes all instances share one random free port
   * @param accepting false once the broker is shutting down: new sockets are closed at once
   */
  public WebSocketListenerVerticle(String name, ListenerConfig listener, int port, SessionRegistry registry,
                                   BooleanSupplier accepting) {
    this.name = name;
    this.listener = listener;
    this.port = port;
    this.registry = registry;
    this.accepting = accepting;
  }

  /** The codec's view of a listener's WebSocket settings. */
  static WebSocketOptions options(ListenerConfig listener, MqttConfig mqtt) {
    WebSocketConfig ws = listener.websocket == null ? new WebSocketConfig() : listener.websocket;
    return new WebSocketOptions(ws.path, ws.compression, List.copyOf(ws.allowedOrigins),
        new AddressBlocks(ws.trustedProxies), mqtt.maxPacketSize, mqtt.connectTimeoutSeconds * 1000L);
  }

  @Override
  public Future<?> start() {
    MqttConfig mqtt = registry.config();
    MetricsByteCounter bytes = new MetricsByteCounter(registry.metrics());
    WebSocketOptions options = options(listener, mqtt);
    // wss: reading the TLS files blocks, so the socket options are built off the event loop
    return vertx.executeBlocking(() -> ListenerOptions.netServerOptions(name, listener, port), false)
        .compose(serverOptions -> listen(serverOptions, options, mqtt, bytes));
  }

  private Future<NetServer> listen(NetServerOptions serverOptions, WebSocketOptions options, MqttConfig mqtt,
                                   MetricsByteCounter bytes) {
    server = vertx.createNetServer(serverOptions);
    server.connectHandler(socket -> {
      if (!accepting.getAsBoolean()) {
        socket.close();
        return;
      }
      NetSocketInternal so = (NetSocketInternal) socket;
      so.eventHandler(event -> {
        if (event instanceof WebSocketOpened opened) {
          onOpened(so, opened, mqtt, bytes);
        }
      });
      WebSocketCodec.install(so, options);
    });
    return server.listen();
  }

  /** The upgrade is done: admit the client by its (possibly forwarded) address, then speak MQTT. */
  private void onOpened(NetSocketInternal socket, WebSocketOpened opened, MqttConfig mqtt,
                        MetricsByteCounter bytes) {
    if (!accepting.getAsBoolean()) {
      socket.close();
      return;
    }
    ConnectionGuard.Admission admission = registry.guard().admit(name, listener.maxConnections,
        opened.clientHost());
    if (admission.closeNow()) {
      socket.close();
      return;
    }
    NettyMqttChannel channel = NettyMqttChannel.install(socket, context, mqtt.maxPacketSize,
        mqtt.maxClientIdLength, bytes, opened.clientAddress());
    channel.start(new ClientConnection(channel, registry, admission, listener));
  }

  @Override
  public Future<Boolean> updateTls(ServerSSLOptions sslOptions) {
    return server.updateSSLOptions(sslOptions, false);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public String name() {
    return name;
  }

  @Override
  public int actualPort() {
    return server.actualPort();
  }
}
