package io.vela.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("a full bucket allows a burst of its capacity, then refuses until it refills at the rate")
  void burstThenRate() {
    TokenBucket b = new TokenBucket(10, 5, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(b.tryTake(1, 0)).isTrue();
    }
    assertThat(b.tryTake(1, 0)).isFalse();
    assertThat(b.tryTake(1, SECOND / 10 - 1)).isFalse();
    assertThat(b.tryTake(1, SECOND / 10)).isTrue();
  }

  @Test
  @DisplayName("capacity 0 means one second's worth of tokens")
  void defaultCapacityIsOneSecond() {
    TokenBucket b = new TokenBucket(3, 0, 0);
    assertThat(b.tryTake(3, 0)).isTrue();
    assertThat(b.tryTake(1, 0)).isFalse();
  }

  @Test
  @DisplayName("refill never exceeds the capacity, however long the bucket was idle")
  void refillIsCapped() {
    TokenBucket b = new TokenBucket(100, 10, 0);
    assertThat(b.tryTake(10, 0)).isTrue();
    assertThat(b.isFull(3600 * SECOND)).isTrue();
    assertThat(b.tryTake(11, 3600 * SECOND)).isFalse();
    assertThat(b.tryTake(10, 3600 * SECOND)).isTrue();
  }

  @Test
  @DisplayName("take goes into debt and says how long paying it back takes at the rate")
  void takeReportsTheWait() {
    TokenBucket b = new TokenBucket(1000, 1000, 0);
    assertThat(b.take(1000, 0)).isZero();
    assertThat(b.take(500, 0)).isEqualTo(SECOND / 2);
    // half the debt paid after a quarter second: another quarter to go
    assertThat(b.take(0, SECOND / 4)).isEqualTo(SECOND / 4);
    assertThat(b.take(0, SECOND / 2)).isZero();
  }
}
