package io.vela.config;

import static io.vela.config.ConfigValidator.error;
import static io.vela.config.ConfigValidator.range;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Checks of the {@code limits:} section and the {@code bans:} list. */
final class LimitsValidator {

  private LimitsValidator() {
  }

  static void validate(VelaConfig c, Map<String, String> origins) {
    LimitsConfig l = c.limits;
    if (l == null) {
      throw new ConfigException("config key 'limits': expected a section");
    }
    range(origins, "limits.max-connections", l.maxConnections, 0, Integer.MAX_VALUE);
    range(origins, "limits.max-topic-length", l.maxTopicLength, 1, 65535);
    range(origins, "limits.max-topic-levels", l.maxTopicLevels, 1, 65535);
    range(origins, "limits.max-subscriptions", l.maxSubscriptions, 0, Integer.MAX_VALUE);
    range(origins, "limits.publish-rate", l.publishRate, 0, Integer.MAX_VALUE);
    range(origins, "limits.publish-burst", l.publishBurst, 0, Integer.MAX_VALUE);
    range(origins, "limits.byte-rate", l.byteRate, 0, Long.MAX_VALUE / 1_000_000_000L);
    range(origins, "limits.byte-burst", l.byteBurst, 0, Long.MAX_VALUE / 1_000_000_000L);
    range(origins, "limits.connections-per-ip-per-second", l.connectionsPerIpPerSecond, 0, Integer.MAX_VALUE);
    range(origins, "limits.connections-per-ip-burst", l.connectionsPerIpBurst, 0, Integer.MAX_VALUE);
    if (l.rateLimitAction == null) {
      throw error(origins, "limits.rate-limit-action", "expected throttle or disconnect");
    }
    if (l.flapping == null) {
      throw error(origins, "limits.flapping", "expected a section (max-connects, window-seconds, ban-seconds)");
    }
    range(origins, "limits.flapping.max-connects", l.flapping.maxConnects, 1, Integer.MAX_VALUE);
    range(origins, "limits.flapping.window-seconds", l.flapping.windowSeconds, 1, 86400);
    range(origins, "limits.flapping.ban-seconds", l.flapping.banSeconds, 1, 365 * 86400);
    if (l.authFailureBan == null) {
      throw error(origins, "limits.auth-failure-ban", "expected a section (max-failures, window-seconds, ban-seconds)");
    }
    range(origins, "limits.auth-failure-ban.max-failures", l.authFailureBan.maxFailures, 1, Integer.MAX_VALUE);
    range(origins, "limits.auth-failure-ban.window-seconds", l.authFailureBan.windowSeconds, 1, 86400);
    range(origins, "limits.auth-failure-ban.ban-seconds", l.authFailureBan.banSeconds, 1, 365 * 86400);
    if (c.bans == null) {
      throw new ConfigException("config key 'bans': expected a list");
    }
    for (int i = 0; i < c.bans.size(); i++) {
      ban("bans." + i, c.bans.get(i), origins);
    }
  }

  private static void ban(String key, BanConfig b, Map<String, String> origins) {
    if (b == null) {
      throw error(origins, key, "expected client-id, username, ip or cidr");
    }
    int set = (b.clientId != null ? 1 : 0) + (b.username != null ? 1 : 0) + (b.ip != null ? 1 : 0)
        + (b.cidr != null ? 1 : 0);
    if (set != 1) {
      throw error(origins, key, "exactly one of client-id, username, ip or cidr is needed");
    }
    if (b.ip != null && BanConfig.parseAddress(b.ip) == null) {
      throw error(origins, key + ".ip", "'" + b.ip + "' is not an IPv4 or IPv6 address");
    }
    if (b.cidr != null && BanConfig.cidrPrefix(b.cidr) < 0) {
      throw error(origins, key + ".cidr", "'" + b.cidr + "' is not an address block such as 10.0.0.0/8");
    }
    if (b.until != null && b.seconds != null) {
      throw error(origins, key, "until and seconds cannot both be set");
    }
    if (b.until != null) {
      try {
        Instant.parse(b.until);
      } catch (DateTimeParseException e) {
        throw error(origins, key + ".until", "'" + b.until + "' is not an instant such as 2030-01-01T00:00:00Z");
      }
    }
    if (b.seconds != null) {
      range(origins, key + ".seconds", b.seconds, 1, Long.MAX_VALUE / 1000);
    }
  }
}
