package io.vela.routing;

import io.vela.api.Message;
import io.vela.api.ShareGroup;
import io.vela.api.Subscriber;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One shared subscription group {@code $share/{shareName}/{filter}} inside a {@link SubscriptionTrie} node: its
 * members and the choice of the one member each message goes to.
 *
 * <p>Threading: members are a copy-on-write array, so {@link #choose} (the hot path, any event loop) reads without a
 * lock; {@link #add} and {@link #remove} run under the trie's write lock. The round-robin cursor is an atomic counter,
 * the sticky member a volatile reference; a race between two publishers only affects which member is chosen.
 */
public final class SharedGroup implements ShareGroup {

  /** A member: its subscription plus the subscription identifiers array sent with every delivery. */
  public record Member(Subscription subscription, int[] subscriptionIds) {

    Member(Subscription subscription) {
      this(subscription, subscription.options().subscriptionId() == 0 ? new int[0]
          : new int[] {subscription.options().subscriptionId()});
    }

    public Subscriber subscriber() {
      return subscription.subscriber();
    }

    /** Delivers {@code message} at min(published, granted) QoS [MQTT-4.8.2-3], RETAIN as this member asked. */
    void deliver(Message message, ShareGroup group) {
      subscriber().deliverShared(message, Math.min(message.qos(), subscription.options().qos()),
          subscription.options().retainAsPublished() && message.retain(), subscriptionIds, group);
    }
  }

  private static final Member[] NONE = new Member[0];

  private final String shareName;
  private final String filter;
  private final ShareStrategy strategy;
  private volatile Member[] members = NONE;
  private final AtomicInteger cursor = new AtomicInteger();
  private volatile Member sticky;

  public SharedGroup(String shareName, String filter, ShareStrategy strategy) {
    this.shareName = shareName;
    this.filter = filter;
    this.strategy = strategy;
  }

  @Override
  public String shareName() {
    return shareName;
  }

  @Override
  public String filter() {
    return filter;
  }

  public ShareStrategy strategy() {
    return strategy;
  }

  /** The members in the order they joined. */
  public Member[] members() {
    return members;
  }

  public boolean isEmpty() {
    return members.length == 0;
  }

  /**
   * Adds or replaces (same subscriber id) a member. Callers serialize changes.
   *
   * @return true if the subscriber was not a member before
   */
  boolean add(Subscription subscription) {
    Member m = new Member(subscription);
    Member[] current = members;
    String id = subscription.subscriber().id();
    for (int i = 0; i < current.length; i++) {
      if (current[i].subscriber().id().equals(id)) {
        Member[] next = current.clone();
        Member old = next[i];
        next[i] = m;
        members = next;
        if (sticky == old) {
          sticky = m;
        }
        return false;
      }
    }
    Member[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = m;
    members = next;
    return true;
  }

  /** Removes the member with this subscriber id; returns true if there was one. Callers serialize changes. */
  boolean remove(String subscriberId) {
    Member[] current = members;
    for (int i = 0; i < current.length; i++) {
      if (current[i].subscriber().id().equals(subscriberId)) {
        Member[] next = new Member[current.length - 1];
        System.arraycopy(current, 0, next, 0, i);
        System.arraycopy(current, i + 1, next, i, current.length - i - 1);
        Member old = current[i];
        members = next;
        if (sticky == old) {
          sticky = null;
        }
        return true;
      }
    }
    return false;
  }

  /**
   * The member that gets a message from {@code publisherId}, by the group's strategy, online members first; null
   * when the group is empty.
   */
  public Member choose(String publisherId) {
    Member[] m = members;
    int n = m.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return m[0];
    }
    return switch (strategy) {
      case ROUND_ROBIN -> roundRobin(m);
      case RANDOM -> firstOnlineFrom(m, ThreadLocalRandom.current().nextInt(n), null);
      case HASH_CLIENT_ID -> firstOnlineFrom(m, Math.floorMod(spread(publisherId.hashCode()), n), null);
      case STICKY -> sticky(m);
    };
  }

  /** Takes cursor positions until one names an online member, so offline members do not skew the turn. */
  private Member roundRobin(Member[] m) {
    int n = m.length;
    for (int i = 0; i < n; i++) {
      Member c = m[Math.floorMod(cursor.getAndIncrement(), n)];
      if (c.subscriber().online()) {
        return c;
      }
    }
    return m[Math.floorMod(cursor.getAndIncrement(), n)];
  }

  private Member sticky(Member[] m) {
    Member s = sticky;
    if (s != null && s.subscriber().online()) {
      return s;
    }
    Member chosen = roundRobin(m);
    if (s == null || chosen.subscriber().online()) {
      sticky = chosen; // a benign race: two publishers may each pick one, the last write stays
      return chosen;
    }
    return s; // nobody is online: stay with the sticky member, whose queue holds the message
  }

  /** The first online member at or after {@code start} (wrapping), skipping {@code except}; any member otherwise. */
  private static Member firstOnlineFrom(Member[] m, int start, Subscriber except) {
    int n = m.length;
    Member fallback = null;
    for (int i = 0; i < n; i++) {
      Member c = m[(start + i) % n];
      if (c.subscriber() == except) {
        continue;
      }
      if (c.subscriber().online()) {
        return c;
      }
      if (fallback == null) {
        fallback = c;
      }
    }
    return fallback;
  }

  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    return h ^ (h >>> 13);
  }

  /** Delivers to one member chosen for {@code publisherId}; returns false when the group has no member. */
  public boolean deliver(Message message) {
    Member m = choose(message.publisherId());
    if (m == null) {
      return false;
    }
    m.deliver(message, this);
    return true;
  }

  @Override
  public boolean redeliver(Message message, Subscriber leaving) {
    Member[] m = members;
    if (m.length == 0) {
      return false;
    }
    Member c = firstOnlineFrom(m, Math.floorMod(cursor.getAndIncrement(), m.length), leaving);
    if (c == null) {
      return false;
    }
    c.deliver(message, this);
    return true;
  }

  @Override
  public boolean redeliverToOnline(Message message, Subscriber leaving) {
    Member[] m = members;
    if (m.length == 0) {
      return false;
    }
    Member c = firstOnlineFrom(m, Math.floorMod(cursor.getAndIncrement(), m.length), leaving);
    if (c == null || !c.subscriber().online()) {
      return false;
    }
    c.deliver(message, this);
    return true;
  }

  @Override
  public String toString() {
    return sharedFilter() + " (" + members.length + " members, " + strategy + ")";
  }
}
