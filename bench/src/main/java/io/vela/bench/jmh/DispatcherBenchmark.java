package io.vela.bench.jmh;

import io.vela.api.Message;
import io.vela.api.SubscriptionOptions;
import io.vela.routing.Dispatcher;
import io.vela.routing.RetainedStore;
import io.vela.routing.Subscription;
import io.vela.routing.SubscriptionTrie;
import io.vertx.core.Context;
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
 * {@link Dispatcher#publish} of one message to N subscribers of one filter, spread over 2 stub contexts that run
 * their batch inline (so this measures match + per-subscriber folding + grouping by context + the deliver calls,
 * not the thread hand-off). Score is publishes per second; deliveries per second = score x subscribers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatcherBenchmark {

  @Param({"500"})
  public int subscribers;

  @Param({"0", "1"})
  public int qos;

  private Dispatcher dispatcher;
  private Message message;
  private final long[] tasks = new long[1];

  @Setup(Level.Trial)
  public void setUp() {
    dispatcher = new Dispatcher(new SubscriptionTrie(), new RetainedStore());
    Context[] contexts = {FakeSubscriber.inlineContext(tasks), FakeSubscriber.inlineContext(tasks)};
    for (int i = 0; i < subscribers; i++) {
      FakeSubscriber s = new FakeSubscriber("sub-" + i, contexts[i & 1]);
      dispatcher.trie().subscribe(new Subscription(s, i % 2 == 0 ? "bench/fanout" : "bench/+",
          SubscriptionOptions.qos(qos)));
    }
    message = Message.of("bench/fanout", new byte[64], qos, false, "publisher");
  }

  @Benchmark
  public int publish() {
    return dispatcher.publish(message);
  }
}
