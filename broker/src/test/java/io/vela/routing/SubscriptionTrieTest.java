package io.vela.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vela.protocol.Topics;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscriptionTrieTest {

  record Sub(String id) implements Subscriber {
    @Override
    public Context context() {
      return null;
    }

    @Override
    public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
    }
  }

  private final SubscriptionTrie trie = new SubscriptionTrie();

  private void sub(String id, String filter) {
    trie.subscribe(new Subscription(new Sub(id), filter, SubscriptionOptions.qos(1)));
  }

  private Set<String> match(String topic) {
    return trie.match(topic).stream().map(s -> s.subscriber().id() + ":" + s.filter())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void exactAndWildcardMatches() {
    sub("a", "sport/tennis/player1");
    sub("b", "sport/tennis/+");
    sub("c", "sport/#");
    sub("d", "#");
    sub("e", "+/+/+");
    sub("f", "sport/football/+");
    assertThat(match("sport/tennis/player1"))
        .containsExactly("a:sport/tennis/player1", "b:sport/tennis/+", "c:sport/#", "d:#", "e:+/+/+");
    assertThat(match("sport")).containsExactly("c:sport/#", "d:#");
  }

  @Test
  @DisplayName("[MQTT-4.7.1-2] 'a/#' matches the parent level 'a'")
  void hashMatchesParent() {
    sub("a", "sport/tennis/player1/#");
    assertThat(match("sport/tennis/player1")).containsExactly("a:sport/tennis/player1/#");
    assertThat(match("sport/tennis")).isEmpty();
  }

  @Test
  @DisplayName("[MQTT-4.7.2-1] wildcard-first filters do not match $ topics")
  void dollarTopicsNotMatchedByLeadingWildcards() {
    sub("a", "#");
    sub("b", "+/broker/uptime");
    sub("c", "$SYS/#");
    assertThat(match("$SYS/broker/uptime")).containsExactly("c:$SYS/#");
  }

  @Test
  void subscribeReportsNewOnlyOnceAndReplaces() {
    Sub s = new Sub("x");
    assertThat(trie.subscribe(new Subscription(s, "a/b", SubscriptionOptions.qos(0)))).isTrue();
    assertThat(trie.subscribe(new Subscription(s, "a/b", SubscriptionOptions.qos(2)))).isFalse();
    assertThat(trie.size()).isEqualTo(1);
    assertThat(trie.match("a/b")).singleElement().satisfies(m -> assertThat(m.options().qos()).isEqualTo(2));
  }

  @Test
  void unsubscribeRemovesAndPrunes() {
    sub("x", "a/b/c");
    sub("y", "a/b/c");
    assertThat(trie.unsubscribe("x", "a/b/c")).isTrue();
    assertThat(trie.unsubscribe("x", "a/b/c")).isFalse();
    assertThat(trie.unsubscribe("x", "never/subscribed")).isFalse();
    assertThat(match("a/b/c")).containsExactly("y:a/b/c");
    assertThat(trie.unsubscribe("y", "a/b/c")).isTrue();
    assertThat(trie.size()).isZero();
    assertThat(match("a/b/c")).isEmpty();
  }

  @Test
  @DisplayName("the trie agrees with the reference matcher on random filters and topics")
  void agreesWithReferenceMatcher() {
    Random random = new Random(42);
    String[] words = {"a", "b", "c", "", "$x"};
    List<String> filters = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int levels = 1 + random.nextInt(4);
      StringBuilder f = new StringBuilder();
      for (int l = 0; l < levels; l++) {
        if (l > 0) {
          f.append('/');
        }
        int r = random.nextInt(10);
        if (r == 0 && l == levels - 1) {
          f.append('#');
        } else if (r < 3) {
          f.append('+');
        } else {
          f.append(words[random.nextInt(words.length)]);
        }
      }
      String filter = f.toString();
      if (Topics.isValidFilter(filter)) {
        filters.add(filter);
        sub("s" + i, filter);
      }
    }
    for (int i = 0; i < 400; i++) {
      int levels = 1 + random.nextInt(4);
      StringBuilder t = new StringBuilder();
      for (int l = 0; l < levels; l++) {
        if (l > 0) {
          t.append('/');
        }
        t.append(words[random.nextInt(words.length)]);
      }
      String topic = t.toString();
      if (!Topics.isValidTopicName(topic)) {
        continue;
      }
      Set<String> expected = new TreeSet<>();
      for (int k = 0; k < filters.size(); k++) {
        if (Topics.matches(filters.get(k), topic)) {
          expected.add(filters.get(k));
        }
      }
      Set<String> actual = trie.match(topic).stream().map(Subscription::filter)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(actual).as("topic %s", topic).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("matching while another thread subscribes and unsubscribes never fails and never loses a stable "
      + "subscription")
  void concurrentMatchAndChange() throws Exception {
    sub("stable", "load/+/x");
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      int i = 0;
      while (!stop.get() && i < 200_000) {
        String f = "load/" + (i % 50) + "/x";
        trie.subscribe(new Subscription(new Sub("w" + (i % 7)), f, SubscriptionOptions.qos(0)));
        trie.unsubscribe("w" + (i % 7), f);
        i++;
      }
    });
    writer.start();
    try {
      for (int i = 0; i < 50_000; i++) {
        assertThat(trie.match("load/" + (i % 50) + "/x")).anyMatch(s -> s.subscriber().id().equals("stable"));
      }
    } finally {
      stop.set(true);
      writer.join(10_000);
    }
  }
}
