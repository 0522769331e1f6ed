package io.vela.transport;

import io.vela.auth.ConnectionGuard;
import io.vela.codec.ConnectionEnd;
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
public final class WebSocketListenerVerticle extends ListenerVerticleBase {

  /**
   * @param port      the port to bind; a negative value makes all instances share one random free port
   * @param accepting false once the broker is shutting down: new sockets are closed at once
   */
  public WebSocketListenerVerticle(String name, ListenerConfig listener, int port, SessionRegistry registry,
                                   BooleanSupplier accepting) {
    super(name, listener, port, registry, accepting);
  }

  /** The codec's view of a listener's WebSocket settings. */
  static WebSocketOptions options(ListenerConfig listener, MqttConfig mqtt) {
    WebSocketConfig ws = listener.websocket == null ? new WebSocketConfig() : listener.websocket;
    return new WebSocketOptions(ws.path, ws.compression, List.copyOf(ws.allowedOrigins),
        new AddressBlocks(ws.trustedProxies), mqtt.maxPacketSize, mqtt.connectTimeoutSeconds * 1000L);
  }

  @Override
  protected Future<NetServer> listen(NetServerOptions serverOptions) {
    MqttConfig mqtt = registry.config();
    MetricsByteCounter bytes = new MetricsByteCounter(registry.metrics(), name);
    WebSocketOptions options = options(listener, mqtt);
    server = vertx.createNetServer(serverOptions);
    server.connectHandler(socket -> {
      if (!accepting()) {
        socket.close();
        return;
      }
      ConnectionEnd end = ConnectionEnd.adopt(socket, context);
      end.onWebSocketOpened(opened -> onOpened(end, opened, mqtt, bytes));
      WebSocketCodec.install(end, options);
    });
    return server.listen();
  }

  /** The upgrade is done: admit the client by its (possibly forwarded) address, then speak MQTT. */
  private void onOpened(ConnectionEnd socket, WebSocketOpened opened, MqttConfig mqtt,
                        MetricsByteCounter bytes) {
    if (!accepting()) {
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
    channel.start(new ClientConnection(channel, registry, admission, name, listener));
  }
}
