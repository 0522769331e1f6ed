package io.vela.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscription index: a trie over topic levels. Matching is lock-free and runs concurrently on every event loop;
 * changes (subscribe/unsubscribe) are serialized by one lock, which also makes pruning empty nodes safe. A reader that
 * races a change sees the trie either before or after it, never a torn node.
 */
public final class SubscriptionTrie {

  private static final String PLUS = "+";
  private static final String HASH = "#";

  private final Node root = new Node(null, null);
  private final AtomicInteger count = new AtomicInteger();

  private static final class Node {
    final Node parent;
    final String level;
    final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
    /** Keyed by subscriber id: one subscription per subscriber and filter. */
    final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>(2);

    Node(Node parent, String level) {
      this.parent = parent;
      this.level = level;
    }

    boolean isEmpty() {
      return children.isEmpty() && subscriptions.isEmpty();
    }
  }

  /**
   * Adds or replaces the subscription of {@code subscription.subscriber()} to its filter.
   *
   * @return true if the subscriber had no subscription to this filter before
   */
  public boolean subscribe(Subscription subscription) {
    synchronized (root) {
      Node node = root;
      for (String level : levels(subscription.filter())) {
        Node parent = node;
        node = parent.children.computeIfAbsent(level, l -> new Node(parent, l));
      }
      Subscription previous = node.subscriptions.put(subscription.subscriber().id(), subscription);
      if (previous == null) {
        count.incrementAndGet();
      }
      return previous == null;
    }
  }

  /** Removes the subscriber's subscription to {@code filter}; returns true if there was one. */
  public boolean unsubscribe(String subscriberId, String filter) {
    synchronized (root) {
      Node node = root;
      for (String level : levels(filter)) {
        node = node.children.get(level);
        if (node == null) {
          return false;
        }
      }
      if (node.subscriptions.remove(subscriberId) == null) {
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

  /** Every subscription whose filter matches {@code topic} (a valid topic name). */
  public List<Subscription> match(String topic) {
    List<Subscription> out = new ArrayList<>(4);
    String[] levels = levels(topic);
    boolean dollar = topic.startsWith("$");
    match(root, levels, 0, dollar, out);
    return out;
  }

  private static void match(Node node, String[] levels, int index, boolean dollar, List<Subscription> out) {
    boolean wildcardsAllowed = !(index == 0 && dollar);
    if (index == levels.length) {
      out.addAll(node.subscriptions.values());
      // "a/#" also matches "a" [MQTT-4.7.1-2]
      Node hash = node.children.get(HASH);
      if (hash != null) {
        out.addAll(hash.subscriptions.values());
      }
      return;
    }
    if (wildcardsAllowed) {
      Node hash = node.children.get(HASH);
      if (hash != null) {
        out.addAll(hash.subscriptions.values());
      }
      Node plus = node.children.get(PLUS);
      if (plus != null) {
        match(plus, levels, index + 1, dollar, out);
      }
    }
    Node exact = node.children.get(levels[index]);
    if (exact != null) {
      match(exact, levels, index + 1, dollar, out);
    }
  }

  public int size() {
    return count.get();
  }

  static String[] levels(String topicOrFilter) {
    return topicOrFilter.split("/", -1);
  }
}
