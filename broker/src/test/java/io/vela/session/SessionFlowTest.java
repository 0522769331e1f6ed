package io.vela.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vela.api.Message;
import io.vela.api.SubscriptionOptions;
import io.vela.config.MqttConfig;
import io.vela.metrics.BrokerMetrics;
import io.vela.protocol.Connect;
import io.vela.protocol.MqttVersion;
import io.vela.protocol.TopicSubscription;
import io.vela.routing.Dispatcher;
import io.vela.routing.RetainedStore;
import io.vela.routing.SubscriptionTrie;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The session state machine driven through a fake channel: windows, queues, ids and QoS 2 bookkeeping. */
class SessionFlowTest {

  private Vertx vertx;
  private MqttConfig config;
  private BrokerMetrics metrics;
  private SessionRegistry registry;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    config = new MqttConfig();
    config.allowAnonymous = true; // these tests are about the flows, not authentication
    metrics = new BrokerMetrics();
    registry = new SessionRegistry(config, new Dispatcher(new SubscriptionTrie(), new RetainedStore()), metrics);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void on(Context ctx, Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        r.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.get(5, TimeUnit.SECONDS);
  }

  private static Connect connect(String id, boolean clean, long expiry, int receiveMaximum) {
    return new Connect(MqttVersion.V5, id, clean, 0, null, null, null, expiry, receiveMaximum, 0, 0, true, false,
        null, null, List.of());
  }

  private FakeChannel connected(Context ctx, Connect c) throws Exception {
    FakeChannel ch = new FakeChannel(ctx, c.version());
    on(ctx, () -> {
      ClientConnection conn = new ClientConnection(ch, registry);
      ch.handler = conn;
      conn.onConnect(c);
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> ch.sent.stream().anyMatch(s -> s.startsWith("CONNACK")));
    return ch;
  }

  private void subscribe(FakeChannel ch, String filter, int qos) throws Exception {
    on(ch.context, () -> ch.handler.onSubscribe(1, List.of(new TopicSubscription(filter,
        SubscriptionOptions.qos(qos)))));
  }

  private void publish(FakeChannel ch, String topic, String payload, int qos, int packetId) throws Exception {
    on(ch.context, () -> ch.handler.onPublish(Message.of(topic, payload.getBytes(), qos, false, ""), packetId,
        false));
  }

  @Test
  @DisplayName("[MQTT-3.1.2-24] the connection is closed after exactly 1.5 x the keep-alive without a packet, in "
      + "milliseconds (1 s -> 1500 ms, not rounded to whole seconds); keep-alive 0 sets no timeout")
  void keepAliveTimeoutIsOneAndAHalfTimesTheKeepAlive() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    for (int keepAlive : new int[] {1, 3, 65535}) {
      FakeChannel ch = connected(ctx, new Connect(MqttVersion.V5, "ka-" + keepAlive, true, keepAlive, null, null,
          null, 0, 65535, 0, 0, true, false, null, null, List.of()));
      assertThat(ch.readIdleTimeoutMillis).as("keep-alive %d s", keepAlive).isEqualTo(keepAlive * 1500L);
    }
    FakeChannel none = connected(ctx, new Connect(MqttVersion.V5, "ka-0", true, 0, null, null, null, 0, 65535, 0, 0,
        true, false, null, null, List.of()));
    assertThat(none.readIdleTimeoutMillis).isEqualTo(-1);
  }

  @Test
  @DisplayName("outbound QoS 1 messages beyond the in-flight window wait until a PUBACK frees a slot")
  void inflightWindow() throws Exception {
    config.maxInflight = 2;
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", true, 0, 65535));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 1);
    for (int i = 0; i < 5; i++) {
      publish(pub, "t", "m" + i, 1, 10 + i);
    }
    assertThat(sub.publishes).extracting(FakeChannel.Sent::payload).containsExactly("m0", "m1");
    on(ctx, () -> sub.handler.onPubAck(sub.publishes.get(0).packetId()));
    assertThat(sub.publishes).extracting(FakeChannel.Sent::payload).containsExactly("m0", "m1", "m2");
    assertThat(pub.sent).contains("PUBACK 10 SUCCESS", "PUBACK 14 SUCCESS");
  }

  @Test
  @DisplayName("the client's Receive Maximum caps the window below max-inflight")
  void clientReceiveMaximum() throws Exception {
    config.maxInflight = 10;
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", true, 0, 1));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 2);
    publish(pub, "t", "a", 2, 1);
    publish(pub, "t", "b", 2, 2);
    assertThat(sub.publishes).hasSize(1);
  }

  @Test
  @DisplayName("queue overflow with drop-oldest keeps the newest messages and counts each drop")
  void queueOverflowDropOldest() throws Exception {
    config.maxQueuedMessages = 2;
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", false, 3600, 65535));
    subscribe(sub, "t", 1);
    on(ctx, () -> sub.handler.onDisconnect(io.vela.protocol.ReasonCode.SUCCESS, null));
    await().atMost(Duration.ofSeconds(5)).until(() -> sub.closed);
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    for (int i = 0; i < 4; i++) {
      publish(pub, "t", "m" + i, 1, 1 + i);
    }
    assertThat(metrics.drops("queue-full")).isEqualTo(2);
    FakeChannel again = connected(ctx, connect("sub", false, 3600, 65535));
    assertThat(again.sent.get(0)).isEqualTo("CONNACK present=true");
    await().atMost(Duration.ofSeconds(5)).until(() -> again.publishes.size() == 2);
    assertThat(again.publishes).extracting(FakeChannel.Sent::payload).containsExactly("m2", "m3");
  }

  @Test
  @DisplayName("queue overflow with drop-newest keeps the oldest messages")
  void queueOverflowDropNewest() throws Exception {
    config.maxQueuedMessages = 2;
    config.queueOverflow = MqttConfig.QueueOverflow.DROP_NEWEST;
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", false, 3600, 65535));
    subscribe(sub, "t", 1);
    on(ctx, () -> sub.handler.onDisconnect(io.vela.protocol.ReasonCode.SUCCESS, null));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    for (int i = 0; i < 4; i++) {
      publish(pub, "t", "m" + i, 1, 1 + i);
    }
    FakeChannel again = connected(ctx, connect("sub", false, 3600, 65535));
    await().atMost(Duration.ofSeconds(5)).until(() -> again.publishes.size() == 2);
    assertThat(again.publishes).extracting(FakeChannel.Sent::payload).containsExactly("m0", "m1");
  }

  @Test
  @DisplayName("[MQTT-4.4.0-1] unacknowledged messages are resent with DUP and the same packet id on resume")
  void resumeResendsWithDup() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", false, 3600, 65535));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 1);
    publish(pub, "t", "x", 1, 1);
    int id = sub.publishes.get(0).packetId();
    assertThat(sub.publishes.get(0).dup()).isFalse();
    on(ctx, () -> sub.close());
    Context other = vertx.getOrCreateContext();
    FakeChannel again = connected(other, connect("sub", false, 3600, 65535));
    await().atMost(Duration.ofSeconds(5)).until(() -> !again.publishes.isEmpty());
    assertThat(again.publishes.get(0)).isEqualTo(new FakeChannel.Sent("t", "x", 1, true, false, id));
  }

  @Test
  @DisplayName("[MQTT-4.3.3-10] an inbound QoS 2 PUBLISH resent before PUBREL is delivered once")
  void inboundQos2ExactlyOnce() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", true, 0, 65535));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 2);
    publish(pub, "t", "once", 2, 7);
    publish(pub, "t", "once", 2, 7);
    on(ctx, () -> pub.handler.onPubRel(7));
    assertThat(pub.sent).containsSubsequence("PUBREC 7 SUCCESS", "PUBREC 7 SUCCESS", "PUBCOMP 7 SUCCESS");
    assertThat(sub.publishes).hasSize(1);
    on(ctx, () -> pub.handler.onPubRel(7));
    assertThat(pub.sent).last().isEqualTo("PUBCOMP 7 PACKET_IDENTIFIER_NOT_FOUND");
  }

  @Test
  @DisplayName("[MQTT-4.3.3-3] outbound QoS 2: PUBREC answered with PUBREL, PUBCOMP frees the window")
  void outboundQos2() throws Exception {
    config.maxInflight = 1;
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", true, 0, 65535));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 2);
    publish(pub, "t", "a", 2, 1);
    publish(pub, "t", "b", 2, 2);
    int id = sub.publishes.get(0).packetId();
    on(ctx, () -> sub.handler.onPubRec(id, 0));
    assertThat(sub.sent).contains("PUBREL " + id + " SUCCESS");
    assertThat(sub.publishes).hasSize(1);
    on(ctx, () -> sub.handler.onPubComp(id));
    assertThat(sub.publishes).extracting(FakeChannel.Sent::payload).containsExactly("a", "b");
  }

  @Test
  @DisplayName("the authenticator decides CONNECT: a denial is a CONNACK with its reason code and no session")
  void authenticatorDenial() throws Exception {
    registry.authenticator(c -> io.vertx.core.Future.succeededFuture(io.vela.api.AuthResult.denied(
        "bad".equals(c.username()) ? io.vela.api.AuthResult.Outcome.BAD_CREDENTIALS
            : io.vela.api.AuthResult.Outcome.NOT_AUTHORIZED, "test")));
    Context ctx = vertx.getOrCreateContext();
    Connect bad = new Connect(MqttVersion.V5, "c1", true, 0, "bad", new byte[] {1}, null, 0, 65535, 0, 0, true,
        false, null, null, List.of());
    FakeChannel ch = connected(ctx, bad);
    assertThat(ch.sent).startsWith("CONNACK BAD_USER_NAME_OR_PASSWORD", "CLOSE");
    FakeChannel other = connected(ctx, connect("c2", true, 0, 65535));
    assertThat(other.sent).startsWith("CONNACK NOT_AUTHORIZED");
    assertThat(registry.hasSession("c1")).isFalse();
  }

  @Test
  @DisplayName("a publisher is held back while a connected subscriber's queue is congested, and released when it "
      + "drains, so nothing is dropped")
  void publisherBackpressure() throws Exception {
    config.maxInflight = 1;
    config.maxQueuedMessages = 4;
    config.publisherBackpressureMs = 60_000; // the safety release must not beat a slow test thread
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", true, 0, 65535));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 1);
    for (int i = 0; i < 3; i++) {
      publish(pub, "t", "m" + i, 1, 1 + i);
    }
    // 1 in flight, 2 queued = half of 4: congested, the publisher is paused
    assertThat(pub.paused).isTrue();
    assertThat(metrics.publisherHoldBacks.sum()).isEqualTo(1);
    for (int i = 0; i < 2; i++) {
      int id = sub.publishes.get(i).packetId();
      on(ctx, () -> sub.handler.onPubAck(id));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !pub.paused);
    assertThat(metrics.drops("queue-full")).isZero();
  }

  @Test
  @DisplayName("QoS 0 for a subscriber whose socket is backed up is queued, not dropped, holds the publisher back, and "
      + "goes out in order when the socket drains")
  void qos0WaitsForABackedUpSocket() throws Exception {
    config.maxQueuedMessages = 4;
    config.publisherBackpressureMs = 60_000; // the safety release must not beat a slow test thread
    Context ctx = vertx.getOrCreateContext();
    FakeChannel sub = connected(ctx, connect("sub", true, 0, 65535));
    FakeChannel pub = connected(ctx, connect("pub", true, 0, 65535));
    subscribe(sub, "t", 0);
    publish(pub, "t", "sent", 0, 0);
    sub.writable = false;
    publish(pub, "t", "q1", 0, 0);
    publish(pub, "t", "q2", 0, 0);
    assertThat(sub.publishes).extracting(FakeChannel.Sent::payload).containsExactly("sent");
    assertThat(pub.paused).as("publisher held back while the subscriber's queue is half full").isTrue();
    on(ctx, sub::drain);
    await().atMost(Duration.ofSeconds(5)).until(() -> sub.publishes.size() == 3);
    assertThat(sub.publishes).extracting(FakeChannel.Sent::payload).containsExactly("sent", "q1", "q2");
    await().atMost(Duration.ofSeconds(5)).until(() -> !pub.paused);
    assertThat(metrics.dropsByReason()).isEmpty();
  }

  @Test
  void packetIdsSkipIdsInUseAndWrap() throws Exception {
    Context ctx = vertx.getOrCreateContext();
    Session s = new Session("s", registry, ctx);
    int first = s.allocatePacketId();
    assertThat(first).isEqualTo(1);
    for (int i = 2; i <= 65535; i++) {
      assertThat(s.allocatePacketId()).isEqualTo(i);
    }
    assertThat(s.allocatePacketId()).isEqualTo(1);
  }
}
