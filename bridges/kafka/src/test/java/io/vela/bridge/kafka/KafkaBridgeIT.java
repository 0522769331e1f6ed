package io.vela.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both directions of the bridge against a real Kafka, driven by a real MQTT client. */
class KafkaBridgeIT {

  private static KafkaTestServer kafka;
  private static BridgeBroker broker;

  @BeforeAll
  static void start() {
    kafka = KafkaTestServer.shared();
    JsonObject bridges = new JsonObject().put("it", new JsonObject()
        .put("bootstrap-servers", kafka.bootstrapServers())
        .put("to-kafka", new JsonArray()
            .add(new JsonObject().put("filter", "telemetry/+/+").put("topic", "it.telemetry.${1}")
                .put("key", "client-id")
                .put("headers", new JsonObject().put("mqtt_topic", "${topic}").put("mqtt_qos", "${qos}")
                    .put("mqtt_retain", "${retain}").put("content_type", "${content-type}")
                    .put("correlation", "${correlation-data}").put("user", "${username}").put("device", "${1}").put("measure", "${2}"))
                .put("user-properties", true))
            .add(new JsonObject().put("filter", "keyed/+/#").put("topic", "it.keyed").put("key", "dev-${1}")
                .put("envelope", "json")))
        .put("from-kafka", new JsonArray()
            .add(new JsonObject().put("topics", "it.commands").put("group-id", "it-commands")
                .put("start-offset", "earliest").put("mqtt-topic", "commands/${key}").put("qos", 1))
            .add(new JsonObject().put("topics", "it.acked").put("group-id", "it-acked")
                .put("start-offset", "earliest").put("mqtt-topic", "acked/${key}").put("qos", 1)
                .put("commit-after", "acknowledged"))));
    // two bridges in one shared group: each message goes to Kafka once, through one of them
    for (String name : new String[] {"share-a", "share-b"}) {
      bridges.put(name, new JsonObject().put("bootstrap-servers", kafka.bootstrapServers())
          .put("to-kafka", new JsonArray().add(new JsonObject().put("filter", "shared/#").put("share-group", "kafka")
              .put("topic", "it.shared").put("key", "topic"))));
    }
    broker = BridgeBroker.start(bridges);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static Mqtt5BlockingClient client(String id) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
        .buildBlocking();
    c.connect();
    return c;
  }

  private static Mqtt5BlockingClient client(String id, String username) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
        .simpleAuth().username(username).applySimpleAuth().buildBlocking();
    c.connect();
    return c;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void mqttMessageBecomesRecordWithMappedTopicKeyHeadersAndUnchangedPayload() {
    Mqtt5BlockingClient pub = client("sensor-7", "alice");
    byte[] payload = {0, 1, 2, (byte) 0xff, 42};
    pub.publishWith().topic("telemetry/dev7/temp").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(payload)
        .contentType("application/octet-stream").correlationData("corr-1".getBytes(StandardCharsets.UTF_8))
        .userProperties().add("site", "north").add("unit", "C").applyUserProperties().send();
    pub.disconnect();

    List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.readUntil(kafka.bootstrapServers(),
        "it.telemetry.dev7", l -> !l.isEmpty(), Duration.ofSeconds(60));
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> r = records.get(0);
    assertThat(r.value()).isEqualTo(payload);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("sensor-7");
    assertThat(header(r, "mqtt_topic")).isEqualTo("telemetry/dev7/temp");
    assertThat(header(r, "mqtt_qos")).isEqualTo("1");
    assertThat(header(r, "mqtt_retain")).isEqualTo("true");
    assertThat(header(r, "content_type")).isEqualTo("application/octet-stream");
    assertThat(header(r, "correlation")).isEqualTo("corr-1");
    assertThat(header(r, "user")).isEqualTo("alice");
    assertThat(header(r, "device")).isEqualTo("dev7");
    assertThat(header(r, "measure")).isEqualTo("temp");
    assertThat(header(r, "site")).isEqualTo("north");
    assertThat(header(r, "unit")).isEqualTo("C");
  }

  @Test
  void bridgesInOneShareGroupSplitTheMessagesInsteadOfEachWritingThem() {
    Mqtt5BlockingClient pub = client("shared-pub");
    for (int i = 0; i < 40; i++) {
      pub.publishWith().topic("shared/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(("s" + i).getBytes()).send();
    }
    pub.disconnect();
    List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.readUntil(kafka.bootstrapServers(), "it.shared",
        l -> l.size() >= 40, Duration.ofSeconds(60));
    assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).hasSize(40)
        .doesNotHaveDuplicates();
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.component("share-b").status().getLong("sent") > 0);
    assertThat(broker.component("share-a").status().getLong("sent")
        + broker.component("share-b").status().getLong("sent")).isEqualTo(40);
    assertThat(broker.component("share-a").status().getLong("sent")).isPositive();
  }

  @Test
  void templatedKeyAndJsonEnvelopeKeepPerKeyOrder() {
    Mqtt5BlockingClient pub = client("keyed-pub");
    for (int i = 0; i < 50; i++) {
      pub.publishWith().topic("keyed/" + (i % 2 == 0 ? "a" : "b") + "/x").qos(MqttQos.AT_LEAST_ONCE)
          .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
    }
    pub.disconnect();
    List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.readUntil(kafka.bootstrapServers(), "it.keyed",
        l -> l.size() >= 50, Duration.ofSeconds(60));
    assertThat(records).hasSize(50);
    Map<String, Integer> lastByKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      JsonObject envelope = new JsonObject(new String(r.value(), StandardCharsets.UTF_8));
      String payload = new String(java.util.Base64.getDecoder().decode(envelope.getString("payload")),
          StandardCharsets.UTF_8);
      int n = Integer.parseInt(payload.substring(1));
      assertThat(key).isEqualTo(n % 2 == 0 ? "dev-a" : "dev-b");
      assertThat(envelope.getString("client-id")).isEqualTo("keyed-pub");
      assertThat(envelope.getString("topic")).startsWith("keyed/");
      assertThat(n).isGreaterThan(lastByKey.getOrDefault(key, -1));
      lastByKey.put(key, n);
    }
  }

  @Test
  void kafkaRecordIsPublishedToTemplatedMqttTopicAndBridgeRestartResumesAfterCommittedOffset() throws Exception {
    Mqtt5BlockingClient sub = client("commands-sub");
    sub.subscribeWith().topicFilter("commands/#").qos(MqttQos.AT_LEAST_ONCE).send();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      KafkaRecords.write(kafka.bootstrapServers(), "it.commands", "dev9".getBytes(StandardCharsets.UTF_8),
          "reboot".getBytes(StandardCharsets.UTF_8));
      Optional<Mqtt5Publish> first = publishes.receive(90, TimeUnit.SECONDS);
      assertThat(first).isPresent();
      assertThat(first.get().getTopic().toString()).isEqualTo("commands/dev9");
      assertThat(first.get().getPayloadAsBytes()).isEqualTo("reboot".getBytes(StandardCharsets.UTF_8));
      assertThat(first.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);

      // stop the bridge (commits), write while it is stopped, start it: only the new record arrives
      broker.component("it").stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(broker.component("it").status().getString("state")).isEqualTo("stopped");
      KafkaRecords.write(kafka.bootstrapServers(), "it.commands", "dev10".getBytes(StandardCharsets.UTF_8),
          "update".getBytes(StandardCharsets.UTF_8));
      broker.component("it").start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(broker.component("it").status().getString("state")).isEqualTo("running");
      Optional<Mqtt5Publish> second = publishes.receive(90, TimeUnit.SECONDS);
      assertThat(second).isPresent();
      assertThat(second.get().getTopic().toString()).isEqualTo("commands/dev10");
      assertThat(publishes.receive(3, TimeUnit.SECONDS)).as("nothing consumed twice").isEmpty();
    }
    sub.disconnect();
    await().atMost(Duration.ofSeconds(30)).until(() -> broker.component("it").status().getLong("committed") > 0);
  }

  @Test
  @org.junit.jupiter.api.DisplayName("commit-after acknowledged: an offset is not committed while a persistent "
      + "subscriber that got the record offline has not acknowledged it, and is committed once it has")
  void acknowledgedModeCommitsOnlyAfterThePersistentSubscriberAcknowledged() throws Exception {
    Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("acked-sub").serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    sub.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
    sub.subscribeWith().topicFilter("acked/#").qos(MqttQos.AT_LEAST_ONCE).send();
    sub.disconnect();

    KafkaRecords.write(kafka.bootstrapServers(), "it.acked", "d1".getBytes(StandardCharsets.UTF_8),
        "v1".getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(90)).until(() -> broker.component("it").status().getLong("unacknowledged") == 1);
    // stopping the bridge commits what may be committed: in routed mode that would be offset 1
    broker.component("it").stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(KafkaRecords.committedOffset(kafka.bootstrapServers(), "it-acked", "it.acked")).isNull();

    broker.component("it").start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      assertThat(sub.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isTrue();
      Optional<Mqtt5Publish> got = publishes.receive(90, TimeUnit.SECONDS);
      assertThat(got).isPresent();
      assertThat(got.get().getTopic().toString()).isEqualTo("acked/d1");
      assertThat(got.get().getPayloadAsBytes()).isEqualTo("v1".getBytes(StandardCharsets.UTF_8));
      // the record was consumed again after the restart (not committed): at-least-once, so it may come twice
      await().atMost(Duration.ofSeconds(60)).until(() ->
          Long.valueOf(1).equals(KafkaRecords.committedOffset(kafka.bootstrapServers(), "it-acked", "it.acked")));
    }
    assertThat(broker.component("it").status().getLong("unacknowledged")).isZero();
    sub.disconnect();
  }
}
