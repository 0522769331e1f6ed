package io.vela.transport;

import io.vela.auth.ConnectionGuard;
import io.vela.codec.ByteCounter;
import io.vela.codec.NettyMqttChannel;
import io.vela.config.ListenerConfig;
import io.vela.config.MqttConfig;
import io.vela.session.ClientConnection;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.function.BooleanSupplier;

/**
 * MQTT over TCP, plain or TLS (listener types tcp and tls). One instance per event loop, all sharing the same port (Vert.x spreads accepted connections
 * across instances) and the same {@link SessionRegistry} by reference.
 */
public final class TcpListenerVerticle extends VerticleBase implements ListenerVerticle {

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
  public TcpListenerVerticle(String name, ListenerConfig listener, int port, SessionRegistry registry,
                             BooleanSupplier accepting) {
    this.name = name;
    this.listener = listener;
    this.port = port;
    this.registry = registry;
    this.accepting = accepting;
  }

  @Override
  public Future<?> start() {
    MqttConfig mqtt = registry.config();
    ByteCounter bytes = new MetricsByteCounter(registry.metrics());
    // reading TLS files blocks: off the event loop
    return vertx.executeBlocking(() -> ListenerOptions.netServerOptions(name, listener, port), false)
        .compose(options -> listen(options, mqtt, bytes));
  }

  private Future<NetServer> listen(NetServerOptions options, MqttConfig mqtt, ByteCounter bytes) {
    server = vertx.createNetServer(options);
    server.connectHandler(socket -> {
      if (!accepting.getAsBoolean()) {
        socket.close();
        return;
      }
      ConnectionGuard.Admission admission = registry.guard().admit(name, listener.maxConnections,
          socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress());
      if (admission.closeNow()) {
        socket.close();
        return;
      }
      NetSocketInternal so = (NetSocketInternal) socket;
      NettyMqttChannel channel = NettyMqttChannel.install(so, context, mqtt.maxPacketSize, mqtt.maxClientIdLength,
          bytes);
      channel.start(new ClientConnection(channel, registry, admission, listener));
    });
    return server.listen();
  }

  @Override
  public Future<Boolean> updateTls(ServerSSLOptions options) {
    return server.updateSSLOptions(options, false);
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
