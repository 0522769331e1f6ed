package io.vela.transport;

import io.vela.config.ListenerConfig;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.function.BooleanSupplier;

/**
 * What every listener verticle shares: its settings, the shared registry, one Vert.x NetServer built from
 * {@link ListenerOptions} (TLS and PROXY protocol included) off the event loop, TLS reload and stop.
 */
abstract class ListenerVerticleBase extends VerticleBase implements ListenerVerticle {

  protected final String name;
  protected final ListenerConfig listener;
  protected final SessionRegistry registry;
  private final int port;
  private final BooleanSupplier accepting;
  protected NetServer server;

  /**
   * @param port      the port to bind; a negative value makes all instances share one random free port
   * @param accepting false once the broker is shutting down: new sockets are closed at once
   */
  ListenerVerticleBase(String name, ListenerConfig listener, int port, SessionRegistry registry,
                       BooleanSupplier accepting) {
    this.name = name;
    this.listener = listener;
    this.port = port;
    this.registry = registry;
    this.accepting = accepting;
  }

  @Override
  public final Future<?> start() {
    // reading TLS files blocks: the socket options are built off the event loop
    return vertx.executeBlocking(() -> ListenerOptions.netServerOptions(name, listener, port), false)
        .compose(this::listen);
  }

  /** Creates {@link #server} with these options, sets its connect handler and listens. */
  protected abstract Future<NetServer> listen(NetServerOptions options);

  /** False once the broker is shutting down. */
  protected boolean accepting() {
    return accepting.getAsBoolean();
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
