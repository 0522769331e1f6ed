package io.vela.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Protocol and session settings shared by every listener. */
public final class MqttConfig {

  /** Largest packet accepted from a client, in bytes (also announced to MQTT 5 clients). */
  public int maxPacketSize = 1024 * 1024;

  /** Longest client identifier accepted. */
  public int maxClientIdLength = 65535;

  /** A connection that has not sent CONNECT within this time is closed. */
  public int connectTimeoutSeconds = 10;

  /**
   * Upper bound for the keep-alive a client may ask for; 0 = accept the client's value. MQTT 5 clients asking for more
   * (or for none) are told the bound with Server Keep Alive; MQTT 3.x clients are held to it silently.
   */
  public int maxKeepAliveSeconds = 0;

  /** How many QoS 2 messages a client may have awaiting PUBREL (our Receive Maximum, MQTT 5 3.2.2.3.3). */
  public int receiveMaximum = 100;

  /** Outbound QoS 1/2 messages in flight per session (further capped by the client's Receive Maximum). */
  public int maxInflight = 32;

  /** Messages queued per session while in flight is full or the client is offline. */
  public int maxQueuedMessages = 1000;

  /** Payload bytes queued per session (same overflow policy as max-queued-messages); 0 = no limit. */
  public long maxQueuedBytes = 64L * 1024 * 1024;

  /** What to drop when the queue is full. */
  public QueueOverflow queueOverflow = QueueOverflow.DROP_OLDEST;

  /**
   * When a connected subscriber's queue is half full, publishers sending to it are held back (not read from) until it
   * drains to a quarter, for at most this long per congestion episode; after that the queue-overflow policy applies.
   * 0 disables holding back.
   */
  public int publisherBackpressureMs = 1000;

  /** Queue QoS 0 messages for offline persistent sessions too. */
  public boolean queueQos0 = false;

  /** Longest a session may outlive its connection, in seconds; also the expiry of MQTT 3.x persistent sessions. */
  public long maxSessionExpirySeconds = 7L * 24 * 3600;

  /** Highest QoS accepted (0-2). */
  public int maxQos = 2;

  /** Whether retained messages are supported. */
  public boolean retainAvailable = true;

  /** Accept clients without a user name (quick start). Real authentication arrives with the auth issue. */
  public boolean allowAnonymous = true;

  public enum QueueOverflow {
    @JsonProperty("drop-oldest") DROP_OLDEST,
    @JsonProperty("drop-newest") DROP_NEWEST
  }
}
