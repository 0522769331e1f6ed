package io.vela.protocol;

import io.vela.api.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;

/**
 * The outbound half of one client network connection, as the session layer sees it. Implemented by each transport
 * adapter (TCP via vertx-mqtt today; WebSocket, TLS and QUIC later) so that session and routing code never touch a
 * codec type. Every method must be called on {@link #context()}.
 */
public interface ClientChannel {

  Context context();

  /** "host:port" of the peer, as shown in logs. */
  String remoteAddress();

  MqttVersion version();

  /**
   * The identity in the client's TLS certificate, when the client presented one: its subject Common Name, or without
   * one its first Subject Alternative Name (DNS name, e-mail, URI or IP address). Null without TLS or certificate.
   */
  default String peerCertificateName() {
    return null;
  }

  /** Accepts the connection. {@code ack} carries the CONNACK properties the broker wants to announce. */
  void accept(ConnAck ack);

  /** Refuses the connection with a CONNACK carrying {@code reason} (mapped to a 3.x return code) and closes it. */
  void refuse(ReasonCode reason);

  /**
   * Refuses an MQTT 5 connection with CONNACK {@code reason} (0x9C Use another server or 0x9D Server moved) carrying
   * a Server Reference, and closes it.
   */
  void redirect(ReasonCode reason, String serverReference);

  /**
   * From now on PUBLISH packets to this client may carry topic aliases 1..{@code maximum} (the client's Topic Alias
   * Maximum when outbound aliases are enabled); 0, the default, sends none [MQTT-3.1.2-30].
   */
  void outboundTopicAliasMaximum(int maximum);

  /** Sends an MQTT 5 AUTH packet (enhanced authentication); {@code data} may be null. */
  void auth(ReasonCode reason, String method, byte[] data);

  /**
   * Sends one PUBLISH. The message is shared with other subscribers and must not be modified.
   *
   * @param packetId 0 for QoS 0
   */
  void publish(Message message, int qos, boolean dup, boolean retain, int packetId, int[] subscriptionIds);

  /**
   * Whether a PUBLISH of {@code message} at {@code qos} carrying {@code subscriptionIds} fits the client's Maximum
   * Packet Size (an MQTT 5 CONNECT property). The session never sends one that does not fit and treats it as
   * delivered [MQTT-3.1.2-27] [MQTT-3.1.2-28]. Channels whose client set no limit keep the default.
   */
  default boolean fits(Message message, int qos, int[] subscriptionIds) {
    return true;
  }

  void pubAck(int packetId, ReasonCode reason);

  void pubRec(int packetId, ReasonCode reason);

  void pubRel(int packetId, ReasonCode reason);

  void pubComp(int packetId, ReasonCode reason);

  void pingResp();

  void subAck(int packetId, List<ReasonCode> reasons);

  void unsubAck(int packetId, List<ReasonCode> reasons);

  /** Sends a DISCONNECT (MQTT 5 only; ignored for 3.x) and closes the connection once it is written. */
  Future<Void> disconnect(ReasonCode reason, String reasonString);

  /** Closes the network connection without a DISCONNECT. */
  Future<Void> close();

  /** False while the transport's write buffer is above its high-water mark. */
  boolean writable();

  /** Runs {@code r} once on {@link #context()} when the write buffer has drained after {@link #writable()} was false. */
  void whenWritable(Runnable r);

  /**
   * Closes nothing itself but reports {@link PacketHandler#onKeepAliveTimeout()} when nothing was read for
   * {@code millis} milliseconds; 0 turns the check off. Milliseconds, because 1.5 x keep-alive is not a whole number
   * of seconds for odd keep-alive values.
   */
  void readIdleTimeoutMillis(long millis);

  /** Stops delivering inbound packets until {@link #resumeReading()} (used while a CONNECT is being processed). */
  void pauseReading();

  void resumeReading();
}
