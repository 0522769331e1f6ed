package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.api.Message;
import io.vela.api.admin.ClientInfo;
import io.vela.config.MqttConfig;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code BrokerContext.publishAcknowledged}: what an extension (the Kafka bridge's Kafka-to-MQTT direction) waits for
 * before it treats a message as safe. Real clients; the futures are observed from the test.
 */
class ReceiverAcknowledgementsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static Mqtt5BlockingClient client(TestBroker b, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port()).buildBlocking();
  }

  /** Connects a persistent session, subscribes to {@code filter} at {@code qos}, and goes offline. */
  private static void persistentSubscriberGoesOffline(TestBroker b, String id, String filter, MqttQos qos) {
    Mqtt5BlockingClient sub = client(b, id);
    sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
    sub.subscribeWith().topicFilter(filter).qos(qos).send();
    sub.disconnect();
    // disconnect() returns once DISCONNECT is written: a message routed before the broker has read it goes to the
    // connection (in flight), not to the offline session's queue the tests are about
    await().atMost(WAIT).until(() -> {
      ClientInfo info = b.broker().context().admin().client(id).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      return info != null && !info.connected();
    });
  }

  private static Message message(String topic, String text, int qos) {
    return Message.of(topic, text.getBytes(StandardCharsets.UTF_8), qos, false, "");
  }

  @ParameterizedTest(name = "QoS {0}")
  @ValueSource(ints = {1, 2})
  @DisplayName("a persistent session's client that is offline holds the future back until it reconnects and "
      + "acknowledges the message (PUBACK, or PUBCOMP at QoS 2)")
  void offlinePersistentSubscriberHoldsTheFutureUntilItAcknowledges(int qos) throws Exception {
    try (TestBroker b = TestBroker.start()) {
      persistentSubscriberGoesOffline(b, "acks-" + qos, "acks/t", MqttQos.fromCode(qos));
      Future<Integer> acked = b.broker().context().publishAcknowledged(message("acks/t", "m1", qos));
      // the message waits in the offline session's queue: nothing can have acknowledged it
      assertThat(acked.isComplete()).isFalse();

      Mqtt5BlockingClient sub = client(b, "acks-" + qos);
      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isTrue();
        Optional<Mqtt5Publish> got = publishes.receive(10, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("m1");
      }
      await().atMost(WAIT).until(acked::isComplete);
      assertThat(acked.succeeded()).isTrue();
      assertThat(acked.result()).isEqualTo(1);
      sub.disconnect();
    }
  }

  @Test
  @DisplayName("subscribers without a persistent session, and QoS 0 deliveries, count at routing")
  void nonPersistentAndQos0CompleteAtRouting() {
    try (TestBroker b = TestBroker.start()) {
      Mqtt5BlockingClient clean = client(b, "acks-clean");
      clean.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
      clean.subscribeWith().topicFilter("acks/c").qos(MqttQos.AT_LEAST_ONCE).send();
      persistentSubscriberGoesOffline(b, "acks-qos0", "acks/c", MqttQos.AT_MOST_ONCE);

      Future<Integer> acked = b.broker().context().publishAcknowledged(message("acks/c", "m", 1));
      await().atMost(WAIT).until(acked::isComplete);
      assertThat(acked.succeeded()).isTrue();
      assertThat(acked.result()).isEqualTo(2);
      clean.disconnect();
    }
  }

  @Test
  @DisplayName("a message dropped from a full queue (drop-oldest) fails its future, naming why; the newer one waits")
  void queueOverflowFailsTheDroppedMessagesFuture() {
    try (TestBroker b = TestBroker.start(c -> {
      c.mqtt.maxQueuedMessages = 1;
      c.mqtt.queueOverflow = MqttConfig.QueueOverflow.DROP_OLDEST;
    })) {
      persistentSubscriberGoesOffline(b, "acks-full", "acks/f", MqttQos.AT_LEAST_ONCE);
      Future<Integer> first = b.broker().context().publishAcknowledged(message("acks/f", "m1", 1));
      Future<Integer> second = b.broker().context().publishAcknowledged(message("acks/f", "m2", 1));
      await().atMost(WAIT).until(first::isComplete);
      assertThat(first.failed()).isTrue();
      assertThat(first.cause()).hasMessageContaining("acks-full").hasMessageContaining("queue full");
      assertThat(second.isComplete()).isFalse();
    }
  }

  @Test
  @DisplayName("a session that ends (taken over with clean start) fails the futures of what it still held")
  void sessionEndFailsPendingFutures() {
    try (TestBroker b = TestBroker.start()) {
      persistentSubscriberGoesOffline(b, "acks-end", "acks/e", MqttQos.AT_LEAST_ONCE);
      Future<Integer> acked = b.broker().context().publishAcknowledged(message("acks/e", "m1", 1));
      assertThat(acked.isComplete()).isFalse();
      Mqtt5BlockingClient again = client(b, "acks-end");
      assertThat(again.connectWith().cleanStart(true).send().isSessionPresent()).isFalse();
      await().atMost(WAIT).until(acked::isComplete);
      assertThat(acked.failed()).isTrue();
      assertThat(acked.cause()).hasMessageContaining("session ended");
      again.disconnect();
    }
  }
}
