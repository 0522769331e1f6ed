package io.vela.api.admin;

/**
 * One configured MQTT listener.
 *
 * @param state {@code running} (bound to {@link #port()}) or {@code disabled}
 * @param path  the WebSocket path for ws/wss listeners, otherwise null
 * @param connections open network connections on it (MQTT-connected or still connecting)
 */
public record ListenerInfo(String name, String type, String bind, int port, String state, boolean tls, String path,
                           int connections) {
}
