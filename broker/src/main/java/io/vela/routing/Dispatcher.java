package io.vela.routing;

import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Routes one PUBLISH: retained update, trie match, one copy per subscriber at the highest matching QoS, deliveries
 * grouped by the subscriber's context — inline for the publisher's own context, one task per other context. The
 * message object (and its payload) is shared by every delivery.
 */
public final class Dispatcher {

  private final SubscriptionTrie trie;
  private final RetainedStore retained;

  public Dispatcher(SubscriptionTrie trie, RetainedStore retained) {
    this.trie = trie;
    this.retained = retained;
  }

  public SubscriptionTrie trie() {
    return trie;
  }

  public RetainedStore retained() {
    return retained;
  }

  /** A subscriber's aggregated delivery: highest QoS, retain-as-published if any matching subscription says so. */
  private static final class Delivery {
    final Subscriber subscriber;
    int qos;
    boolean retainAsPublished;
    int[] subscriptionIds = NO_IDS;

    Delivery(Subscriber subscriber) {
      this.subscriber = subscriber;
    }

    void add(SubscriptionOptions o) {
      qos = Math.max(qos, o.qos());
      retainAsPublished |= o.retainAsPublished();
      if (o.subscriptionId() != 0) {
        int[] ids = java.util.Arrays.copyOf(subscriptionIds, subscriptionIds.length + 1);
        ids[ids.length - 1] = o.subscriptionId();
        subscriptionIds = ids;
      }
    }

    void run(Message message) {
      subscriber.deliver(message, Math.min(message.qos(), qos), retainAsPublished && message.retain(),
          subscriptionIds);
    }
  }

  private static final int[] NO_IDS = new int[0];

  /**
   * Routes {@code message} (retained update included when its RETAIN flag is set).
   *
   * @return how many subscribers it was delivered to
   */
  public int publish(Message message) {
    return publish(message, null);
  }

  /**
   * Routes {@code message} and reports each matched subscriber that wants backpressure (never the publisher itself)
   * to {@code congested}, so the caller can stop reading from the publisher until it drains.
   *
   * @return how many subscribers it was delivered to
   */
  public int publish(Message message, Consumer<Subscriber> congested) {
    if (message.retain()) {
      retained.update(message);
    }
    List<Subscription> matches = trie.match(message.topic());
    if (matches.isEmpty()) {
      return 0;
    }
    Map<Subscriber, Delivery> bySubscriber = new IdentityHashMap<>(matches.size() * 2);
    for (Subscription s : matches) {
      SubscriptionOptions o = s.options();
      if (o.noLocal() && s.subscriber().id().equals(message.publisherId())) {
        continue; // [MQTT-3.8.3-3]
      }
      bySubscriber.computeIfAbsent(s.subscriber(), Delivery::new).add(o);
    }
    if (bySubscriber.isEmpty()) {
      return 0;
    }
    Context current = Vertx.currentContext();
    List<Delivery> inline = null;
    Map<Context, List<Delivery>> byContext = null;
    for (Delivery d : bySubscriber.values()) {
      Context ctx = d.subscriber.context();
      if (ctx == current) {
        if (inline == null) {
          inline = new ArrayList<>();
        }
        inline.add(d);
      } else {
        if (byContext == null) {
          byContext = new IdentityHashMap<>();
        }
        byContext.computeIfAbsent(ctx, c -> new ArrayList<>()).add(d);
      }
    }
    if (byContext != null) {
      for (Map.Entry<Context, List<Delivery>> e : byContext.entrySet()) {
        List<Delivery> batch = e.getValue();
        e.getKey().runOnContext(v -> {
          for (Delivery d : batch) {
            d.run(message);
          }
        });
      }
    }
    if (inline != null) {
      for (Delivery d : inline) {
        d.run(message);
      }
    }
    if (congested != null) {
      long now = System.nanoTime();
      for (Subscriber s : bySubscriber.keySet()) {
        if (s.wantsBackpressure(now) && !s.id().equals(message.publisherId())) {
          congested.accept(s);
        }
      }
    }
    return bySubscriber.size();
  }
}
