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
 *
 * <p>With {@code commit-after: acknowledged} an offset is committed only once every persistent session that got the
 * record at QoS 1/2 acknowledged it ({@link BrokerContext#publishAcknowledged}), in offset order per partition. A
 * record one of them will never acknowledge (dropped from a full queue, session ended) is published again after a
 * second. At most {@code max-unacknowledged} records wait; beyond that the consumer is paused.
 */
final class FromKafkaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FromKafkaVerticle.class);
  private static final long COMMIT_INTERVAL_MS = 1000;
  private static final long REPUBLISH_DELAY_MS = 1000;

  /** A routed record waiting for its receivers' acknowledgements (commit-after acknowledged). */
  private static final class Waiting {
    final long offset;
    boolean acknowledged;
    /** Its partition went to another consumer of the group: it comes again there, from the last commit. */
    boolean abandoned;

    Waiting(long offset) {
      this.offset = offset;
    }
  }

  private final BridgeConfig config;
  private final BridgeConfig.FromKafka mapping;
  private final BrokerContext broker;
  private final ToKafkaVerticle.BridgeStats stats;
  private final Map<TopicPartition, OffsetAndMetadata> routed = new HashMap<>();
  /** commit-after acknowledged: per partition, the records not yet committable, in offset order. */
  private final Map<TopicPartition, java.util.ArrayDeque<Waiting>> waiting = new HashMap<>();
  private int unacknowledged;
  private boolean paused;
  private boolean stopped;
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
    consumer.partitionsRevokedHandler(revoked -> {
      // another consumer of the group takes these over from the last commit: what waits here is theirs again
      if (stopped) {
        return; // closing the consumer revokes everything; stop() has let go of what waited
      }
      int before = unacknowledged;
      for (io.vertx.kafka.client.common.TopicPartition tp : revoked) {
        java.util.ArrayDeque<Waiting> w = waiting.remove(new TopicPartition(tp.getTopic(), tp.getPartition()));
        if (w != null) {
          for (Waiting x : w) {
            x.abandoned = true;
            if (!x.acknowledged) {
              unacknowledged--;
            }
          }
        }
      }
      stats.unacknowledged.addAndGet(unacknowledged - before);
      resumeIfRoom();
    });
    timer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
    return consumer.subscribe(new java.util.HashSet<>(mapping.topics())).onSuccess(v ->
        LOG.info("kafka-bridge={} from Kafka topics {} (group {}) to MQTT '{}'", config.name(), mapping.topics(),
            mapping.groupId(), mapping.mqttTopic()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    stopped = true;
    stats.unacknowledged.addAndGet(-unacknowledged);
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
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    Message message = Message.of(topic, payload, mapping.qos(), mapping.retain(), "");
    if (!mapping.commitAfterAcknowledged()) {
      try {
        broker.publish(message);
      } catch (IllegalArgumentException e) {
        unroutable(r, topic);
      }
      // routed (or unroutable): the next record of this partition is where a restart resumes
      routed.put(tp, new OffsetAndMetadata(r.offset() + 1, ""));
      return;
    }
    Waiting w = new Waiting(r.offset());
    waiting.computeIfAbsent(tp, k -> new java.util.ArrayDeque<>()).addLast(w);
    unacknowledged++;
    stats.unacknowledged.incrementAndGet();
    if (unacknowledged >= mapping.maxUnacknowledged() && !paused) {
      paused = true;
      consumer.pause();
      LOG.debug("kafka-bridge={} {} records wait for acknowledgements: consumer paused", config.name(),
          unacknowledged);
    }
    try {
      publishUntilAcknowledged(tp, w, message, r);
    } catch (IllegalArgumentException e) {
      unroutable(r, topic);
      acknowledged(tp, w);
    }
  }

  private void unroutable(KafkaConsumerRecord<byte[], byte[]> r, String topic) {
    stats.errors.incrementAndGet();
    stats.dropped.incrementAndGet();
    LOG.warn("kafka-bridge={} record {}-{}@{} skipped: MQTT topic '{}' is not valid", config.name(), r.topic(),
        r.partition(), r.offset(), topic);
  }

  /** Publishes and waits for the receivers' acknowledgements; a receiver that will not have it: again, later. */
  private void publishUntilAcknowledged(TopicPartition tp, Waiting w, Message message,
                                        KafkaConsumerRecord<byte[], byte[]> r) {
    broker.publishAcknowledged(message).onComplete(ar -> {
      if (stopped || w.abandoned) {
        return; // the bridge stopped or the partition went to another consumer: it comes again from the commit
      }
      if (ar.succeeded()) {
        acknowledged(tp, w);
        return;
      }
      stats.errors.incrementAndGet();
      stats.lastError = String.valueOf(ar.cause().getMessage());
      LOG.warn("kafka-bridge={} record {}-{}@{} not acknowledged ({}), publishing it again in {} ms", config.name(),
          r.topic(), r.partition(), r.offset(), stats.lastError, REPUBLISH_DELAY_MS);
      vertx.setTimer(REPUBLISH_DELAY_MS, id -> {
        if (!stopped && !w.abandoned) {
          publishUntilAcknowledged(tp, w, message, r);
        }
      });
    });
  }

  /** {@code w} is safe: commit up to the first record of its partition still waiting. */
  private void acknowledged(TopicPartition tp, Waiting w) {
    w.acknowledged = true;
    unacknowledged--;
    stats.unacknowledged.decrementAndGet();
    java.util.ArrayDeque<Waiting> queue = waiting.get(tp);
    Waiting head;
    long next = -1;
    while ((head = queue.peekFirst()) != null && head.acknowledged) {
      queue.pollFirst();
      next = head.offset + 1;
    }
    if (next >= 0) {
      routed.put(tp, new OffsetAndMetadata(next, ""));
    }
    resumeIfRoom();
  }

  private void resumeIfRoom() {
    if (paused && !stopped && unacknowledged <= mapping.maxUnacknowledged() / 2) {
      paused = false;
      consumer.resume();
    }
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
