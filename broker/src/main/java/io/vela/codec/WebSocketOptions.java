package io.vela.codec;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the WebSocket transport needs to know, in plain types (the codec package does not read configuration).
 *
 * @param path                   the HTTP path clients upgrade on
 * @param compression            negotiate permessage-deflate when the client offers it
 * @param allowedOrigins         Origin values allowed; empty = any
 * @param trustedProxy           whether a TCP peer is a proxy whose X-Forwarded-For / X-Real-IP is believed
 * @param maxFramePayload        largest WebSocket frame payload accepted, in bytes
 * @param handshakeTimeoutMillis a socket that has not completed the upgrade by then is closed
 */
public record WebSocketOptions(String path, boolean compression, List<String> allowedOrigins,
                               Predicate<InetAddress> trustedProxy, int maxFramePayload,
                               long handshakeTimeoutMillis) {

  /** The subprotocols accepted, in order of preference when a client offers several. */
  public static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1.1", "mqttv3.1", "mqtt-v5",
      "mqtt-v3.1.1", "mqtt-v3");
}
