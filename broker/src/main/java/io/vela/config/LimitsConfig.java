package io.vela.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Limits and abuse control (the {@code limits:} section): connection counts, topic sizes, subscriptions, publish and
 * connection rates, flapping detection and temporary bans after repeated authentication failures. 0 turns a numeric
 * limit off. See docs/configuration.md, "Limits and abuse control".
 */
public final class LimitsConfig {

  /** Open connections across every listener (sockets, including those still before CONNECT); 0 = no limit. */
  public int maxConnections = 100_000;

  /** Longest topic name (PUBLISH, will) or topic filter (SUBSCRIBE), in characters. */
  public int maxTopicLength = 65535;

  /** Most topic levels in a topic name or filter ("a/b/c" has 3). */
  public int maxTopicLevels = 128;

  /** Subscriptions (distinct topic filters) one session may hold; 0 = no limit. */
  public int maxSubscriptions = 10_000;

  /** PUBLISH packets per second one connection may send (token bucket refill rate); 0 = no limit. */
  public int publishRate = 0;

  /** Token bucket size for publish-rate: PUBLISH packets a client may send in a burst; 0 = publish-rate. */
  public int publishBurst = 0;

  /** PUBLISH payload bytes per second one connection may send; 0 = no limit. */
  public long byteRate = 0;

  /** Token bucket size for byte-rate, in bytes; 0 = byte-rate. */
  public long byteBurst = 0;

  /** What happens to a client over publish-rate or byte-rate. */
  public RateLimitAction rateLimitAction = RateLimitAction.THROTTLE;

  /** New connections per second accepted from one IP address; 0 = no limit. Excess sockets are closed at once. */
  public int connectionsPerIpPerSecond = 0;

  /** Token bucket size for connections-per-ip-per-second; 0 = connections-per-ip-per-second. */
  public int connectionsPerIpBurst = 0;

  /** Too many CONNECTs with one client id in a window: the client id is banned for a while. */
  public Flapping flapping = new Flapping();

  /** Too many failed authentications from one IP address in a window: the address is banned for a while. */
  public AuthFailureBan authFailureBan = new AuthFailureBan();

  public enum RateLimitAction {
    /** Stop reading from the client until its bucket has refilled (TCP back-pressure slows it down). */
    @JsonProperty("throttle") THROTTLE,
    /** MQTT 5: DISCONNECT 0x96 Message rate too high; MQTT 3.x: close. */
    @JsonProperty("disconnect") DISCONNECT
  }

  /** {@code max-connects} CONNECTs with one client id within {@code window-seconds}: banned for {@code ban-seconds}. */
  public static final class Flapping {

    public boolean enabled = true;

    /** CONNECTs with one client id within one window that ban it (the one that reaches the number is refused). */
    public int maxConnects = 30;

    public int windowSeconds = 60;

    public int banSeconds = 300;
  }

  /**
   * {@code max-failures} failed authentications from one IP address within {@code window-seconds}: the address is
   * banned for {@code ban-seconds}.
   */
  public static final class AuthFailureBan {

    public boolean enabled = true;

    /** Failed authentications from one address within one window that ban it. */
    public int maxFailures = 20;

    public int windowSeconds = 60;

    public int banSeconds = 300;
  }
}
