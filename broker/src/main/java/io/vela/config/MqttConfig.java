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

  /**
   * Accept clients that send neither user name nor password. Off by default; conf/vela.yaml (the quick start) turns it
   * on. listeners.NAME.allow-anonymous overrides it per listener.
   */
  public boolean allowAnonymous = false;

  /** Shared subscriptions: on/off and how a group picks a member. */
  public SharedSubscriptionsConfig sharedSubscriptions = new SharedSubscriptionsConfig();

  /**
   * Topic Alias Maximum announced to MQTT 5 clients: how many topic aliases a client may set per connection (0 turns
   * inbound aliases off).
   */
  public int topicAliasMaximum = 10;

  /**
   * Whether the broker assigns topic aliases to the PUBLISH packets it sends MQTT 5 clients that announced a Topic
   * Alias Maximum: the first topics of a connection get an alias until the client's maximum is reached.
   */
  public boolean outboundTopicAliases = false;

  /**
   * Check that the payload of a PUBLISH (or will) whose Payload Format Indicator is 1 is well-formed UTF-8; if not:
   * PUBACK / PUBREC 0x99, DISCONNECT 0x99 for QoS 0, CONNACK 0x99 for a will.
   */
  public boolean validateUtf8Payload = false;

  /**
   * Response Information sent in CONNACK to MQTT 5 clients that ask for it (Request Response Information 1), as the
   * basis of their response topics, e.g. "reply/"; null sends none.
   */
  public String responseInformation;

  /** Redirect every MQTT 5 client to {@link #serverReference} (MQTT 5 section 4.11); MQTT 3.x clients are unaffected. */
  public Redirect redirect = Redirect.NONE;

  /** Where {@link #redirect} sends MQTT 5 clients: "host:port" or a list the client understands. */
  public String serverReference;

  /** false refuses subscriptions with a wildcard (SUBACK 0xA2) and says so in CONNACK. */
  public boolean wildcardSubscriptionAvailable = true;

  /** false makes a SUBSCRIBE carrying a Subscription Identifier a protocol error (DISCONNECT 0xA1). */
  public boolean subscriptionIdentifiersAvailable = true;

  public enum Redirect {
    @JsonProperty("none") NONE,
    /** CONNACK 0x9C: use another server, temporarily. */
    @JsonProperty("use-another-server") USE_ANOTHER_SERVER,
    /** CONNACK 0x9D: the server has moved for good. */
    @JsonProperty("server-moved") SERVER_MOVED
  }

  public enum QueueOverflow {
    @JsonProperty("drop-oldest") DROP_OLDEST,
    @JsonProperty("drop-newest") DROP_NEWEST
  }
}
