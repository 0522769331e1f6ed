package io.vela.auth;

/**
 * A token bucket: {@code rate} tokens per second, at most {@code capacity} saved up. Not thread-safe: one owner (a
 * connection's event loop), or the caller synchronizes. Time is passed in (nanoseconds, {@link System#nanoTime()}
 * scale) so tests control it.
 */
public final class TokenBucket {

  private final double capacity;
  private final double tokensPerNano;
  private double tokens;
  private long last;

  /**
   * @param ratePerSecond tokens added per second (greater than 0)
   * @param capacity      most tokens saved up; 0 = one second's worth. The bucket starts full.
   */
  public TokenBucket(long ratePerSecond, long capacity, long nowNanos) {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive");
    }
    this.capacity = capacity > 0 ? capacity : ratePerSecond;
    this.tokensPerNano = ratePerSecond / 1e9;
    this.tokens = this.capacity;
    this.last = nowNanos;
  }

  /** Takes {@code n} tokens if there are that many; otherwise takes none. */
  public boolean tryTake(long n, long nowNanos) {
    refill(nowNanos);
    if (tokens >= n) {
      tokens -= n;
      return true;
    }
    return false;
  }

  /**
   * Takes {@code n} tokens even if that leaves the bucket in debt.
   *
   * @return 0 if there were enough tokens, otherwise the nanoseconds until the debt is paid back
   */
  public long take(long n, long nowNanos) {
    refill(nowNanos);
    tokens -= n;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
  }

  /** True when the bucket has refilled completely (its owner may forget it). */
  public boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long now) {
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
      last = now;
    }
  }
}
