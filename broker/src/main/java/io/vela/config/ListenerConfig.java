package io.vela.config;

/** One network listener. */
public final class ListenerConfig {

  /** tcp, tls, ws (MQTT over WebSocket) or wss (over TLS); null = the listener's name. */
  public String type;

  public boolean enabled = true;

  /** Address to bind; 0.0.0.0 for every interface, 127.0.0.1 for local only. */
  public String bind = "0.0.0.0";

  /** TCP port; 0 picks a free port (printed at start); null = the type's default (tcp 1883, tls 8883, ws 8083, wss 8084). */
  public Integer port;

  /** Open connections on this listener; 0 = only the global limits.max-connections applies. */
  public int maxConnections = 0;

  /**
   * Keep-alive floor in seconds (0 = none): a client asking for a shorter non-zero keep-alive gets this one (MQTT 5:
   * as Server Keep Alive in CONNACK; every version: the broker waits 1.5 x this before dropping it). Meant for
   * WebSocket listeners, whose browser clients are throttled in background tabs.
   */
  public int minKeepAliveSeconds = 0;

  /** WebSocket settings; only for ws listeners (the validator fills in the defaults). */
  public WebSocketConfig websocket;

  /** The port a listener of {@code type} gets when none is configured (EMQX's defaults). */
  public static int defaultPort(String type) {
    return switch (type) {
      case "ws" -> 8083;
      case "tls" -> 8883;
      case "wss" -> 8084;
      default -> 1883;
    };
  }

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

  /** Authentication providers (names under auth.providers) for this listener, in order; null = auth.chain. */
  public java.util.List<String> authChain;

  /** The port to bind: the configured one, or the default of the listener type. */
  public int port() {
    return port != null ? port : defaultPort(type);
  }
}
