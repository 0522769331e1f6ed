package io.vela.config;

import java.util.Map;
import java.util.Set;

/**
 * Range and consistency checks after binding; each failure names the key, and the environment variable when one set
 * it.
 */
final class ConfigValidator {

  static final Set<String> LISTENER_TYPES = Set.of("tcp");
  static final Set<String> PLANNED_LISTENER_TYPES = Set.of("tls", "ws", "wss", "quic");

  private ConfigValidator() {
  }

  /** @param origins dotted key to the environment variable that set it (for messages) */
  static void validate(VelaConfig c, Map<String, String> origins) {
    if (c.listeners == null || c.listeners.isEmpty()) {
      throw new ConfigException("config key 'listeners': at least one listener is needed");
    }
    for (Map.Entry<String, ListenerConfig> e : c.listeners.entrySet()) {
      String key = "listeners." + e.getKey();
      ListenerConfig l = e.getValue();
      if (l == null) {
        throw error(origins, key, "expected a section (type, bind, port, ...)");
      }
      if (l.type == null) {
        l.type = e.getKey();
      }
      if (PLANNED_LISTENER_TYPES.contains(l.type)) {
        throw error(origins, key + ".type", "listener type '" + l.type
            + "' is not available yet in this version (supported: tcp)");
      }
      if (!LISTENER_TYPES.contains(l.type)) {
        throw error(origins, key + ".type", "unknown listener type '" + l.type + "' (supported: tcp)");
      }
      range(origins, key + ".port", l.port, 0, 65535);
      range(origins, key + ".max-connections", l.maxConnections, 0, Integer.MAX_VALUE);
      if (l.bind == null || l.bind.isBlank()) {
        throw error(origins, key + ".bind", "an address is needed, e.g. 0.0.0.0 or 127.0.0.1");
      }
    }
    MqttConfig m = c.mqtt;
    if (m == null) {
      throw new ConfigException("config key 'mqtt': expected a section");
    }
    range(origins, "mqtt.max-packet-size", m.maxPacketSize, 64, 268_435_455);
    range(origins, "mqtt.max-client-id-length", m.maxClientIdLength, 23, 65535);
    range(origins, "mqtt.connect-timeout-seconds", m.connectTimeoutSeconds, 1, 3600);
    range(origins, "mqtt.max-keep-alive-seconds", m.maxKeepAliveSeconds, 0, 65535);
    range(origins, "mqtt.receive-maximum", m.receiveMaximum, 1, 65535);
    range(origins, "mqtt.max-inflight", m.maxInflight, 1, 65535);
    range(origins, "mqtt.publisher-backpressure-ms", m.publisherBackpressureMs, 0, 3_600_000);
    range(origins, "mqtt.max-queued-messages", m.maxQueuedMessages, 0, Integer.MAX_VALUE);
    range(origins, "mqtt.max-queued-bytes", m.maxQueuedBytes, 0, Long.MAX_VALUE);
    range(origins, "mqtt.max-session-expiry-seconds", m.maxSessionExpirySeconds, 0, 0xFFFFFFFFL);
    range(origins, "mqtt.max-qos", m.maxQos, 0, 2);
    range(origins, "mqtt.topic-alias-maximum", m.topicAliasMaximum, 0, 65535);
    if (m.redirect == null) {
      throw error(origins, "mqtt.redirect", "expected none, use-another-server or server-moved");
    }
    if (m.redirect != MqttConfig.Redirect.NONE && (m.serverReference == null || m.serverReference.isBlank())) {
      throw error(origins, "mqtt.server-reference", "needed when mqtt.redirect is not none (e.g. other-host:1883)");
    }
    if (m.responseInformation != null && m.responseInformation.isEmpty()) {
      throw error(origins, "mqtt.response-information", "empty; leave it out to send no Response Information");
    }
    if (m.queueOverflow == null) {
      throw error(origins, "mqtt.queue-overflow", "expected drop-oldest or drop-newest");
    }
    if (m.sharedSubscriptions == null) {
      throw error(origins, "mqtt.shared-subscriptions", "expected a section (enabled, strategy)");
    }
    if (m.sharedSubscriptions.strategy == null) {
      throw error(origins, "mqtt.shared-subscriptions.strategy",
          "expected round-robin, random, sticky or hash-client-id");
    }
    if (c.sys == null) {
      throw new ConfigException("config key 'sys': expected a section");
    }
    range(origins, "sys.interval-seconds", c.sys.intervalSeconds, 1, 86400);
    LimitsValidator.validate(c, origins);
    range(origins, "event-loops", c.eventLoops, 0, 1024);
    range(origins, "shutdown-timeout-seconds", c.shutdownTimeoutSeconds, 0, 3600);
  }

  static void range(Map<String, String> origins, String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw error(origins, key, value + " is out of range (" + min + " to " + max + ")");
    }
  }

  static ConfigException error(Map<String, String> origins, String key, String problem) {
    String var = origins.get(key);
    return new ConfigException((var == null ? "" : "environment variable " + var + ": ") + "config key '" + key
        + "': " + problem);
  }
}
