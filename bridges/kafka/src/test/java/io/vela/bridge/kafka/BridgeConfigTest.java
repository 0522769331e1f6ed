package io.vela.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

  private static JsonObject bridge(JsonObject mapping) {
    return new JsonObject().put("b", new JsonObject().put("bootstrap-servers", "k1:9092,k2:9092")
        .put("to-kafka", new JsonArray().add(mapping)));
  }

  private static List<BridgeConfig> parse(JsonObject section) {
    return BridgeConfig.parseAll(section);
  }

  private static JsonObject ok() {
    return new JsonObject().put("filter", "telemetry/+/#").put("topic", "telemetry.${1}");
  }

  private static final String YAML = String.join("\n",
      "kafka-bridges:",
      "  main:",
      "    bootstrap-servers: ${KAFKA_BOOTSTRAP_SERVERS}",
      "    to-kafka:",
      "      - filter: telemetry/+/#",
      "        topic: telemetry.${1}",
      "");

  private static List<BridgeConfig> load(String yaml, Map<String, String> env) {
    io.vela.config.VelaConfig c = io.vela.config.ConfigLoader.parse(yaml, "test.yaml", env,
        List.of(new KafkaBridgeExtension()));
    return BridgeConfig.parseAll(c.extensions.get(BridgeConfig.SECTION));
  }

  @Test
  void bootstrapServersComeFromTheEnvironmentAndTemplatesStay() {
    BridgeConfig c = load(YAML, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")).get(0);
    assertThat(c.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
    assertThat(c.toKafka().get(0).delivery()).isEqualTo(BridgeConfig.Delivery.END_TO_END);
    assertThat(ToKafkaVerticle.producerConfig(c)).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true");
  }

  @Test
  void anUnsetEnvironmentVariableIsNamedAndADefaultApplies() {
    assertThatThrownBy(() -> load(YAML, Map.of()))
        .isInstanceOf(io.vela.config.ConfigException.class)
        .hasMessageContaining("kafka-bridges.main.bootstrap-servers").hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThat(load(YAML.replace("${KAFKA_BOOTSTRAP_SERVERS}", "${NOPE:-localhost:9092}"), Map.of()).get(0)
        .bootstrapServers()).isEqualTo("localhost:9092");
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> parse(bridge(ok().put("topic", "t.${3}"))))
        .hasMessageContaining("'kafka-bridges.b.to-kafka[0].topic'").hasMessageContaining("wildcard");
    assertThatThrownBy(() -> parse(bridge(ok().put("key", "${nope}"))))
        .hasMessageContaining("'kafka-bridges.b.to-kafka[0].key'").hasMessageContaining("unknown placeholder");
    assertThatThrownBy(() -> parse(bridge(ok().put("filter", "a/#/b"))))
        .hasMessageContaining("'kafka-bridges.b.to-kafka[0].filter'");
    assertThatThrownBy(() -> parse(bridge(ok().put("topic", "bad topic"))))
        .hasMessageContaining("'kafka-bridges.b.to-kafka[0].topic'");
    assertThatThrownBy(() -> parse(bridge(ok().put("delivery", "sometimes"))))
        .hasMessageContaining("'kafka-bridges.b.to-kafka[0].delivery'").hasMessageContaining("end-to-end, buffered");
    assertThatThrownBy(() -> parse(bridge(ok().put("colour", "red"))))
        .hasMessageContaining("'kafka-bridges.b.to-kafka[0].colour'").hasMessageContaining("unknown key");
    assertThatThrownBy(() -> parse(new JsonObject().put("b", new JsonObject().put("bootstrap-servers", "x:1"))))
        .hasMessageContaining("'kafka-bridges.b'").hasMessageContaining("at least one");
    assertThatThrownBy(() -> parse(new JsonObject().put("b", new JsonObject().put("bootstrap-servers", "x:1")
        .put("from-kafka", new JsonArray().add(new JsonObject().put("topics", "t").put("mqtt-topic", "c/${key}")
            .put("start-offset", "middle"))))))
        .hasMessageContaining("'kafka-bridges.b.from-kafka[0].start-offset'");
    assertThatThrownBy(() -> parse(new JsonObject().put("b", new JsonObject().put("bootstrap-servers", "x:1")
        .put("from-kafka", new JsonArray().add(new JsonObject().put("topics", "t").put("mqtt-topic", "c/${key}")
            .put("commit-after", "delivered"))))))
        .hasMessageContaining("'kafka-bridges.b.from-kafka[0].commit-after'").hasMessageContaining("acknowledged");
    assertThatThrownBy(() -> parse(new JsonObject().put("b", new JsonObject().put("bootstrap-servers", "x:1")
        .put("from-kafka", new JsonArray().add(new JsonObject().put("topics", "t").put("mqtt-topic", "c/${key}")
            .put("max-unacknowledged", 0))))))
        .hasMessageContaining("max-unacknowledged");
    assertThatThrownBy(() -> parse(bridge(ok()).put("b", new JsonObject().put("bootstrap-servers", "x:1")
        .put("to-kafka", new JsonArray().add(ok())).put("spool", new JsonObject().put("full-policy", "panic")))))
        .hasMessageContaining("'kafka-bridges.b.spool.full-policy'");
  }

  @Test
  void theBrokersConfigLoaderReportsABadBridgeAsAConfigErrorNamingTheKey() {
    String yaml = String.join("\n",
        "kafka-bridges:",
        "  main:",
        "    bootstrap-servers: ${KAFKA_BOOTSTRAP_SERVERS}",
        "    to-kafka:",
        "      - filter: telemetry/#",
        "        topic: mqtt.telemetry",
        "        key: publisher",
        "");
    assertThatThrownBy(() -> io.vela.config.ConfigLoader.parse(yaml, "bad.yaml",
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"),
        List.of(new KafkaBridgeExtension())))
        .isInstanceOf(io.vela.config.ConfigException.class)
        .hasMessageContaining("kafka-bridges.main.to-kafka[0].key");
  }

  @Test
  void shareGroupMakesASharedSubscription() {
    BridgeConfig c = parse(bridge(ok().put("share-group", "kafka"))).get(0);
    assertThat(c.toKafka().get(0).subscribeFilter()).isEqualTo("$share/kafka/telemetry/+/#");
  }
}
