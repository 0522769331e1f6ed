package io.vela.api.admin;

/**
 * One configured MQTT listener.
 *
 * @param state {@code running} (bound to {@link #port()}) or {@code disabled}
 * @param path  the WebSocket path for ws/wss listeners, otherwise null
 * @param connections open network connections on it (MQTT-connected or still connecting)
 * @param bytesIn     bytes received from its clients since start, on the wire (TLS and WebSocket framing included)
 * @param bytesOut    bytes sent to its clients since start
 * @param messagesIn  PUBLISH packets received from its clients since start
 * @param messagesOut PUBLISH packets sent to its clients since start
 */
public record ListenerInfo(String name, String type, String bind, int port, String state, boolean tls, String path,
                           int connections, long bytesIn, long bytesOut, long messagesIn, long messagesOut) {
}
