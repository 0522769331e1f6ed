package io.vela.bridge.kafka;

import io.vela.api.Message;
import io.vela.api.UserProperty;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Turns one MQTT message into the Kafka record one {@link BridgeConfig.ToKafka} mapping asks for. */
final class RecordMapper {

  private final BridgeConfig.ToKafka mapping;
  /** For each wildcard of the filter, in order: its level index; the last is negative (-index-1) for '#'. */
  private final int[] wildcards;

  RecordMapper(BridgeConfig.ToKafka mapping) {
    this.mapping = mapping;
    this.wildcards = wildcards(mapping.filter());
  }

  /** The level index of each '+' and '#' of {@code filter}; '#' as -index-1. */
  static int[] wildcards(String filter) {
    String[] levels = filter.split("/", -1);
    return java.util.stream.IntStream.range(0, levels.length)
        .filter(i -> levels[i].equals("+") || levels[i].equals("#"))
        .map(i -> levels[i].equals("#") ? -i - 1 : i).toArray();
  }

  BridgeConfig.ToKafka mapping() {
    return mapping;
  }

  KafkaProducerRecord<byte[], byte[]> record(Message m) {
    String[] levels = m.topic().split("/", -1);
    java.util.function.Function<String, String> values = name -> value(m, levels, wildcards, name);
    String topic = mapping.topic().render(values);
    byte[] key = mapping.key() == null ? null : mapping.key().render(values).getBytes(StandardCharsets.UTF_8);
    byte[] value = mapping.envelope() == BridgeConfig.Envelope.JSON ? envelope(m) : m.payload();
    KafkaProducerRecord<byte[], byte[]> record = KafkaProducerRecord.create(topic, key, value);
    List<KafkaHeader> headers = new ArrayList<>(mapping.headers().size() + m.properties().userProperties().size());
    for (Map.Entry<String, Template> h : mapping.headers().entrySet()) {
      Template t = h.getValue();
      if ("correlation-data".equals(t.soleName())) {
        byte[] c = m.properties().correlationData();
        if (c != null) {
          headers.add(KafkaHeader.header(h.getKey(), Buffer.buffer(c)));
        }
        continue;
      }
      String sole = t.soleName();
      String v = t.render(values);
      if (sole != null && value(m, levels, wildcards, sole) == null) {
        continue; // an absent property makes no header, rather than an empty one
      }
      headers.add(KafkaHeader.header(h.getKey(), v));
    }
    if (mapping.userProperties()) {
      for (UserProperty p : m.properties().userProperties()) {
        headers.add(KafkaHeader.header(p.name(), p.value()));
      }
    }
    if (!headers.isEmpty()) {
      record.addHeaders(headers);
    }
    return record;
  }

  /** Is the rendered topic a valid Kafka topic name? (Templated topics are checked per message.) */
  static boolean validTopic(String topic) {
    return BridgeConfig.validKafkaTopic(topic);
  }

  /** ${n}: what the n-th wildcard of the filter matched (for '#', the rest of the topic). */
  private static String value(Message m, String[] levels, int[] wildcards, String name) {
    return switch (name) {
      case "topic" -> m.topic();
      case "client-id" -> m.publisherId();
      case "username" -> m.username();
      case "qos" -> Integer.toString(m.qos());
      case "retain" -> Boolean.toString(m.retain());
      case "content-type" -> m.properties().contentType();
      case "response-topic" -> m.properties().responseTopic();
      case "correlation-data" -> m.properties().correlationData() == null ? null
          : Base64.getEncoder().encodeToString(m.properties().correlationData());
      default -> {
        int w = wildcards[Integer.parseInt(name) - 1];
        if (w >= 0) {
          yield levels[w];
        }
        int from = -w - 1;
        yield from >= levels.length ? "" : String.join("/", java.util.Arrays.copyOfRange(levels, from,
            levels.length));
      }
    };
  }

  private static byte[] envelope(Message m) {
    JsonObject o = new JsonObject()
        .put("topic", m.topic())
        .put("qos", m.qos())
        .put("retain", m.retain())
        .put("client-id", m.publisherId())
        .put("payload", Base64.getEncoder().encodeToString(m.payload()));
    if (m.username() != null) {
      o.put("username", m.username());
    }
    if (m.properties().contentType() != null) {
      o.put("content-type", m.properties().contentType());
    }
    if (!m.properties().userProperties().isEmpty()) {
      JsonArray props = new JsonArray();
      for (UserProperty p : m.properties().userProperties()) {
        props.add(new JsonObject().put("name", p.name()).put("value", p.value()));
      }
      o.put("user-properties", props);
    }
    return o.toBuffer().getBytes();
  }
}
