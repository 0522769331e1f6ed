package io.vela.codec;

/**
 * The socket event fired once a WebSocket upgrade has completed: from then on the socket carries MQTT.
 *
 * @param clientHost    the client's IP address: the TCP peer's, or the forwarded one when the peer is a trusted proxy
 * @param clientAddress the address to log and show: {@code host:port} of the TCP peer, or the forwarded host
 * @param forwarded     true when the address came from X-Forwarded-For / X-Real-IP
 * @param subprotocol   the subprotocol echoed to the client
 */
public record WebSocketOpened(String clientHost, String clientAddress, boolean forwarded, String subprotocol) {
}
