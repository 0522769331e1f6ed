package io.vela.routing;

import io.vela.api.ConfirmingSubscriber;
import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Routes one PUBLISH: retained update, trie match, one copy per subscriber at the highest matching QoS, deliveries
 * grouped by the subscriber's context — inline for the publisher's own context, one task per other context. The
 * message object (and its payload) is shared by every delivery. Each matching shared subscription group adds one
 * delivery to the one member it picks.
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

  /**
   * A subscriber's aggregated delivery: highest QoS, retain-as-published if any matching subscription says so. A
   * delivery for a shared group stands alone (a non-shared subscription of the same client gets its own copy).
   */
  private static final class Delivery {
    final Subscriber subscriber;
    final SharedGroup group;
    int qos;
    boolean retainAsPublished;
    int[] subscriptionIds = NO_IDS;
    /** Set when the publisher's acknowledgement waits for a {@link ConfirmingSubscriber}. */
    Promise<Void> confirmed;

    Delivery(Subscriber subscriber) {
      this(subscriber, null);
    }

    Delivery(Subscriber subscriber, SharedGroup group) {
      this.subscriber = subscriber;
      this.group = group;
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

    /** Asks a {@link ConfirmingSubscriber} whether the publisher's acknowledgement must wait for it. */
    void askConfirmation(Message message, Consumer<Future<Void>> confirmations) {
      int q = Math.min(message.qos(), qos);
      if (q > 0 && subscriber instanceof ConfirmingSubscriber cs && cs.confirms(message, q)) {
        confirmed = Promise.promise();
        confirmations.accept(confirmed.future());
      }
    }

    void run(Message message) {
      int q = Math.min(message.qos(), qos);
      boolean retain = retainAsPublished && message.retain();
      if (confirmed != null) {
        ((ConfirmingSubscriber) subscriber).deliverConfirmed(message, q, retain, subscriptionIds, confirmed);
      } else if (group == null) {
        subscriber.deliver(message, q, retain, subscriptionIds);
      } else {
        subscriber.deliverShared(message, q, retain, subscriptionIds, group);
      }
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
   * @return how many deliveries were made (subscribers plus shared groups)
   */
  public int publish(Message message, Consumer<Subscriber> congested) {
    return publish(message, congested, null);
  }

  /**
   * Routes {@code message} like {@link #publish(Message, Consumer)} and hands {@code confirmations} (when not null)
   * one future per {@link ConfirmingSubscriber} that wants the publisher's acknowledgement to wait for it, before
   * any delivery runs. Ordinary subscribers cost nothing extra.
   */
  public int publish(Message message, Consumer<Subscriber> congested, Consumer<Future<Void>> confirmations) {
    if (message.retain()) {
      retained.update(message);
    }
    List<Subscription> matches = new ArrayList<>(4);
    List<SharedGroup> groups = new ArrayList<>(0);
    trie.match(message.topic(), matches, groups);
    if (matches.isEmpty() && groups.isEmpty()) {
      return 0;
    }
    if (groups.isEmpty() && matches.size() == 1) {
      return publishToOne(message, matches.get(0), congested, confirmations);
    }
    Map<Subscriber, Delivery> bySubscriber = new IdentityHashMap<>(matches.size() * 2);
    for (Subscription s : matches) {
      SubscriptionOptions o = s.options();
      if (o.noLocal() && s.subscriber().id().equals(message.publisherId())) {
        continue; // [MQTT-3.8.3-3]
      }
      bySubscriber.computeIfAbsent(s.subscriber(), Delivery::new).add(o);
    }
    List<Delivery> deliveries = new ArrayList<>(bySubscriber.size() + groups.size());
    deliveries.addAll(bySubscriber.values());
    for (SharedGroup g : groups) {
      // one member per group and message (MQTT 5 4.8.2); No Local cannot be set on a shared subscription
      SharedGroup.Member m = g.choose(message.publisherId());
      if (m != null) {
        Delivery d = new Delivery(m.subscriber(), g);
        SubscriptionOptions o = m.subscription().options();
        d.qos = o.qos();
        d.retainAsPublished = o.retainAsPublished();
        d.subscriptionIds = m.subscriptionIds(); // shared, never written
        deliveries.add(d);
      }
    }
    if (deliveries.isEmpty()) {
      return 0;
    }
    if (confirmations != null && message.qos() > 0) {
      for (Delivery d : deliveries) {
        d.askConfirmation(message, confirmations);
      }
    }
    Context current = Vertx.currentContext();
    List<Delivery> inline = null;
    Map<Context, List<Delivery>> byContext = null;
    for (Delivery d : deliveries) {
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
      for (Delivery d : deliveries) {
        reportCongestion(d.subscriber, message, now, congested);
      }
    }
    return deliveries.size();
  }

  /** The common case of exactly one matching (non-shared) subscription: no maps, no lists. */
  private static int publishToOne(Message message, Subscription s, Consumer<Subscriber> congested,
                                  Consumer<Future<Void>> confirmations) {
    SubscriptionOptions o = s.options();
    if (o.noLocal() && s.subscriber().id().equals(message.publisherId())) {
      return 0; // [MQTT-3.8.3-3]
    }
    Delivery d = new Delivery(s.subscriber());
    d.add(o);
    if (confirmations != null && message.qos() > 0) {
      d.askConfirmation(message, confirmations);
    }
    Context ctx = d.subscriber.context();
    if (ctx == Vertx.currentContext()) {
      d.run(message);
    } else {
      ctx.runOnContext(v -> d.run(message));
    }
    if (congested != null) {
      reportCongestion(d.subscriber, message, System.nanoTime(), congested);
    }
    return 1;
  }

  private static void reportCongestion(Subscriber s, Message message, long now, Consumer<Subscriber> congested) {
    if (s.wantsBackpressure(now) && !s.id().equals(message.publisherId())) {
      congested.accept(s);
    }
  }
}
