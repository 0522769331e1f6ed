package io.vela.bridge.kafka;

import io.vela.api.BrokerContext;
import io.vela.api.Message;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka to MQTT for one mapping: a consumer in the mapping's group publishes every record into MQTT; the offset of a
 * record is committed only after its PUBLISH was routed (every second, and when the bridge stops), so a restart
 * resumes after the last routed record (at-least-once: records routed after the last commit come again).
 */
final class FromKafkaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FromKafkaVerticle.class);
  private static final long COMMIT_INTERVAL_MS = 1000;

  private final BridgeConfig config;
  private final BridgeConfig.FromKafka mapping;
  private final BrokerContext broker;
  private final ToKafkaVerticle.BridgeStats stats;
  private final Map<TopicPartition, OffsetAndMetadata> routed = new HashMap<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private long timer = -1;

  FromKafkaVerticle(BridgeConfig config, BridgeConfig.FromKafka mapping, BrokerContext broker,
                    ToKafkaVerticle.BridgeStats stats) {
    this.config = config;
    this.mapping = mapping;
    this.broker = broker;
    this.stats = stats;
  }

  @Override
  public Future<?> start() {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", config.bootstrapServers());
    c.put("client.id", "vela-" + config.name() + "-in");
    c.putAll(config.consumer());
    c.put("group.id", mapping.groupId());
    c.put("auto.offset.reset", mapping.startOffset());
    c.put("enable.auto.commit", "false");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    consumer = KafkaConsumer.create(vertx, c);
    consumer.exceptionHandler(e -> {
      stats.errors.incrementAndGet();
      stats.lastError = String.valueOf(e.getMessage());
      LOG.warn("kafka-bridge={} consumer error: {}", config.name(), stats.lastError);
    });
    consumer.handler(this::route);
    timer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
    return consumer.subscribe(new java.util.HashSet<>(mapping.topics())).onSuccess(v ->
        LOG.info("kafka-bridge={} from Kafka topics {} (group {}) to MQTT '{}'", config.name(), mapping.topics(),
            mapping.groupId(), mapping.mqttTopic()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return commit().transform(ar -> consumer.close());
  }

  private void route(KafkaConsumerRecord<byte[], byte[]> r) {
    stats.received.incrementAndGet();
    Function<String, String> values = name -> switch (name) {
      case "key" -> r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
      case "topic" -> r.topic();
      case "partition" -> Integer.toString(r.partition());
      case "offset" -> Long.toString(r.offset());
      default -> header(r, name.substring("header.".length()));
    };
    String topic = mapping.mqttTopic().render(values);
    byte[] payload = r.value() == null ? new byte[0] : r.value();
    try {
      broker.publish(Message.of(topic, payload, mapping.qos(), mapping.retain(), ""));
    } catch (IllegalArgumentException e) {
      stats.errors.incrementAndGet();
      stats.dropped.incrementAndGet();
      LOG.warn("kafka-bridge={} record {}-{}@{} skipped: MQTT topic '{}' is not valid", config.name(), r.topic(),
          r.partition(), r.offset(), topic);
    }
    // routed (or unroutable): the next record of this partition is where a restart resumes
    routed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1, ""));
  }

  private static String header(KafkaConsumerRecord<byte[], byte[]> r, String name) {
    String value = null;
    for (KafkaHeader h : r.headers()) {
      if (h.key().equals(name)) {
        value = h.value().toString(StandardCharsets.UTF_8);
      }
    }
    return value;
  }

  private Future<Void> commit() {
    if (routed.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(routed);
    routed.clear();
    return consumer.commit(offsets).<Void>mapEmpty().onSuccess(v -> stats.committed.addAndGet(offsets.size()))
        .onFailure(e -> {
          // keep them for the next attempt unless newer offsets arrived meanwhile
          offsets.forEach(routed::putIfAbsent);
          stats.errors.incrementAndGet();
          LOG.warn("kafka-bridge={} offset commit failed (will retry): {}", config.name(),
              String.valueOf(e.getMessage()));
        });
  }
}
