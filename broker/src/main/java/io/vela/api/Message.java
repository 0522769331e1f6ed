package io.vela.api;

/**
 * An application message as routed by the broker: immutable and shared by reference between every subscriber it is
 * delivered to, so the payload is never copied per subscriber. Nobody may write into {@link #payload()}.
 *
 * @param topic            the topic name it was published to
 * @param payload          the payload bytes (shared, read-only by convention)
 * @param qos              the QoS the publisher used (0, 1 or 2)
 * @param retain           the RETAIN flag as published
 * @param properties       MQTT 5 properties passed through to subscribers
 * @param publisherId      the client id of the publisher ("" for messages the broker makes itself)
 * @param createdAtNanos   {@link System#nanoTime()} when the broker received it, for expiry
 * @param username         the user name the publisher connected with, or null (none, or made by the broker)
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties,
                      String publisherId, long createdAtNanos, String username) {

  public Message {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
    }
    properties = properties == null ? PublishProperties.NONE : properties;
  }

  /** A message without a publisher user name. */
  public Message(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties,
                 String publisherId, long createdAtNanos) {
    this(topic, payload, qos, retain, properties, publisherId, createdAtNanos, null);
  }

  public static Message of(String topic, byte[] payload, int qos, boolean retain, String publisherId) {
    return new Message(topic, payload, qos, retain, PublishProperties.NONE, publisherId, System.nanoTime());
  }

  /** The same message attributed to {@code clientId} (for No Local); payload shared, not copied. */
  public Message withPublisherId(String clientId) {
    return new Message(topic, payload, qos, retain, properties, clientId, createdAtNanos, username);
  }

  /** The same message attributed to {@code clientId} connected as {@code user} (null: no user name). */
  public Message withPublisher(String clientId, String user) {
    return new Message(topic, payload, qos, retain, properties, clientId, createdAtNanos, user);
  }

  public Message withRetain(boolean flag) {
    return flag == retain ? this
        : new Message(topic, payload, qos, flag, properties, publisherId, createdAtNanos, username);
  }

  /** True when a message expiry interval was set and has elapsed at {@code nowNanos}. */
  public boolean isExpired(long nowNanos) {
    Long expiry = properties.messageExpiryInterval();
    return expiry != null && nowNanos - createdAtNanos >= expiry * 1_000_000_000L;
  }

  /** Seconds left before expiry (at least 1 while not expired), or null when the message does not expire. */
  public Long remainingExpirySeconds(long nowNanos) {
    Long expiry = properties.messageExpiryInterval();
    if (expiry == null) {
      return null;
    }
    long elapsedSeconds = (nowNanos - createdAtNanos) / 1_000_000_000L;
    return Math.max(1, expiry - elapsedSeconds);
  }
}
