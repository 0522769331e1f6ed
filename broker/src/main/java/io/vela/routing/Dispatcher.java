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
    /** Set when the publisher waits for this receiver's acknowledgement ({@link Subscriber#acknowledges}). */
    Promise<Void> acked;

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

    /**
     * Asks the subscriber whether the publisher must wait for it: a {@link ConfirmingSubscriber}'s confirmation, or
     * with {@code receiverAcks} the receiver's acknowledgement ({@link Subscriber#acknowledges}).
     */
    void ask(Message message, Consumer<Future<Void>> waits, boolean receiverAcks) {
      int q = Math.min(message.qos(), qos);
      if (q == 0) {
        return;
      }
      if (receiverAcks) {
        if (subscriber.acknowledges(q)) {
          acked = Promise.promise();
          waits.accept(acked.future());
        }
      } else if (subscriber instanceof ConfirmingSubscriber cs && cs.confirms(message, q)) {
        confirmed = Promise.promise();
        waits.accept(confirmed.future());
      }
    }

    void run(Message message) {
      int q = Math.min(message.qos(), qos);
      boolean retain = retainAsPublished && message.retain();
      if (acked != null) {
        subscriber.deliverAcknowledged(message, q, retain, subscriptionIds, group, acked);
      } else if (confirmed != null) {
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
    return publish(message, congested, confirmations, false);
  }

  /**
   * Routes {@code message} and hands {@code acks} one future per receiver that {@link Subscriber#acknowledges
   * acknowledges} deliveries (a persistent session at QoS 1 or 2), completed when it acknowledged the message, before
   * any delivery runs. For publishers that want more than routing (the Kafka bridge's offset commits).
   */
  public int publishAcknowledged(Message message, Consumer<Future<Void>> acks) {
    return publish(message, null, acks, true);
  }

  private int publish(Message message, Consumer<Subscriber> congested, Consumer<Future<Void>> confirmations,
                      boolean receiverAcks) {
    if (message.retain()) {
      retained.update(message);
    }
    Scratch scratch = SCRATCH.get();
    if (scratch.busy) {
      scratch = new Scratch(); // a delivery published again (an extension, a will): this thread's lists are in use
    }
    scratch.busy = true;
    try {
      return route(message, congested, confirmations, receiverAcks, scratch);
    } finally {
      scratch.clear();
    }
  }

  private int route(Message message, Consumer<Subscriber> congested, Consumer<Future<Void>> confirmations,
                    boolean receiverAcks, Scratch scratch) {
    List<Subscription> matches = scratch.matches;
    List<SharedGroup> groups = scratch.groups;
    trie.match(message.topic(), matches, groups);
    if (matches.isEmpty() && groups.isEmpty()) {
      return 0;
    }
    if (groups.isEmpty() && matches.size() == 1) {
      return publishToOne(message, matches.get(0), congested, confirmations, receiverAcks);
    }
    // one delivery per subscriber: its Subscription when only one of its filters matched (nothing allocated), a
    // Delivery aggregating the options when several did [MQTT-3.3.4-2]
    List<Object> items = scratch.items;
    Map<Subscriber, Boolean> seen = scratch.seen;
    for (Subscription s : matches) {
      SubscriptionOptions o = s.options();
      if (o.noLocal() && s.subscriber().id().equals(message.publisherId())) {
        continue; // [MQTT-3.8.3-3]
      }
      if (seen.put(s.subscriber(), Boolean.TRUE) == null) {
        items.add(s);
      } else {
        int at = indexOf(items, s.subscriber()); // overlapping filters of one subscriber: rare
        Object first = items.get(at);
        Delivery d;
        if (first instanceof Subscription one) {
          d = new Delivery(one.subscriber());
          d.add(one.options());
          items.set(at, d);
        } else {
          d = (Delivery) first;
        }
        d.add(o);
      }
    }
    for (SharedGroup g : groups) {
      // one member per group and message (MQTT 5 4.8.2); No Local cannot be set on a shared subscription
      SharedGroup.Member m = g.choose(message.publisherId());
      if (m != null) {
        Delivery d = new Delivery(m.subscriber(), g);
        SubscriptionOptions o = m.subscription().options();
        d.qos = o.qos();
        d.retainAsPublished = o.retainAsPublished();
        d.subscriptionIds = m.subscriptionIds(); // shared, never written
        items.add(d);
      }
    }
    int count = items.size();
    if (count == 0) {
      return 0;
    }
    if (confirmations != null && message.qos() > 0) {
      askConfirmations(items, message, confirmations, receiverAcks);
    }
    // group by the subscribers' contexts: one task per other context, the current one inline after them
    Context current = Vertx.currentContext();
    List<Context> contexts = scratch.contexts;
    int[] perContext = scratch.perContext(count);
    int[] contextOf = scratch.contextOf(count);
    for (int i = 0; i < count; i++) {
      Context ctx = subscriberOf(items.get(i)).context();
      int c = contexts.indexOf(ctx);
      if (c < 0) {
        c = contexts.size();
        contexts.add(ctx);
        perContext[c] = 0;
      }
      perContext[c]++;
      contextOf[i] = c;
    }
    for (int c = 0; c < contexts.size(); c++) {
      Context ctx = contexts.get(c);
      if (ctx == current) {
        continue;
      }
      Object[] batch = new Object[perContext[c]];
      int n = 0;
      for (int i = 0; i < count; i++) {
        if (contextOf[i] == c) {
          batch[n++] = items.get(i);
        }
      }
      ctx.runOnContext(v -> {
        for (Object item : batch) {
          run(item, message);
        }
      });
    }
    int currentIndex = contexts.indexOf(current);
    if (currentIndex >= 0) {
      for (int i = 0; i < count; i++) {
        if (contextOf[i] == currentIndex) {
          run(items.get(i), message);
        }
      }
    }
    if (congested != null) {
      long now = System.nanoTime();
      for (int i = 0; i < count; i++) {
        reportCongestion(subscriberOf(items.get(i)), message, now, congested);
      }
    }
    return count;
  }

  /** Lets every {@link ConfirmingSubscriber} among the deliveries hold the publisher's acknowledgement back. */
  private static void askConfirmations(List<Object> items, Message message, Consumer<Future<Void>> confirmations,
                                       boolean receiverAcks) {
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      Subscriber subscriber = subscriberOf(item);
      if (!mayWaitFor(subscriber, receiverAcks)) {
        continue;
      }
      Delivery d;
      if (item instanceof Subscription s) {
        d = new Delivery(s.subscriber());
        d.add(s.options());
        items.set(i, d);
      } else {
        d = (Delivery) item;
      }
      d.ask(message, confirmations, receiverAcks);
    }
  }

  /** Whether the publisher might wait for {@code s} (asked precisely per message by {@code Delivery.ask}). */
  private static boolean mayWaitFor(Subscriber s, boolean receiverAcks) {
    return receiverAcks ? s.acknowledges(1) : s instanceof ConfirmingSubscriber;
  }

  private static int indexOf(List<Object> items, Subscriber subscriber) {
    for (int i = 0; i < items.size(); i++) {
      if (subscriberOf(items.get(i)) == subscriber) {
        return i;
      }
    }
    throw new IllegalStateException("subscriber seen but not listed");
  }

  private static Subscriber subscriberOf(Object item) {
    return item instanceof Subscription s ? s.subscriber() : ((Delivery) item).subscriber;
  }

  private static void run(Object item, Message message) {
    if (item instanceof Subscription s) {
      deliver(s, message);
    } else {
      ((Delivery) item).run(message);
    }
  }

  /** A delivery for the only matching subscription of its subscriber. */
  private static void deliver(Subscription s, Message message) {
    SubscriptionOptions o = s.options();
    int id = o.subscriptionId();
    s.subscriber().deliver(message, Math.min(message.qos(), o.qos()), o.retainAsPublished() && message.retain(),
        id == 0 ? NO_IDS : new int[] {id});
  }

  /**
   * Lists one routing reuses on its thread, so routing a message allocates (almost) nothing of its own; a routing
   * that starts while another is running on the same thread gets fresh ones.
   */
  private static final class Scratch {
    boolean busy;
    final List<Subscription> matches = new ArrayList<>(16);
    final List<SharedGroup> groups = new ArrayList<>(4);
    final List<Object> items = new ArrayList<>(16);
    final Map<Subscriber, Boolean> seen = new IdentityHashMap<>();
    final List<Context> contexts = new ArrayList<>(4);
    private int[] perContext = new int[16];
    private int[] contextOf = new int[16];

    int[] perContext(int n) {
      if (perContext.length < n) {
        perContext = new int[Math.max(n, perContext.length * 2)];
      }
      return perContext;
    }

    int[] contextOf(int n) {
      if (contextOf.length < n) {
        contextOf = new int[Math.max(n, contextOf.length * 2)];
      }
      return contextOf;
    }

    void clear() {
      matches.clear();
      groups.clear();
      items.clear();
      if (!seen.isEmpty()) {
        seen.clear();
      }
      contexts.clear();
      busy = false;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The common case of exactly one matching (non-shared) subscription: no maps, no lists. */
  private static int publishToOne(Message message, Subscription s, Consumer<Subscriber> congested,
                                  Consumer<Future<Void>> confirmations, boolean receiverAcks) {
    SubscriptionOptions o = s.options();
    if (o.noLocal() && s.subscriber().id().equals(message.publisherId())) {
      return 0; // [MQTT-3.8.3-3]
    }
    Context ctx = s.subscriber().context();
    if (confirmations != null && message.qos() > 0
        && mayWaitFor(s.subscriber(), receiverAcks)) {
      Delivery d = new Delivery(s.subscriber());
      d.add(o);
      d.ask(message, confirmations, receiverAcks);
      if (ctx == Vertx.currentContext()) {
        d.run(message);
      } else {
        ctx.runOnContext(v -> d.run(message));
      }
    } else if (ctx == Vertx.currentContext()) {
      deliver(s, message);
    } else {
      ctx.runOnContext(v -> deliver(s, message));
    }
    if (congested != null) {
      reportCongestion(s.subscriber(), message, System.nanoTime(), congested);
    }
    return 1;
  }

  private static void reportCongestion(Subscriber s, Message message, long now, Consumer<Subscriber> congested) {
    if (s.wantsBackpressure(now) && !s.id().equals(message.publisherId())) {
      congested.accept(s);
    }
  }
}
