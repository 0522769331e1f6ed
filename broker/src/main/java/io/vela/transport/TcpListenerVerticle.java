package io.vela.transport;

import io.vela.auth.ConnectionGuard;
import io.vela.codec.ByteCounter;
import io.vela.codec.NettyMqttChannel;
import io.vela.config.ListenerConfig;
import io.vela.config.MqttConfig;
import io.vela.session.ClientConnection;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.function.BooleanSupplier;

/**
 * MQTT over TCP, plain or TLS (listener types tcp and tls). One instance per event loop, all sharing the same port (Vert.x spreads accepted connections
 * across instances) and the same {@link SessionRegistry} by reference.
 */
public final class TcpListenerVerticle extends ListenerVerticleBase {

  /**
   * @param port      the port to bind; a negative value makes all instances share one random free port
   * @param accepting false once the broker is shutting down: new sockets are closed at once
   */
  public TcpListenerVerticle(String name, ListenerConfig listener, int port, SessionRegistry registry,
                             BooleanSupplier accepting) {
    super(name, listener, port, registry, accepting);
  }

  @Override
  protected Future<NetServer> listen(NetServerOptions options) {
    MqttConfig mqtt = registry.config();
    ByteCounter bytes = new MetricsByteCounter(registry.metrics(), name);
    server = vertx.createNetServer(options);
    server.connectHandler(socket -> {
      if (!accepting()) {
        socket.close();
        return;
      }
      ConnectionGuard.Admission admission = registry.guard().admit(name, listener.maxConnections,
          socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress());
      if (admission.closeNow()) {
        socket.close();
        return;
      }
      NettyMqttChannel channel = NettyMqttChannel.install(socket, context, mqtt.maxPacketSize, mqtt.maxClientIdLength,
          bytes);
      channel.start(new ClientConnection(channel, registry, admission, name, listener));
    });
    return server.listen();
  }
}
