package io.vela.bench.jmh;

import io.vela.api.SubscriptionOptions;
import io.vela.routing.Subscription;
import io.vela.routing.SubscriptionTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SubscriptionTrie} match and subscribe/unsubscribe with N filters. Topics look like
 * {@code site/S/dev/D/temp} (100 sites). "exact": every filter is a full topic name. "wildcard": a mix of
 * {@code site/S/dev/D/#}, {@code site/+/dev/D/temp}, {@code +/S/dev/D/+} and one in 16 of
 * {@code site/S/+/+/temp}, so a topic usually matches several filters. 1 M filters: {@code -p filters=1000000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrieBenchmark {

  @Param({"1000", "100000"})
  public int filters;

  @Param({"exact", "wildcard"})
  public String shape;

  private SubscriptionTrie trie;
  private String[] topics;
  private final List<Subscription> out = new ArrayList<>(64);
  private int next;
  private Subscription extra;

  @Setup(Level.Trial)
  public void setUp() {
    trie = new SubscriptionTrie();
    FakeSubscriber[] subscribers = new FakeSubscriber[Math.min(filters, 10_000)];
    for (int i = 0; i < subscribers.length; i++) {
      subscribers[i] = new FakeSubscriber("c" + i, null);
    }
    SubscriptionOptions qos1 = SubscriptionOptions.qos(1);
    for (int i = 0; i < filters; i++) {
      String filter = filter(i);
      trie.subscribe(new Subscription(subscribers[i % subscribers.length], filter, qos1));
    }
    topics = new String[4096];
    for (int i = 0; i < topics.length; i++) {
      int d = (int) ((i * 2654435761L) % filters);
      topics[i] = "site/" + (d % 100) + "/dev/" + d + "/temp";
    }
    extra = new Subscription(new FakeSubscriber("extra", null), "site/7/dev/extra/+", qos1);
  }

  private String filter(int i) {
    String s = Integer.toString(i % 100);
    String d = Integer.toString(i);
    if ("exact".equals(shape)) {
      return "site/" + s + "/dev/" + d + "/temp";
    }
    return switch (i & 3) {
      case 0 -> "site/" + s + "/dev/" + d + "/#";
      case 1 -> "site/+/dev/" + d + "/temp";
      case 2 -> (i & 15) == 2 ? "site/" + s + "/+/+/temp" : "+/" + s + "/dev/" + d + "/+";
      default -> "+/" + s + "/dev/" + d + "/+";
    };
  }

  /** One lookup; returns the number of matching subscriptions. */
  @Benchmark
  public int match() {
    out.clear();
    trie.match(topics[next++ & (topics.length - 1)], out, null);
    return out.size();
  }

  /** One subscribe and one unsubscribe of a wildcard filter (the trie keeps its size). */
  @Benchmark
  public boolean subscribeUnsubscribe() {
    trie.subscribe(extra);
    return trie.unsubscribe("extra", extra.filter());
  }
}
