package io.vela.api;

import io.vela.api.admin.Admin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * What a {@link BrokerExtension} may do with the running broker. Routing goes through the same code path as a client
 * session: a subscriber registered here receives messages with {@link Subscriber#deliver} on its own context, one
 * task per publish and context, never one event-bus message per delivery.
 */
public interface BrokerContext {

  Vertx vertx();

  /**
   * Routes a message as the broker itself (retained store updated when its RETAIN flag is set), the way a client's
   * PUBLISH is routed. May be called from any thread.
   *
   * @return how many subscribers (and shared groups) it was delivered to
   */
  int publish(Message message);

  /**
   * Routes a message like {@link #publish} and completes once every receiver that acknowledges deliveries — a
   * persistent session (session expiry above 0) getting it at QoS 1 or 2 — has acknowledged it (PUBACK, or PUBCOMP at
   * QoS 2), on its current or a later connection; other receivers count at routing. Fails when one of them will
   * never acknowledge it (its queue overflowed, the message expired, the session ended): publishing it again gives
   * at-least-once. May be called from any thread; completes on the caller's context when it has one.
   *
   * @return how many subscribers (and shared groups) it was delivered to
   * @throws IllegalArgumentException for an invalid topic name
   */
  io.vertx.core.Future<Integer> publishAcknowledged(Message message);

  /**
   * Subscribes {@code subscriber} to {@code filter} ({@code $share/{group}/{filter}} joins a shared group, so several
   * bridge instances can share the load). The filter must be valid; the subscriber's {@link Subscriber#id()} must not
   * be a client id (use a prefix such as {@code $bridge/}).
   *
   * @return true if this subscriber had no subscription to this filter before
   * @throws IllegalArgumentException for an invalid topic filter
   */
  boolean subscribe(Subscriber subscriber, String filter, SubscriptionOptions options);

  /** Removes what {@link #subscribe} added; true if there was such a subscription. */
  boolean unsubscribe(Subscriber subscriber, String filter);

  /** Makes a component visible to operators (admin API, metrics); replaces one registered under the same name. */
  void register(ManagedComponent component);

  void unregister(String name);

  /** Every registered component, in registration order. */
  List<ManagedComponent> components();

  /** Operator queries and commands (clients, sessions, retained messages, bans, listeners, stats). */
  default Admin admin() {
    throw new UnsupportedOperationException("this broker context has no admin interface");
  }
}
