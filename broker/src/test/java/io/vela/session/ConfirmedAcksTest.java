package io.vela.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vela.api.ConfirmingSubscriber;
import io.vela.api.Message;
import io.vela.api.QuotaExceededException;
import io.vela.api.SubscriptionOptions;
import io.vela.config.MqttConfig;
import io.vela.metrics.BrokerMetrics;
import io.vela.protocol.Connect;
import io.vela.protocol.MqttVersion;
import io.vela.routing.Dispatcher;
import io.vela.routing.RetainedStore;
import io.vela.routing.Subscription;
import io.vela.routing.SubscriptionTrie;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PUBACK/PUBREC that wait for a ConfirmingSubscriber (a Kafka bridge), in arrival order. */
class ConfirmedAcksTest {

  private Vertx vertx;
  private MqttConfig config;
  private SessionRegistry registry;
  private Context ctx;
  private Holder holder;

  /** Confirms every message it gets and keeps the promises for the test to complete. */
  private static final class Holder implements ConfirmingSubscriber {
    final Context context;
    final List<Promise<Void>> promises = new CopyOnWriteArrayList<>();
    final List<String> plain = new CopyOnWriteArrayList<>();

    Holder(Context context) {
      this.context = context;
    }

    @Override
    public String id() {
      return "$bridge/test";
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public boolean confirms(Message message, int qos) {
      return true;
    }

    @Override
    public void deliverConfirmed(Message message, int qos, boolean retainFlag, int[] subscriptionIds,
                                 Promise<Void> done) {
      promises.add(done);
    }

    @Override
    public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
      plain.add(new String(message.payload()));
    }
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    config = new MqttConfig();
    config.allowAnonymous = true; // anonymous is off by default; these clients send no credentials
    registry = new SessionRegistry(config, new Dispatcher(new SubscriptionTrie(), new RetainedStore()),
        new BrokerMetrics());
    ctx = vertx.getOrCreateContext();
    holder = new Holder(vertx.getOrCreateContext());
    registry.dispatcher().trie().subscribe(new Subscription(holder, "k/#", SubscriptionOptions.qos(2)));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void on(Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      r.run();
      done.complete(null);
    });
    done.get(5, TimeUnit.SECONDS);
  }

  private FakeChannel connected(MqttVersion version) throws Exception {
    Connect c = new Connect(version, "pub", true, 0, null, null, null, 0, 65535, 0, 0, true, false, null, null,
        List.of());
    FakeChannel ch = new FakeChannel(ctx, version);
    on(() -> {
      ClientConnection conn = new ClientConnection(ch, registry);
      ch.handler = conn;
      conn.onConnect(c);
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> ch.sent.stream().anyMatch(s -> s.startsWith("CONNACK")));
    ch.sent.clear();
    return ch;
  }

  private void publish(FakeChannel ch, String topic, int qos, int packetId) throws Exception {
    on(() -> ch.handler.onPublish(Message.of(topic, ("m" + packetId).getBytes(), qos, false, ""), packetId, false));
  }

  @Test
  @DisplayName("the PUBACK waits for the subscriber, and PUBACKs behind it wait too [MQTT-4.6.0-2]")
  void pubAckWaitsInOrder() throws Exception {
    FakeChannel pub = connected(MqttVersion.V5);
    publish(pub, "k/1", 1, 1);
    publish(pub, "other", 1, 2); // nobody confirms this one, but its PUBACK must not overtake
    publish(pub, "k/2", 1, 3);
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.promises.size() == 2);
    assertThat(pub.sent).isEmpty();
    holder.promises.get(1).complete(); // the later one first
    on(() -> { });
    assertThat(pub.sent).isEmpty();
    holder.promises.get(0).complete();
    await().atMost(Duration.ofSeconds(5)).until(() -> pub.sent.size() == 3);
    assertThat(pub.sent).containsExactly("PUBACK 1 SUCCESS", "PUBACK 2 NO_MATCHING_SUBSCRIBERS", "PUBACK 3 SUCCESS");
    publish(pub, "other", 1, 4);
    assertThat(pub.sent).last().isEqualTo("PUBACK 4 NO_MATCHING_SUBSCRIBERS");
  }

  @Test
  @DisplayName("a failed confirmation answers an MQTT 5 publisher with 0x80, or 0x97 for a full quota")
  void failureReasonCodes() throws Exception {
    FakeChannel pub = connected(MqttVersion.V5);
    publish(pub, "k/1", 1, 1);
    publish(pub, "k/2", 2, 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.promises.size() == 2);
    holder.promises.get(0).fail("kafka down");
    holder.promises.get(1).fail(new QuotaExceededException("spool full"));
    await().atMost(Duration.ofSeconds(5)).until(() -> pub.sent.size() == 2);
    assertThat(pub.sent).containsExactly("PUBACK 1 UNSPECIFIED_ERROR", "PUBREC 2 QUOTA_EXCEEDED");
    // the failed QoS 2 exchange is over: the same packet id is a new message
    publish(pub, "k/3", 2, 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.promises.size() == 3);
  }

  @Test
  @DisplayName("a QoS 2 resend while the original waits is answered like the original [MQTT-4.3.3-10]")
  void qos2ResendWaitsForOriginal() throws Exception {
    FakeChannel pub = connected(MqttVersion.V5);
    publish(pub, "k/1", 2, 7);
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.promises.size() == 1);
    on(() -> pub.handler.onPublish(Message.of("k/1", "m7".getBytes(), 2, false, ""), 7, true));
    assertThat(holder.promises).hasSize(1); // not routed twice
    assertThat(pub.sent).isEmpty();
    holder.promises.get(0).fail("kafka down");
    await().atMost(Duration.ofSeconds(5)).until(() -> pub.sent.size() == 2);
    assertThat(pub.sent).containsExactly("PUBREC 7 UNSPECIFIED_ERROR", "PUBREC 7 UNSPECIFIED_ERROR");
  }

  @Test
  @DisplayName("an MQTT 3.1.1 publisher has no negative PUBACK: it is disconnected unacknowledged")
  void v3FailureCloses() throws Exception {
    FakeChannel pub = connected(MqttVersion.V3_1_1);
    publish(pub, "k/1", 1, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.promises.size() == 1);
    holder.promises.get(0).fail("kafka down");
    await().atMost(Duration.ofSeconds(5)).until(() -> pub.closed);
    assertThat(pub.sent).noneMatch(s -> s.startsWith("PUBACK"));
  }

  @Test
  @DisplayName("QoS 0 is delivered without waiting; past twice receive-maximum owed acks the connection pauses")
  void qos0AndPause() throws Exception {
    config.receiveMaximum = 2;
    FakeChannel pub = connected(MqttVersion.V5);
    publish(pub, "k/0", 0, 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.plain.size() == 1);
    for (int i = 1; i <= 4; i++) {
      publish(pub, "k/" + i, 1, i);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.promises.size() == 4);
    assertThat(pub.paused).isTrue();
    holder.promises.forEach(Promise::complete);
    await().atMost(Duration.ofSeconds(5)).until(() -> pub.sent.size() == 4);
    assertThat(pub.paused).isFalse();
  }
}
