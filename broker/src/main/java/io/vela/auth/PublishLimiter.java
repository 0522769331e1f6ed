package io.vela.auth;

import io.vela.config.LimitsConfig;

/**
 * One connection's publish-rate and byte-rate token buckets. Owned by the connection's event loop: no locks, no
 * shared state, one or two bucket updates per PUBLISH.
 */
public final class PublishLimiter {

  /** Which limit a PUBLISH went over; {@link #metric} names the rejection counter. */
  public enum Exceeded {
    PUBLISH_RATE("publish-rate"),
    BYTE_RATE("byte-rate");

    public final String metric;

    Exceeded(String metric) {
      this.metric = metric;
    }
  }

  private final TokenBucket messages;
  private final TokenBucket bytes;
  private Exceeded exceeded;

  private PublishLimiter(TokenBucket messages, TokenBucket bytes) {
    this.messages = messages;
    this.bytes = bytes;
  }

  /** The limiter for a new connection, or null when neither rate is limited. */
  public static PublishLimiter create(LimitsConfig limits, long nowNanos) {
    if (limits.publishRate <= 0 && limits.byteRate <= 0) {
      return null;
    }
    return new PublishLimiter(
        limits.publishRate > 0 ? new TokenBucket(limits.publishRate, limits.publishBurst, nowNanos) : null,
        limits.byteRate > 0 ? new TokenBucket(limits.byteRate, limits.byteBurst, nowNanos) : null);
  }

  /**
   * Accounts for one PUBLISH of {@code payloadBytes}. The tokens are taken even when there are too few (the bucket
   * goes into debt), so a throttled client is held back exactly as long as its rate requires.
   *
   * @return 0 if within both rates, otherwise the nanoseconds until the client is within them again ({@link
   *     #exceeded()} says which)
   */
  public long onPublish(int payloadBytes, long nowNanos) {
    long wait = 0;
    exceeded = null;
    if (messages != null) {
      wait = messages.take(1, nowNanos);
      if (wait > 0) {
        exceeded = Exceeded.PUBLISH_RATE;
      }
    }
    if (bytes != null) {
      long w = bytes.take(payloadBytes, nowNanos);
      if (w > wait) {
        wait = w;
        exceeded = Exceeded.BYTE_RATE;
      }
    }
    return wait;
  }

  /** The limit the last {@link #onPublish} went over, or null. */
  public Exceeded exceeded() {
    return exceeded;
  }
}
