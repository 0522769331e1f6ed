package io.vela.config;

import java.util.Map;
import java.util.Set;

/**
 * Range and consistency checks after binding; each failure names the key, and the environment variable when one set
 * it.
 */
final class ConfigValidator {

  static final Set<String> LISTENER_TYPES = Set.of("tcp", "tls", "ws", "wss");
  static final Set<String> PLANNED_LISTENER_TYPES = Set.of("quic");
  /** Listener types that serve TLS: they need a tls section, the others must not have one. */
  static final Set<String> TLS_LISTENER_TYPES = Set.of("tls", "wss");
  static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

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
            + "' is not available yet in this version (supported: tcp, tls, ws, wss)");
      }
      if (!LISTENER_TYPES.contains(l.type)) {
        throw error(origins, key + ".type", "unknown listener type '" + l.type + "' (supported: tcp, tls, ws, wss)");
      }
      if (l.port == null) {
        l.port = ListenerConfig.defaultPort(l.type);
      }
      range(origins, key + ".port", l.port, 0, 65535);
      range(origins, key + ".proxy-protocol-timeout-seconds", l.proxyProtocolTimeoutSeconds, 1, 3600);
      if (TLS_LISTENER_TYPES.contains(l.type)) {
        validateTls(origins, key + ".tls", l.tls);
      } else if (l.tls != null) {
        throw error(origins, key + ".tls", "a " + l.type + " listener does not serve TLS; use type tls (or wss)");
      }
      range(origins, key + ".max-connections", l.maxConnections, 0, Integer.MAX_VALUE);
      range(origins, key + ".min-keep-alive-seconds", l.minKeepAliveSeconds, 0, 65535);
      if (c.mqtt != null && c.mqtt.maxKeepAliveSeconds > 0 && l.minKeepAliveSeconds > c.mqtt.maxKeepAliveSeconds) {
        throw error(origins, key + ".min-keep-alive-seconds", l.minKeepAliveSeconds + " is above "
            + "mqtt.max-keep-alive-seconds (" + c.mqtt.maxKeepAliveSeconds + ")");
      }
      validateWebSocket(origins, key, l);
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
    AuthValidator.validate(c, origins);
    range(origins, "event-loops", c.eventLoops, 0, 1024);
    range(origins, "shutdown-timeout-seconds", c.shutdownTimeoutSeconds, 0, 3600);
  }

  private static void validateWebSocket(Map<String, String> origins, String key, ListenerConfig l) {
    if (!l.type.equals("ws") && !l.type.equals("wss")) {
      if (l.websocket != null) {
        throw error(origins, key + ".websocket", "only ws and wss listeners have WebSocket settings (this one is "
            + l.type + ")");
      }
      return;
    }
    if (l.websocket == null) {
      l.websocket = new WebSocketConfig();
    }
    WebSocketConfig ws = l.websocket;
    String wsKey = key + ".websocket";
    if (ws.path == null || !ws.path.startsWith("/") || ws.path.chars().anyMatch(ch -> ch <= ' ' || ch == '?'
        || ch == '#')) {
      throw error(origins, wsKey + ".path", "expected a URL path starting with /, e.g. /mqtt");
    }
    if (ws.allowedOrigins == null) {
      ws.allowedOrigins = new java.util.ArrayList<>();
    }
    for (String origin : ws.allowedOrigins) {
      if (origin == null || origin.isBlank() || origin.endsWith("/")) {
        throw error(origins, wsKey + ".allowed-origins", "'" + origin + "' is not an origin (scheme://host[:port], "
            + "no trailing slash, e.g. https://app.example.com)");
      }
    }
    if (ws.trustedProxies == null) {
      ws.trustedProxies = new java.util.ArrayList<>();
    }
    for (String proxy : ws.trustedProxies) {
      boolean ok = proxy != null && (proxy.contains("/") ? BanConfig.cidrPrefix(proxy) >= 0
          : BanConfig.parseAddress(proxy) != null);
      if (!ok) {
        throw error(origins, wsKey + ".trusted-proxies", "'" + proxy + "' is not an IP address or CIDR block "
            + "(e.g. 10.0.0.5 or 10.0.0.0/8)");
      }
    }
  }

  private static void validateTls(Map<String, String> origins, String key, TlsConfig t) {
    if (t == null) {
      throw error(origins, key, "a TLS listener needs a certificate: tls.cert and tls.key (PEM) or tls.pkcs12");
    }
    boolean pem = t.cert != null || t.key != null;
    if (pem && t.pkcs12 != null) {
      throw error(origins, key + ".pkcs12", "give either cert and key (PEM) or pkcs12, not both");
    }
    if (!pem && t.pkcs12 == null) {
      throw error(origins, key, "a TLS listener needs a certificate: tls.cert and tls.key (PEM) or tls.pkcs12");
    }
    if (pem && (t.cert == null || t.cert.isBlank())) {
      throw error(origins, key + ".cert", "the certificate file is missing (tls.key is set)");
    }
    if (pem && (t.key == null || t.key.isBlank())) {
      throw error(origins, key + ".key", "the private key file is missing (tls.cert is set)");
    }
    if (t.clientAuth == null) {
      throw error(origins, key + ".client-auth", "expected none, optional or required");
    }
    if (t.clientAuth != TlsConfig.ClientAuth.NONE && (t.ca == null || t.ca.isBlank())) {
      throw error(origins, key + ".ca", "client-auth " + t.clientAuth.name().toLowerCase(java.util.Locale.ROOT)
          + " needs the CA certificates that client certificates are checked against");
    }
    if (t.cnAsUsername && t.clientAuth == TlsConfig.ClientAuth.NONE) {
      throw error(origins, key + ".cn-as-username", "needs client-auth optional or required");
    }
    if (t.protocols == null || t.protocols.isEmpty()) {
      throw error(origins, key + ".protocols", "at least one of TLSv1.3, TLSv1.2 is needed");
    }
    for (String p : t.protocols) {
      if (!TLS_PROTOCOLS.contains(p)) {
        throw error(origins, key + ".protocols", "'" + p + "' is not supported (TLSv1.3, TLSv1.2; older versions "
            + "are insecure)");
      }
    }
    if (t.cipherSuites == null) {
      t.cipherSuites = new java.util.ArrayList<>();
    }
    range(origins, key + ".reload-interval-seconds", t.reloadIntervalSeconds, 0, 86400);
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
