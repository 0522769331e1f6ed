package io.vela.config;

/** One network listener. */
public final class ListenerConfig {

  /** tcp or ws (MQTT over WebSocket); null = the listener's name. */
  public String type;

  public boolean enabled = true;

  /** Address to bind; 0.0.0.0 for every interface, 127.0.0.1 for local only. */
  public String bind = "0.0.0.0";

  /** TCP port; 0 picks a free port (printed at start); null = the type's default (tcp 1883, ws 8083). */
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
}
