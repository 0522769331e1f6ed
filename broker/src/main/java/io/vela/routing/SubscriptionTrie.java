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
  private static final Subscription[] NO_SUBSCRIPTIONS = new Subscription[0];
  /** Nodes with more subscriptions than this are matched by iterating their map (no O(n) copy per subscribe). */
  static final int SNAPSHOT_LIMIT = 64;
  /** Per-thread state of a match (level boundaries and the lookup key), so matching allocates nothing. */
  private static final ThreadLocal<TopicWalk> WALKS = ThreadLocal.withInitial(TopicWalk::new);

  private final Node root = new Node(null, null);
  private final AtomicInteger count = new AtomicInteger();
  private final ShareStrategy shareStrategy;

  private static final class Node {
    final Node parent;
    final String level;
    final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
    /** Keyed by subscriber id: one subscription per subscriber and filter. */
    final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>(2);
    /**
     * The same subscriptions as an array for matching without an iterator (copy-on-write, written under the trie's
     * lock), while there are at most {@link #SNAPSHOT_LIMIT}; null above that (matching then iterates the map).
     */
    volatile Subscription[] snapshot = NO_SUBSCRIPTIONS;
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
        node.snapshot = snapshot(node);
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
      } else {
        node.snapshot = snapshot(node);
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

  /** The array form of a node's subscriptions, or null when there are too many (called under the lock). */
  private static Subscription[] snapshot(Node node) {
    int n = node.subscriptions.size();
    if (n == 0) {
      return NO_SUBSCRIPTIONS;
    }
    return n > SNAPSHOT_LIMIT ? null : node.subscriptions.values().toArray(NO_SUBSCRIPTIONS);
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
    TopicWalk walk = WALKS.get();
    walk.reset(topic);
    match(root, walk, 0, topic.startsWith("$"), out, groups);
  }

  private static void match(Node node, TopicWalk walk, int index, boolean dollar, List<Subscription> out,
                            List<SharedGroup> groups) {
    boolean wildcardsAllowed = !(index == 0 && dollar);
    if (index == walk.levels) {
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
        match(plus, walk, index + 1, dollar, out, groups);
      }
    }
    Node exact = node.children.get(walk.level(index));
    if (exact != null) {
      match(exact, walk, index + 1, dollar, out, groups);
    }
  }

  private static void collect(Node node, List<Subscription> out, List<SharedGroup> groups) {
    Subscription[] snapshot = node.snapshot;
    if (snapshot != null) {
      for (Subscription s : snapshot) {
        out.add(s);
      }
    } else {
      out.addAll(node.subscriptions.values());
    }
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

  /**
   * The levels of one topic name as offsets into it, and a lookup key for a child node that stands for one level
   * without a substring: a {@link ConcurrentHashMap#get} with it finds the child whose String key has the same
   * characters (the map calls {@code probe.equals(storedKey)} and uses {@code probe.hashCode()}, which is
   * {@link String#hashCode()} of the level).
   */
  private static final class TopicWalk {
    int levels;
    private String topic;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int[] hashes = new int[16];
    private final LevelKey key = new LevelKey();

    /** Finds the levels of {@code topic} and the String hash of each, in one pass. */
    void reset(String topic) {
      this.topic = topic;
      int n = 0;
      int start = 0;
      int h = 0;
      int length = topic.length();
      for (int i = 0; i <= length; i++) {
        char c = i < length ? topic.charAt(i) : '/';
        if (c != '/') {
          h = 31 * h + c;
          continue;
        }
        if (n == starts.length) {
          starts = Arrays.copyOf(starts, n * 2);
          ends = Arrays.copyOf(ends, n * 2);
          hashes = Arrays.copyOf(hashes, n * 2);
        }
        starts[n] = start;
        ends[n] = i;
        hashes[n] = h;
        n++;
        start = i + 1;
        h = 0;
      }
      levels = n;
    }

    /** The key for level {@code i}; valid until the next call. */
    Object level(int i) {
      key.set(topic, starts[i], ends[i] - starts[i], hashes[i]);
      return key;
    }
  }

  /** One level of a topic name as a map key that equals the String of the same characters. */
  private static final class LevelKey {
    private String topic;
    private int start;
    private int length;
    private int hash;

    void set(String topic, int start, int length, int hash) {
      this.topic = topic;
      this.start = start;
      this.length = length;
      this.hash = hash;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof String s && s.length() == length && topic.regionMatches(start, s, 0, length);
    }

    @Override
    public String toString() {
      return topic.substring(start, start + length);
    }
  }
}
