package io.vela.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vela.config.LimitsConfig;
import io.vela.metrics.BrokerMetrics;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Flapping detection, authentication-failure bans, connection limits and the per-IP connection rate. */
class ConnectionGuardTest {

  private final AtomicLong millis = new AtomicLong(1_000_000);
  private final AtomicLong nanos = new AtomicLong(0);
  private final BrokerMetrics metrics = new BrokerMetrics();
  private final LimitsConfig limits = new LimitsConfig();

  private ConnectionGuard guard() {
    return new ConnectionGuard(limits, List.of(), metrics, millis::get, nanos::get);
  }

  @Test
  @DisplayName("flapping: the max-connects-th CONNECT of one client id within the window bans it for ban-seconds")
  void flappingBansTheClientId() {
    limits.flapping.maxConnects = 3;
    limits.flapping.windowSeconds = 10;
    limits.flapping.banSeconds = 60;
    ConnectionGuard g = guard();
    ConnectionGuard.Admission a = g.admit("tcp", 0, "127.0.0.1");
    assertThat(g.onConnect(a, "flap", null)).isNull();
    millis.addAndGet(4000);
    assertThat(g.onConnect(a, "flap", null)).isNull();
    assertThat(g.onConnect(a, "other", null)).isNull();
    millis.addAndGet(4000);
    assertThat(g.onConnect(a, "flap", null)).isEqualTo(ConnectionGuard.Refusal.FLAPPING);
    assertThat(g.onConnect(a, "flap", null)).isEqualTo(ConnectionGuard.Refusal.BANNED_CLIENT_ID);
    assertThat(metrics.rejections("flapping")).isEqualTo(1);
    assertThat(metrics.rejections("banned-client-id")).isEqualTo(1);
    millis.addAndGet(60_000);
    assertThat(g.onConnect(a, "flap", null)).isNull();
  }

  @Test
  @DisplayName("flapping: connects spread over more than one window are not flapping")
  void slowReconnectsAreNotFlapping() {
    limits.flapping.maxConnects = 3;
    limits.flapping.windowSeconds = 10;
    ConnectionGuard g = guard();
    ConnectionGuard.Admission a = g.admit("tcp", 0, "127.0.0.1");
    for (int i = 0; i < 20; i++) {
      assertThat(g.onConnect(a, "steady", null)).isNull();
      millis.addAndGet(5000);
    }
  }

  @Test
  @DisplayName("flapping detection can be turned off; broker-assigned client ids are never counted")
  void flappingOffAndAssignedIds() {
    limits.flapping.maxConnects = 1;
    ConnectionGuard g = guard();
    ConnectionGuard.Admission a = g.admit("tcp", 0, "127.0.0.1");
    assertThat(g.onConnect(a, null, null)).isNull();
    assertThat(g.onConnect(a, null, null)).isNull();
    limits.flapping.enabled = false;
    assertThat(guard().onConnect(a, "x", null)).isNull();
  }

  @Test
  @DisplayName("max-failures failed authentications from one address within the window ban the address")
  void authFailuresBanTheAddress() {
    limits.authFailureBan.maxFailures = 2;
    limits.authFailureBan.banSeconds = 30;
    ConnectionGuard g = guard();
    ConnectionGuard.Admission a = g.admit("tcp", 0, "192.0.2.1");
    g.authenticationFailed(a);
    assertThat(g.admit("tcp", 0, "192.0.2.1").closeNow()).isFalse();
    g.authenticationFailed(a);
    assertThat(metrics.rejections("auth-failure-ban")).isEqualTo(1);
    assertThat(g.admit("tcp", 0, "192.0.2.1").closeNow()).isTrue();
    assertThat(g.admit("tcp", 0, "192.0.2.2").closeNow()).isFalse();
    assertThat(g.onConnect(a, "c", null)).isEqualTo(ConnectionGuard.Refusal.BANNED_IP);
    millis.addAndGet(30_000);
    assertThat(g.admit("tcp", 0, "192.0.2.1").closeNow()).isFalse();
  }

  @Test
  @DisplayName("connection limits: global and per listener, slots given back on release")
  void connectionLimits() {
    limits.maxConnections = 3;
    ConnectionGuard g = guard();
    ConnectionGuard.Admission a1 = g.admit("a", 1, "127.0.0.1");
    ConnectionGuard.Admission a2 = g.admit("a", 1, "127.0.0.1");
    assertThat(g.onConnect(a2, "x", null)).isEqualTo(ConnectionGuard.Refusal.LISTENER_MAX_CONNECTIONS);
    ConnectionGuard.Admission b1 = g.admit("b", 0, "127.0.0.1");
    ConnectionGuard.Admission b2 = g.admit("b", 0, "127.0.0.1");
    ConnectionGuard.Admission b3 = g.admit("b", 0, "127.0.0.1");
    assertThat(g.onConnect(b2, "y", null)).isNull();
    assertThat(g.onConnect(b3, "z", null)).isEqualTo(ConnectionGuard.Refusal.MAX_CONNECTIONS);
    assertThat(g.openConnections()).isEqualTo(3);
    a1.release();
    a1.release();
    a2.release(); // never held a slot
    assertThat(g.openConnections()).isEqualTo(2);
    assertThat(g.onConnect(g.admit("a", 1, "127.0.0.1"), "w", null)).isNull();
    b1.release();
  }

  @Test
  @DisplayName("per-IP connection rate: a burst, then the rate; other addresses are not affected")
  void connectionRate() {
    limits.connectionsPerIpPerSecond = 2;
    limits.connectionsPerIpBurst = 3;
    ConnectionGuard g = guard();
    for (int i = 0; i < 3; i++) {
      assertThat(g.admit("tcp", 0, "198.51.100.1").closeNow()).isFalse();
    }
    assertThat(g.admit("tcp", 0, "198.51.100.1").closeNow()).isTrue();
    assertThat(g.admit("tcp", 0, "198.51.100.2").closeNow()).isFalse();
    nanos.addAndGet(500_000_000L);
    assertThat(g.admit("tcp", 0, "198.51.100.1").closeNow()).isFalse();
    assertThat(g.admit("tcp", 0, "198.51.100.1").closeNow()).isTrue();
    assertThat(metrics.rejections("ip-connection-rate")).isEqualTo(2);
  }
}
