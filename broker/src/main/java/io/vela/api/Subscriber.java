package io.vela.api;

import io.vertx.core.Context;
import io.vertx.core.Promise;

/**
 * Anything that receives routed messages: a client session, and later a bridge. The dispatcher groups deliveries by
 * {@link #context()} and calls {@link #deliver} on that context, one task per context and publish, never one event-bus
 * message per subscriber.
 */
public interface Subscriber {

  /** Unique id among subscribers: the MQTT client id for sessions. */
  String id();

  /** The Vert.x context that owns this subscriber's state; {@link #deliver} is only called on it. */
  Context context();

  /**
   * Delivers one message that matched one or more of this subscriber's filters.
   *
   * @param message          the shared message (do not modify)
   * @param qos              the QoS to deliver at (already min(published, granted))
   * @param retainFlag       the RETAIN flag to send
   * @param subscriptionIds  MQTT 5 subscription identifiers of the matching subscriptions (may be empty)
   */
  void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds);

  /**
   * Delivers one message that a shared subscription group chose this subscriber for. A subscriber that can leave
   * with messages undelivered hands them back with {@link ShareGroup#redeliver}; the default simply delivers.
   */
  default void deliverShared(Message message, int qos, boolean retainFlag, int[] subscriptionIds, ShareGroup group) {
    deliver(message, qos, retainFlag, subscriptionIds);
  }

  /**
   * True while the subscriber can take a message at once (a session with a live connection). Shared subscription
   * groups prefer online members. May be called from any thread; a racy answer only affects the choice.
   */
  default boolean online() {
    return true;
  }

  /**
   * True while this subscriber cannot keep up and wants publishers held back (read from more slowly). May be called
   * from any thread.
   */
  default boolean wantsBackpressure(long nowNanos) {
    return false;
  }

  /**
   * Whether a publisher that waits for its receivers' acknowledgements ({@link BrokerContext#publishAcknowledged})
   * must wait for this subscriber when it gets a message at {@code qos} (1 or 2): true for a session that outlives
   * its connection. May be called from any thread; must be cheap.
   */
  default boolean acknowledges(int qos) {
    return false;
  }

  /**
   * Like {@link #deliver} ({@link #deliverShared} when {@code group} is not null), on {@link #context()}, for a
   * message whose publisher waits: complete {@code acked} once the receiver acknowledged it (PUBACK; PUBCOMP at QoS
   * 2), even on a later connection; fail it when that will not happen (dropped, expired, the session ended, handed to
   * another group member). The default delivers and completes at once.
   */
  default void deliverAcknowledged(Message message, int qos, boolean retainFlag, int[] subscriptionIds,
                                   ShareGroup group, Promise<Void> acked) {
    if (group == null) {
      deliver(message, qos, retainFlag, subscriptionIds);
    } else {
      deliverShared(message, qos, retainFlag, subscriptionIds, group);
    }
    acked.tryComplete();
  }

  /** Runs {@code r} (on any thread) once this subscriber no longer wants backpressure; at once if it does not. */
  default void whenDrained(Runnable r) {
    r.run();
  }
}
