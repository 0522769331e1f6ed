package io.vela.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The limits: section, the bans: list, mqtt.max-queued-bytes and listeners.NAME.max-connections. */
class LimitsConfigTest {

  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  @DisplayName("defaults: generous limits, rate limits off, flapping and auth-failure bans on, no bans")
  void defaults() {
    VelaConfig c = ConfigLoader.parse("", "defaults", NO_ENV);
    LimitsConfig l = c.limits;
    assertThat(l.maxConnections).isEqualTo(100_000);
    assertThat(c.listeners.get("tcp").maxConnections).isZero();
    assertThat(l.maxTopicLength).isEqualTo(65535);
    assertThat(l.maxTopicLevels).isEqualTo(128);
    assertThat(l.maxSubscriptions).isEqualTo(10_000);
    assertThat(l.publishRate).isZero();
    assertThat(l.byteRate).isZero();
    assertThat(l.rateLimitAction).isEqualTo(LimitsConfig.RateLimitAction.THROTTLE);
    assertThat(l.connectionsPerIpPerSecond).isZero();
    assertThat(l.flapping.enabled).isTrue();
    assertThat(l.flapping.maxConnects).isEqualTo(30);
    assertThat(l.flapping.windowSeconds).isEqualTo(60);
    assertThat(l.flapping.banSeconds).isEqualTo(300);
    assertThat(l.authFailureBan.enabled).isTrue();
    assertThat(l.authFailureBan.maxFailures).isEqualTo(20);
    assertThat(c.mqtt.maxQueuedBytes).isEqualTo(64L * 1024 * 1024);
    assertThat(c.bans).isEmpty();
  }

  @Test
  @DisplayName("conf/vela.yaml states the limits defaults")
  void shippedConfigurationStatesTheDefaults() {
    VelaConfig shipped = ConfigLoader.load(Path.of("..", "conf", "vela.yaml"), NO_ENV);
    VelaConfig defaults = ConfigLoader.parse("", "defaults", NO_ENV);
    assertThat(shipped.limits).usingRecursiveComparison().isEqualTo(defaults.limits);
    assertThat(shipped.mqtt.maxQueuedBytes).isEqualTo(defaults.mqtt.maxQueuedBytes);
  }

  @Test
  @DisplayName("every key binds from YAML and from VELA_* variables")
  void keysBind() {
    VelaConfig c = ConfigLoader.parse("""
        listeners:
          tcp:
            max-connections: 50
        mqtt:
          max-queued-bytes: 4096
        limits:
          max-connections: 100
          max-topic-length: 200
          max-topic-levels: 8
          max-subscriptions: 20
          publish-rate: 10
          publish-burst: 20
          byte-rate: 10000
          byte-burst: 20000
          rate-limit-action: disconnect
          connections-per-ip-per-second: 5
          connections-per-ip-burst: 10
          flapping: {max-connects: 5, window-seconds: 10, ban-seconds: 60}
          auth-failure-ban: {enabled: false, max-failures: 3, window-seconds: 30, ban-seconds: 90}
        bans:
          - client-id: evil
            reason: test
          - username: mallory
            seconds: 3600
          - ip: 192.0.2.1
            until: 2030-01-01T00:00:00Z
          - cidr: 10.0.0.0/8
        """, "test", Map.of("VELA_LIMITS__FLAPPING__BAN_SECONDS", "120"));
    assertThat(c.listeners.get("tcp").maxConnections).isEqualTo(50);
    assertThat(c.mqtt.maxQueuedBytes).isEqualTo(4096);
    assertThat(c.limits.rateLimitAction).isEqualTo(LimitsConfig.RateLimitAction.DISCONNECT);
    assertThat(c.limits.byteBurst).isEqualTo(20000);
    assertThat(c.limits.flapping.maxConnects).isEqualTo(5);
    assertThat(c.limits.flapping.banSeconds).isEqualTo(120);
    assertThat(c.limits.authFailureBan.enabled).isFalse();
    assertThat(c.bans).hasSize(4);
    assertThat(c.bans.get(1).seconds).isEqualTo(3600);
    assertThat(c.bans.get(3).cidr).isEqualTo("10.0.0.0/8");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bans: [{client-id: a, username: b}]|config key 'bans.0': exactly one of client-id, username, ip or cidr",
      "bans: [{reason: x}]|config key 'bans.0': exactly one of",
      "bans: [{ip: localhost}]|config key 'bans.0.ip': 'localhost' is not an IPv4 or IPv6 address",
      "bans: [{cidr: 10.0.0.0/33}]|config key 'bans.0.cidr': '10.0.0.0/33' is not an address block",
      "bans: [{cidr: 10.0.0.0}]|config key 'bans.0.cidr'",
      "bans: [{client-id: a, until: tomorrow}]|config key 'bans.0.until': 'tomorrow' is not an instant",
      "bans: [{client-id: a, until: '2030-01-01T00:00:00Z', seconds: 5}]|until and seconds cannot both be set",
      "limits: {rate-limit-action: slow}|config key 'limits.rate-limit-action': 'slow' is not one of throttle, "
          + "disconnect",
      "limits: {max-topic-levels: 0}|config key 'limits.max-topic-levels': 0 is out of range",
      "limits: {flapping: {max-connects: 0}}|config key 'limits.flapping.max-connects': 0 is out of range",
      "limits: {flapping: {max-conects: 3}}|unknown config key 'limits.flapping.max-conects'",
      "mqtt: {max-queued-bytes: -1}|config key 'mqtt.max-queued-bytes': -1 is out of range",
      "listeners: {tcp: {max-connections: -1}}|config key 'listeners.tcp.max-connections': -1 is out of range"})
  @DisplayName("wrong values are refused with a message naming the key")
  void errors(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test", NO_ENV)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
