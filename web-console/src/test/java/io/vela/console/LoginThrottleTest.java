package io.vela.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  @Test
  @DisplayName("ten failures within five minutes block the address until the oldest leaves the window; others and "
      + "a success are not affected")
  void throttles() {
    AtomicLong now = new AtomicLong(1_000_000);
    LoginThrottle t = new LoginThrottle(now::get);
    for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
      t.failed("10.0.0.1");
      now.addAndGet(1000);
    }
    assertThat(t.retryAfterMillis("10.0.0.1")).isZero();
    t.failed("10.0.0.1");
    long wait = t.retryAfterMillis("10.0.0.1");
    assertThat(wait).isEqualTo(LoginThrottle.WINDOW_MILLIS - (LoginThrottle.MAX_FAILURES - 1) * 1000L);
    assertThat(t.retryAfterMillis("10.0.0.2")).isZero();
    now.addAndGet(wait);
    assertThat(t.retryAfterMillis("10.0.0.1")).isZero();
    t.failed("10.0.0.3");
    t.succeeded("10.0.0.3");
    assertThat(t.retryAfterMillis("10.0.0.3")).isZero();
  }
}
