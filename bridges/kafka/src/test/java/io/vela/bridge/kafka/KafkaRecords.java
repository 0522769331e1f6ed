package io.vela.bridge.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reads and writes Kafka topics with the plain Kafka client, as a user's pipeline would. */
final class KafkaRecords {

  private KafkaRecords() {
  }

  /**
   * Reads {@code topic} from the beginning until {@code done} holds for what was read or {@code timeout} passed.
   */
  static List<ConsumerRecord<byte[], byte[]>> readUntil(String servers, String topic,
                                                        Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                        Duration timeout) {
    Map<String, Object> c = Map.of("bootstrap.servers", servers, "group.id", "test-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest", "enable.auto.commit", "false", "max.poll.records", "5000");
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(all) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(all::add);
      }
    }
    return all;
  }

  /** The offset {@code group} committed for partition 0 of {@code topic}, or null when it committed none. */
  static Long committedOffset(String servers, String group, String topic) {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.<String, Object>of("bootstrap.servers", servers))) {
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      org.apache.kafka.clients.consumer.OffsetAndMetadata o =
          offsets.get(new org.apache.kafka.common.TopicPartition(topic, 0));
      return o == null ? null : o.offset();
    } catch (Exception e) {
      throw new IllegalStateException("could not read the offsets of group " + group, e);
    }
  }

  static void write(String servers, String topic, byte[] key, byte[] value) {
    Map<String, Object> p = Map.of("bootstrap.servers", servers, "acks", "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not write to Kafka topic " + topic, e);
    }
  }
}
