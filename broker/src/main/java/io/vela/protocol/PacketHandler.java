package io.vela.protocol;

import io.vela.api.Message;
import java.util.List;

/**
 * The inbound half of one client network connection: what a transport adapter calls after decoding a packet. All
 * methods are called on the connection's context, in the order the packets arrived.
 */
public interface PacketHandler {

  void onConnect(Connect connect);

  /** A PUBLISH from the client; {@code message.qos()} is the QoS it was sent with. */
  void onPublish(Message message, int packetId, boolean dup);

  void onPubAck(int packetId);

  void onPubRec(int packetId, int reasonCode);

  void onPubRel(int packetId);

  void onPubComp(int packetId);

  void onSubscribe(int packetId, List<TopicSubscription> subscriptions);

  void onUnsubscribe(int packetId, List<String> filters);

  void onPing();

  /**
   * An MQTT 5 AUTH packet.
   *
   * @param method the Authentication Method it carries, or null
   * @param data   the Authentication Data it carries, or null
   */
  void onAuth(ReasonCode reason, String method, byte[] data);

  /** Nothing was read within the read-idle timeout the handler asked for (keep-alive x 1.5). */
  void onKeepAliveTimeout();

  /**
   * A DISCONNECT from the client.
   *
   * @param reason                the reason code as sent (SUCCESS for MQTT 3.x and the short MQTT 5 form)
   * @param sessionExpiryInterval MQTT 5 new Session Expiry Interval, or null when absent
   */
  void onDisconnect(ReasonCode reason, Long sessionExpiryInterval);

  /** The transport found a protocol violation it could not represent as a packet (malformed, too large, ...). */
  void onProtocolViolation(ReasonCode reason, String detail);

  /** The network connection is gone (for whatever reason); called exactly once, last. */
  void onClosed();
}
