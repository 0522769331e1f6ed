package io.vela.transport;

import io.vela.config.ListenerConfig;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.concurrent.TimeUnit;

/**
 * The socket options every listener kind starts from: bind address and port, TCP settings, TLS (when the listener
 * has a {@code tls} section) and the PROXY protocol. Every listener verticle builds its server from these, so what is
 * added here applies to every transport.
 */
public final class ListenerOptions {

  private ListenerOptions() {
  }

  /**
   * Reads the listener's TLS files when it has any: call it off the event loop (e.g. in {@code executeBlocking}).
   *
   * @param name the listener's name (for error messages: {@code listeners.<name>.tls...})
   * @param port the port to bind; a negative value makes all instances share one random free port
   * @throws io.vela.config.ConfigException when a TLS file is missing, unreadable or does not fit
   */
  public static NetServerOptions netServerOptions(String name, ListenerConfig listener, int port) {
    NetServerOptions options = new NetServerOptions()
        .setHost(listener.bind)
        .setPort(port)
        .setTcpNoDelay(true)
        .setReuseAddress(true);
    if (listener.proxyProtocol) {
      options.setUseProxyProtocol(true)
          .setProxyProtocolTimeout(listener.proxyProtocolTimeoutSeconds)
          .setProxyProtocolTimeoutUnit(TimeUnit.SECONDS);
    }
    if (listener.tls != null) {
      applyTls(options, ServerTls.load(tlsKey(name), listener.tls).options());
    }
    return options;
  }

  /** The config key of a listener's tls section, for messages. */
  public static String tlsKey(String name) {
    return "listeners." + name + ".tls";
  }

  private static void applyTls(NetServerOptions options, ServerSSLOptions tls) {
    options.setSsl(true)
        .setKeyCertOptions(tls.getKeyCertOptions())
        .setTrustOptions(tls.getTrustOptions())
        .setClientAuth(tls.getClientAuth())
        .setEnabledSecureTransportProtocols(tls.getEnabledSecureTransportProtocols());
    for (String suite : tls.getEnabledCipherSuites()) {
      options.addEnabledCipherSuite(suite);
    }
  }
}
