package io.vela.transport;

import io.vela.config.ListenerConfig;
import io.vertx.core.net.NetServerOptions;

/** The socket options every listener kind starts from (TLS and PROXY protocol are added here too). */
public final class ListenerOptions {

  private ListenerOptions() {
  }

  /**
   * @param port the port to bind; a negative value makes all instances share one random free port
   */
  public static NetServerOptions netServerOptions(ListenerConfig listener, int port) {
    return new NetServerOptions()
        .setHost(listener.bind)
        .setPort(port)
        .setTcpNoDelay(true)
        .setReuseAddress(true);
  }
}
