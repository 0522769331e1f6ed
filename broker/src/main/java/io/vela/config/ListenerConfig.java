package io.vela.config;

/** One network listener. */
public final class ListenerConfig {

  /** tcp (tls, ws and wss arrive with the transports issue); null = the listener's name. */
  public String type;

  public boolean enabled = true;

  /** Address to bind; 0.0.0.0 for every interface, 127.0.0.1 for local only. */
  public String bind = "0.0.0.0";

  /** TCP port; 0 picks a free port (printed at start). */
  public int port = 1883;

  /** Open connections on this listener; 0 = only the global limits.max-connections applies. */
  public int maxConnections = 0;
}
