package io.vela.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vela.api.Message;
import io.vela.api.ShareGroup;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Member choice of shared subscription groups, their place in the trie, and shared routing in the dispatcher. */
class SharedGroupTest {

  /** A subscriber that records what it is given; {@code online} can be switched. */
  static final class Member implements Subscriber {
    final String id;
    boolean online = true;
    final List<String> received = new ArrayList<>();
    final List<ShareGroup> groups = new ArrayList<>();

    Member(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Context context() {
      return null; // inline delivery in the dispatcher (no Vert.x context in a unit test)
    }

    @Override
    public boolean online() {
      return online;
    }

    @Override
    public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
      received.add(new String(message.payload()) + "/qos" + qos);
      groups.add(null);
    }

    @Override
    public void deliverShared(Message message, int qos, boolean retainFlag, int[] subscriptionIds, ShareGroup g) {
      received.add(new String(message.payload()) + "/qos" + qos + "/shared");
      groups.add(g);
    }
  }

  private static SharedGroup group(ShareStrategy strategy, Member... members) {
    SharedGroup g = new SharedGroup("g", "t/#", strategy);
    for (Member m : members) {
      g.add(new Subscription(m, "$share/g/t/#", SubscriptionOptions.qos(1)));
    }
    return g;
  }

  private static Map<String, Integer> counts(SharedGroup g, int messages, String publisher) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < messages; i++) {
      counts.merge(g.choose(publisher).subscriber().id(), 1, Integer::sum);
    }
    return counts;
  }

  private static Message message(String payload, String publisher) {
    return Message.of("t/x", payload.getBytes(), 1, false, publisher);
  }

  @Test
  @DisplayName("round-robin: 3 members x 30 messages -> 10 each")
  void roundRobinIsEven() {
    SharedGroup g = group(ShareStrategy.ROUND_ROBIN, new Member("a"), new Member("b"), new Member("c"));
    assertThat(counts(g, 30, "p")).containsOnly(Map.entry("a", 10), Map.entry("b", 10), Map.entry("c", 10));
  }

  @Test
  @DisplayName("round-robin skips offline members; with nobody online it still picks a member (its queue holds it)")
  void roundRobinPrefersOnlineMembers() {
    Member a = new Member("a");
    Member b = new Member("b");
    Member c = new Member("c");
    SharedGroup g = group(ShareStrategy.ROUND_ROBIN, a, b, c);
    b.online = false;
    assertThat(counts(g, 30, "p")).containsOnly(Map.entry("a", 15), Map.entry("c", 15));
    a.online = false;
    c.online = false;
    assertThat(g.choose("p")).isNotNull();
  }

  @Test
  @DisplayName("random: always exactly one member, online ones first, and over many messages every member")
  void randomPicksOneOnlineMember() {
    Member a = new Member("a");
    Member b = new Member("b");
    Member c = new Member("c");
    SharedGroup g = group(ShareStrategy.RANDOM, a, b, c);
    assertThat(counts(g, 300, "p").keySet()).containsExactlyInAnyOrder("a", "b", "c");
    a.online = false;
    assertThat(counts(g, 100, "p").keySet()).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  @DisplayName("sticky: one member until it leaves or goes offline, then another one sticks")
  void stickyStaysUntilTheMemberLeaves() {
    Member a = new Member("a");
    Member b = new Member("b");
    Member c = new Member("c");
    SharedGroup g = group(ShareStrategy.STICKY, a, b, c);
    String first = g.choose("p").subscriber().id();
    assertThat(counts(g, 20, "p")).containsOnly(Map.entry(first, 20));

    g.remove(first);
    String second = g.choose("p").subscriber().id();
    assertThat(second).isNotEqualTo(first);
    assertThat(counts(g, 20, "other publisher")).containsOnly(Map.entry(second, 20));

    Member secondMember = second.equals("a") ? a : second.equals("b") ? b : c;
    secondMember.online = false;
    String third = g.choose("p").subscriber().id();
    assertThat(third).isNotIn(first, second);
    assertThat(counts(g, 10, "p")).containsOnly(Map.entry(third, 10));
  }

  @Test
  @DisplayName("sticky: when nobody is online the sticky member keeps getting messages")
  void stickyKeepsAnOfflineMemberWhenNobodyIsOnline() {
    Member a = new Member("a");
    Member b = new Member("b");
    SharedGroup g = group(ShareStrategy.STICKY, a, b);
    Member first = (Member) g.choose("p").subscriber();
    a.online = false;
    b.online = false;
    assertThat(counts(g, 10, "p")).containsOnly(Map.entry(first.id, 10));
  }

  @Test
  @DisplayName("hash-client-id: all messages of one publisher go to one member; publishers spread over members")
  void hashByPublisherClientId() {
    SharedGroup g = group(ShareStrategy.HASH_CLIENT_ID, new Member("a"), new Member("b"), new Member("c"));
    Set<String> chosen = new HashSet<>();
    for (int p = 0; p < 60; p++) {
      Map<String, Integer> c = counts(g, 5, "publisher-" + p);
      assertThat(c).hasSize(1);
      chosen.addAll(c.keySet());
    }
    assertThat(chosen).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  @DisplayName("redeliver gives the message to another member, online first, never to the leaving one")
  void redeliverSkipsTheLeavingMember() {
    Member a = new Member("a");
    Member b = new Member("b");
    Member c = new Member("c");
    SharedGroup g = group(ShareStrategy.ROUND_ROBIN, a, b, c);
    b.online = false;
    for (int i = 0; i < 6; i++) {
      assertThat(g.redeliver(message("m" + i, "p"), a)).isTrue();
    }
    assertThat(a.received).isEmpty();
    assertThat(b.received).isEmpty();
    assertThat(c.received).hasSize(6).allMatch(r -> r.endsWith("/shared"));
    assertThat(c.groups).containsOnly(g);

    c.online = false;
    assertThat(g.redeliverToOnline(message("x", "p"), a)).as("nobody else online").isFalse();
    assertThat(g.redeliver(message("y", "p"), a)).as("an offline member queues it").isTrue();
    g.remove("b");
    g.remove("c");
    assertThat(g.redeliver(message("z", "p"), a)).as("the leaving member is the only one").isFalse();
  }

  @Test
  @DisplayName("trie: a shared subscription joins the group of its filter's node; match returns the group; the group "
      + "goes when its last member leaves; resubscribing replaces the member's options")
  void sharedSubscriptionsInTheTrie() {
    SubscriptionTrie trie = new SubscriptionTrie(ShareStrategy.ROUND_ROBIN);
    Member a = new Member("a");
    Member b = new Member("b");
    assertThat(trie.subscribe(new Subscription(a, "$share/g/t/+", SubscriptionOptions.qos(1)))).isTrue();
    assertThat(trie.subscribe(new Subscription(b, "$share/g/t/+", SubscriptionOptions.qos(1)))).isTrue();
    assertThat(trie.subscribe(new Subscription(b, "$share/g/t/+", SubscriptionOptions.qos(2)))).isFalse();
    assertThat(trie.subscribe(new Subscription(a, "$share/h/t/+", SubscriptionOptions.qos(0)))).isTrue();
    assertThat(trie.subscribe(new Subscription(a, "t/+", SubscriptionOptions.qos(0)))).isTrue();
    assertThat(trie.size()).isEqualTo(4);

    List<Subscription> subs = new ArrayList<>();
    List<SharedGroup> groups = new ArrayList<>();
    trie.match("t/x", subs, groups);
    assertThat(subs).extracting(Subscription::filter).containsExactly("t/+");
    assertThat(groups).extracting(ShareGroup::sharedFilter).containsExactlyInAnyOrder("$share/g/t/+",
        "$share/h/t/+");
    assertThat(trie.match("t/x")).as("the plain match has no shared members").hasSize(1);
    SharedGroup g = trie.group("g", "t/+");
    assertThat(g.members()).extracting(m -> m.subscription().options().qos()).containsExactly(1, 2);

    assertThat(trie.unsubscribe("a", "$share/g/t/+")).isTrue();
    assertThat(trie.unsubscribe("a", "$share/g/t/+")).isFalse();
    assertThat(trie.unsubscribe("b", "$share/g/t/+")).isTrue();
    assertThat(trie.group("g", "t/+")).isNull();
    assertThat(trie.unsubscribe("a", "$share/h/t/+")).isTrue();
    assertThat(trie.unsubscribe("a", "t/+")).isTrue();
    assertThat(trie.size()).isZero();
    subs.clear();
    groups.clear();
    trie.match("t/x", subs, groups);
    assertThat(subs).isEmpty();
    assertThat(groups).isEmpty();
  }

  @Test
  @DisplayName("dispatcher: each group delivers to one member; the same client's non-shared subscription gets its own "
      + "copy; No Local is not applied to shared subscriptions")
  void dispatcherDeliversOncePerGroup() {
    SubscriptionTrie trie = new SubscriptionTrie(ShareStrategy.ROUND_ROBIN);
    Dispatcher dispatcher = new Dispatcher(trie, new RetainedStore());
    Member a = new Member("a");
    Member b = new Member("b");
    trie.subscribe(new Subscription(a, "$share/g/t/#", SubscriptionOptions.qos(1)));
    trie.subscribe(new Subscription(b, "$share/g/t/#", SubscriptionOptions.qos(0)));
    trie.subscribe(new Subscription(a, "t/x", SubscriptionOptions.qos(1)));

    int total = 0;
    for (int i = 0; i < 4; i++) {
      total += dispatcher.publish(message("m" + i, "a"));
    }

    assertThat(total).as("one plain copy and one shared copy per message").isEqualTo(8);
    assertThat(a.received.stream().filter(r -> !r.endsWith("/shared"))).hasSize(4);
    assertThat(a.received.stream().filter(r -> r.endsWith("/shared"))).hasSize(2);
    assertThat(b.received).hasSize(2).allMatch(r -> r.endsWith("/qos0/shared"));
  }
}
