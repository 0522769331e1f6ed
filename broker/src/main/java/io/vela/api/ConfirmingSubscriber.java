package io.vela.api;

import io.vertx.core.Promise;

/**
 * A {@link Subscriber} that can hold back the publisher's acknowledgement: when it {@link #confirms confirms} a QoS 1
 * or 2 message, the publisher's PUBACK/PUBREC is sent only after it completed the promise handed to
 * {@link #deliverConfirmed} (a Kafka bridge completes it once Kafka acknowledged the record). Acknowledgements of one
 * publisher stay in the order its PUBLISH packets arrived [MQTT-4.6.0-2, MQTT-4.6.0-3], so a waiting one holds back
 * those behind it; a publisher with too many waiting is not read from until some complete.
 *
 * <p>Messages nobody waits for (QoS 0, wills, messages the broker publishes itself) arrive through the ordinary
 * {@link #deliver}.
 */
public interface ConfirmingSubscriber extends Subscriber {

  /**
   * Whether the publisher's acknowledgement of {@code message} must wait for this subscriber. Called on the
   * publisher's thread while routing, before delivery; must be cheap and must not block.
   *
   * @param qos the QoS it will be delivered at (1 or 2; never asked for 0)
   */
  boolean confirms(Message message, int qos);

  /**
   * Like {@link #deliver}, on {@link #context()}, for a message {@link #confirms confirmed}: complete {@code done}
   * (from any thread) when the message is safe, fail it when it cannot be made safe. A failure makes the broker
   * answer the publisher with PUBACK/PUBREC 0x80 (MQTT 5; 0x97 for a {@link QuotaExceededException}) or close its connection without acknowledgement (MQTT 3.x,
   * so the client sends it again).
   */
  void deliverConfirmed(Message message, int qos, boolean retainFlag, int[] subscriptionIds, Promise<Void> done);
}
