package io.vela.config;

/** One network listener. */
public final class ListenerConfig {

  /** tcp or tls (ws and wss arrive with the WebSocket transport); null = the listener's name. */
  public String type;

  public boolean enabled = true;

  /** Address to bind; 0.0.0.0 for every interface, 127.0.0.1 for local only. */
  public String bind = "0.0.0.0";

  /** TCP port; 0 picks a free port (printed at start). Default 1883 (8883 for a tls listener). */
  public Integer port;

  /** Open connections on this listener; 0 = only the global limits.max-connections applies. */
  public int maxConnections = 0;

  /** TLS settings: required for a tls listener, not allowed on a plain one. */
  public TlsConfig tls;

  /**
   * Expect a PROXY protocol v1 or v2 header (HAProxy, AWS NLB, nginx stream {@code proxy_protocol on}) before
   * anything else on every connection: the address in it is the client's address for logs, bans and limits.
   */
  public boolean proxyProtocol = false;

  /** How long a connection may take to send its PROXY header before it is closed. */
  public int proxyProtocolTimeoutSeconds = 10;

  /** Accept clients without a user name on this listener; null = mqtt.allow-anonymous. */
  public Boolean allowAnonymous;

  /** The port to bind: the configured one, or the default of the listener type. */
  public int port() {
    return port != null ? port : "tls".equals(type) || "wss".equals(type) ? 8883 : 1883;
  }
}
