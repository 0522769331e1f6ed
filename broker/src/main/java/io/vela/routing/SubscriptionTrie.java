package io.vela.routing;

import io.vela.protocol.SharedFilter;
import io.vela.protocol.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscription index: a trie over topic levels. Matching is lock-free and runs concurrently on every event loop;
 * changes (subscribe/unsubscribe) are serialized by one lock, which also makes pruning empty nodes safe. A reader that
 * races a change sees the trie either before or after it, never a torn node.
 *
 * <p>A shared subscription {@code $share/{name}/{filter}} lives in the node of {@code filter} as a member of that
 * node's {@link SharedGroup} named {@code name}; a match returns the group, which picks one member per message.
 */
public final class SubscriptionTrie {

  private static final String PLUS = "+";
  private static final String HASH = "#";
  private static final SharedGroup[] NO_GROUPS = new SharedGroup[0];

  private final Node root = new Node(null, null);
  private final AtomicInteger count = new AtomicInteger();
  private final ShareStrategy shareStrategy;

  private static final class Node {
    final Node parent;
    final String level;
    final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
    /** Keyed by subscriber id: one subscription per subscriber and filter. */
    final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>(2);
    /** Shared subscription groups on this node's filter (copy-on-write, usually empty). */
    volatile SharedGroup[] groups = NO_GROUPS;

    Node(Node parent, String level) {
      this.parent = parent;
      this.level = level;
    }

    boolean isEmpty() {
      return children.isEmpty() && subscriptions.isEmpty() && groups.length == 0;
    }

    SharedGroup group(String shareName) {
      for (SharedGroup g : groups) {
        if (g.shareName().equals(shareName)) {
          return g;
        }
      }
      return null;
    }
  }

  /** A trie whose shared subscription groups pick members round-robin. */
  public SubscriptionTrie() {
    this(ShareStrategy.ROUND_ROBIN);
  }

  public SubscriptionTrie(ShareStrategy shareStrategy) {
    this.shareStrategy = shareStrategy;
  }

  public ShareStrategy shareStrategy() {
    return shareStrategy;
  }

  /**
   * Adds or replaces the subscription of {@code subscription.subscriber()} to its filter; a valid
   * {@code $share/{name}/{filter}} joins (or updates the options in) that shared group.
   *
   * @return true if the subscriber had no subscription to this filter before
   */
  public boolean subscribe(Subscription subscription) {
    SharedFilter shared = shared(subscription.filter());
    synchronized (root) {
      Node node = root;
      for (String level : levels(shared == null ? subscription.filter() : shared.filter())) {
        Node parent = node;
        node = parent.children.computeIfAbsent(level, l -> new Node(parent, l));
      }
      boolean isNew;
      if (shared != null) {
        SharedGroup group = node.group(shared.shareName());
        if (group == null) {
          group = new SharedGroup(shared.shareName(), shared.filter(), shareStrategy);
          SharedGroup[] groups = Arrays.copyOf(node.groups, node.groups.length + 1);
          groups[groups.length - 1] = group;
          group.add(subscription);
          node.groups = groups; // published with its first member
          isNew = true;
        } else {
          isNew = group.add(subscription);
        }
      } else {
        isNew = node.subscriptions.put(subscription.subscriber().id(), subscription) == null;
      }
      if (isNew) {
        count.incrementAndGet();
      }
      return isNew;
    }
  }

  /** Removes the subscriber's subscription to {@code filter} (shared or not); returns true if there was one. */
  public boolean unsubscribe(String subscriberId, String filter) {
    SharedFilter shared = shared(filter);
    synchronized (root) {
      Node node = root;
      for (String level : levels(shared == null ? filter : shared.filter())) {
        node = node.children.get(level);
        if (node == null) {
          return false;
        }
      }
      if (shared != null) {
        SharedGroup group = node.group(shared.shareName());
        if (group == null || !group.remove(subscriberId)) {
          return false;
        }
        if (group.isEmpty()) {
          node.groups = Arrays.stream(node.groups).filter(g -> g != group).toArray(SharedGroup[]::new);
        }
      } else if (node.subscriptions.remove(subscriberId) == null) {
        return false;
      }
      count.decrementAndGet();
      while (node.parent != null && node.isEmpty()) {
        node.parent.children.remove(node.level, node);
        node = node.parent;
      }
      return true;
    }
  }

  /** The shared group {@code $share/{shareName}/{filter}}, or null when it has no members. */
  public SharedGroup group(String shareName, String filter) {
    Node node = root;
    for (String level : levels(filter)) {
      node = node.children.get(level);
      if (node == null) {
        return null;
      }
    }
    return node.group(shareName);
  }

  private static SharedFilter shared(String filter) {
    return Topics.isSharedFilter(filter) ? SharedFilter.parse(filter) : null;
  }

  /** Every non-shared subscription whose filter matches {@code topic} (a valid topic name). */
  public List<Subscription> match(String topic) {
    List<Subscription> out = new ArrayList<>(4);
    match(topic, out, null);
    return out;
  }

  /**
   * Adds every non-shared subscription whose filter matches {@code topic} to {@code out} and, unless {@code groups}
   * is null, every matching shared subscription group to {@code groups}.
   */
  public void match(String topic, List<Subscription> out, List<SharedGroup> groups) {
    String[] levels = levels(topic);
    boolean dollar = topic.startsWith("$");
    match(root, levels, 0, dollar, out, groups);
  }

  private static void match(Node node, String[] levels, int index, boolean dollar, List<Subscription> out,
                            List<SharedGroup> groups) {
    boolean wildcardsAllowed = !(index == 0 && dollar);
    if (index == levels.length) {
      collect(node, out, groups);
      // "a/#" also matches "a" [MQTT-4.7.1-2]
      Node hash = node.children.get(HASH);
      if (hash != null) {
        collect(hash, out, groups);
      }
      return;
    }
    if (wildcardsAllowed) {
      Node hash = node.children.get(HASH);
      if (hash != null) {
        collect(hash, out, groups);
      }
      Node plus = node.children.get(PLUS);
      if (plus != null) {
        match(plus, levels, index + 1, dollar, out, groups);
      }
    }
    Node exact = node.children.get(levels[index]);
    if (exact != null) {
      match(exact, levels, index + 1, dollar, out, groups);
    }
  }

  private static void collect(Node node, List<Subscription> out, List<SharedGroup> groups) {
    out.addAll(node.subscriptions.values());
    if (groups != null) {
      SharedGroup[] g = node.groups;
      if (g.length != 0) {
        groups.addAll(Arrays.asList(g));
      }
    }
  }

  /** Subscriptions, shared memberships included. */
  public int size() {
    return count.get();
  }

  static String[] levels(String topicOrFilter) {
    return topicOrFilter.split("/", -1);
  }
}
