package io.vela.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery guarantees against a real Kafka: a large QoS 1 stream arrives complete, and a Kafka outage of more than
 * 30 seconds in the middle of a stream loses no acknowledged message in either mode; the spool-full policies apply.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaDeliveryIT {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaDeliveryIT.class);
  private static KafkaTestServer kafka;
  private static BridgeBroker broker;
  private static Path spools;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestServer.shared();
    spools = Files.createTempDirectory("vela-spool-");
    JsonObject bridges = new JsonObject()
        .put("load", new JsonObject().put("bootstrap-servers", kafka.bootstrapServers())
            .put("to-kafka", new JsonArray()
                .add(mapping("bulk/#", "d.bulk", "end-to-end"))
                .add(mapping("e2e/#", "d.e2e", "end-to-end"))
                .add(mapping("buf/#", "d.buf", "buffered")))
            .put("spool", new JsonObject().put("dir", spools.resolve("load").toString())))
        .put("small", new JsonObject().put("bootstrap-servers", kafka.bootstrapServers())
            .put("to-kafka", new JsonArray().add(mapping("small/#", "d.small", "buffered")))
            .put("spool", new JsonObject().put("dir", spools.resolve("small").toString()).put("max-bytes", 65536)
                .put("segment-bytes", 8192).put("full-policy", "reject")))
        .put("oldest", new JsonObject().put("bootstrap-servers", kafka.bootstrapServers())
            .put("to-kafka", new JsonArray().add(mapping("oldest/#", "d.oldest", "buffered")))
            .put("spool", new JsonObject().put("dir", spools.resolve("oldest").toString()).put("max-bytes", 65536)
                .put("segment-bytes", 8192).put("full-policy", "drop-oldest")));
    broker = BridgeBroker.start(bridges);
  }

  private static JsonObject mapping(String filter, String topic, String delivery) {
    return new JsonObject().put("filter", filter).put("topic", topic).put("key", "client-id")
        .put("delivery", delivery);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    kafka.start(); // leave the shared Kafka running for other classes
  }

  private static Mqtt5AsyncClient client(String id) {
    Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
        .buildAsync();
    c.connect().join();
    return c;
  }

  private static CompletableFuture<Mqtt5PublishResult> publish(Mqtt5AsyncClient c, String topic, byte[] payload) {
    return c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The reason code of a finished publish: SUCCESS, or the error the broker sent. */
  private static Mqtt5PubAckReasonCode outcome(CompletableFuture<Mqtt5PublishResult> f) {
    try {
      Mqtt5PublishResult r = f.join();
      if (r instanceof Mqtt5PublishResult.Mqtt5Qos1Result q1) {
        return q1.getPubAck().getReasonCode();
      }
      return r.getError().isPresent() ? Mqtt5PubAckReasonCode.UNSPECIFIED_ERROR : Mqtt5PubAckReasonCode.SUCCESS;
    } catch (CompletionException e) {
      if (e.getCause() instanceof Mqtt5PubAckException pe) {
        return pe.getMqttMessage().getReasonCode();
      }
      return Mqtt5PubAckReasonCode.UNSPECIFIED_ERROR;
    }
  }

  private static Set<String> acked(List<CompletableFuture<Mqtt5PublishResult>> futures, List<String> ids) {
    Set<String> acked = new HashSet<>();
    for (int i = 0; i < futures.size(); i++) {
      if (futures.get(i).isDone() && !outcome(futures.get(i)).isError()) {
        acked.add(ids.get(i));
      }
    }
    return acked;
  }

  private static long ackedCount(List<CompletableFuture<Mqtt5PublishResult>> a,
                                 List<CompletableFuture<Mqtt5PublishResult>> b) {
    List<CompletableFuture<Mqtt5PublishResult>> all = new ArrayList<>(a);
    synchronized (b) {
      all.addAll(b);
    }
    return all.stream().filter(f -> f.isDone() && !outcome(f).isError()).count();
  }

  /** Reads the topic until it holds every id of {@code expected} (or 5 minutes passed); logs duplicates. */
  private static List<String> values(String topic, Set<String> expected) {
    List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.readUntil(kafka.bootstrapServers(), topic, l -> {
      Set<String> seen = new HashSet<>();
      l.forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
      return seen.containsAll(expected);
    }, Duration.ofMinutes(5));
    List<String> values = new ArrayList<>();
    records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    long duplicates = values.size() - new HashSet<>(values).size();
    LOG.info("Kafka topic {}: {} records, {} distinct, {} duplicate(s)", topic, values.size(),
        new HashSet<>(values).size(), duplicates);
    return values;
  }

  @Test
  @Order(1)
  void hundredThousandQos1MessagesAreAllInKafka() {
    Mqtt5AsyncClient pub = client("bulk-pub");
    int n = 100_000;
    List<CompletableFuture<Mqtt5PublishResult>> futures = new ArrayList<>(n);
    List<String> ids = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String id = "bulk-" + i;
      ids.add(id);
      futures.add(publish(pub, "bulk/dev" + (i % 10), text(id)));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.MINUTES).join();
    LOG.info("{} QoS 1 messages acknowledged end-to-end in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
    Set<String> acked = acked(futures, ids);
    assertThat(acked).hasSize(n);
    List<String> values = values("d.bulk", acked);
    Set<String> distinct = new HashSet<>(values);
    assertThat(distinct).isEqualTo(new HashSet<>(ids));
    assertThat(values.size() - distinct.size()).as("duplicates (bounded)").isLessThanOrEqualTo(n / 100);
    pub.disconnect().join();
  }

  @Test
  @Order(2)
  void kafkaDownForThirtySecondsMidStreamLosesNoAcknowledgedMessageInEitherMode() throws Exception {
    Mqtt5AsyncClient e2e = client("outage-e2e");
    Mqtt5AsyncClient buf = client("outage-buf");
    List<CompletableFuture<Mqtt5PublishResult>> e2eF = new ArrayList<>();
    List<CompletableFuture<Mqtt5PublishResult>> bufF = new ArrayList<>();
    List<String> e2eIds = new ArrayList<>();
    List<String> bufIds = new ArrayList<>();
    int before = 500;
    int during = 1500;
    for (int i = 0; i < before; i++) {
      e2eIds.add("e2e-" + i);
      e2eF.add(publish(e2e, "e2e/a", text("e2e-" + i)));
      bufIds.add("buf-" + i);
      bufF.add(publish(buf, "buf/a", text("buf-" + i)));
    }
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(kafka::stop);
    for (int i = before; i < before + during; i++) {
      e2eIds.add("e2e-" + i);
      bufIds.add("buf-" + i);
    }
    // the client's publish call itself blocks once the held-back publisher has too many unacknowledged messages:
    // the end-to-end stream goes on in a thread of its own
    List<CompletableFuture<Mqtt5PublishResult>> e2eLate = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> e2eStream = CompletableFuture.runAsync(() -> {
      for (int i = before; i < before + during; i++) {
        e2eLate.add(publish(e2e, "e2e/a", text("e2e-" + i)));
      }
    });
    for (int i = before; i < before + during; i++) {
      bufF.add(publish(buf, "buf/a", text("buf-" + i)));
    }
    stopping.get(2, TimeUnit.MINUTES);
    long downSince = System.nanoTime();

    // Kafka is down: end-to-end acknowledges nothing more (publisher held back), buffered acknowledges everything.
    // What Kafka answered just before it went may still be on its way to the publisher: wait until the count settles.
    // (Kafka can also have taken the whole stream before it stopped: a batch published now proves the point.)
    java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong(-1);
    await().pollInterval(Duration.ofMillis(250)).during(Duration.ofSeconds(2)).atMost(Duration.ofMinutes(1))
        .until(() -> {
          long n = ackedCount(e2eF, e2eLate);
          return settled.getAndSet(n) == n;
        });
    long ackedAtStop = ackedCount(e2eF, e2eLate);
    Mqtt5AsyncClient e2eAfter = client("outage-e2e-after");
    int after = 50;
    List<CompletableFuture<Mqtt5PublishResult>> afterF = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < after; i++) {
      e2eIds.add("e2e-after-" + i);
    }
    CompletableFuture<Void> afterStream = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < after; i++) {
        afterF.add(publish(e2eAfter, "e2e/a", text("e2e-after-" + i)));
      }
    });
    await().atMost(Duration.ofMinutes(2)).until(() -> bufF.stream().allMatch(CompletableFuture::isDone));
    assertThat(acked(bufF, bufIds)).hasSize(before + during);

    // while down: the small reject-policy spool fills and refuses with 0x97; the drop-oldest one takes everything
    Mqtt5AsyncClient small = client("outage-small");
    Mqtt5AsyncClient oldest = client("outage-oldest");
    List<CompletableFuture<Mqtt5PublishResult>> smallF = new ArrayList<>();
    List<CompletableFuture<Mqtt5PublishResult>> oldestF = new ArrayList<>();
    List<String> smallIds = new ArrayList<>();
    List<String> oldestIds = new ArrayList<>();
    byte[] pad = new byte[1000];
    for (int i = 0; i < 200; i++) {
      String id = String.format("s-%04d", i);
      smallIds.add(id);
      smallF.add(publish(small, "small/a", concat(text(id), pad)));
      String oid = String.format("o-%04d", i);
      oldestIds.add(oid);
      oldestF.add(publish(oldest, "oldest/a", concat(text(oid), pad)));
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> smallF.stream().allMatch(CompletableFuture::isDone)
        && oldestF.stream().allMatch(CompletableFuture::isDone));
    long refused = smallF.stream().filter(f -> outcome(f) == Mqtt5PubAckReasonCode.QUOTA_EXCEEDED).count();
    assertThat(refused).as("refused with 0x97 once the 64 KiB spool is full").isGreaterThan(100);
    assertThat(acked(oldestF, oldestIds)).hasSize(200);
    assertThat(broker.component("oldest").status().getLong("dropped")).isGreaterThan(100);

    await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(45)).until(() ->
        ackedCount(e2eF, e2eLate) <= ackedAtStop && ackedCount(afterF, List.of()) == 0);
    assertThat(afterF).as("the batch published while Kafka is down reached the broker").isNotEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - downSince)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    kafka.start();

    e2eStream.get(5, TimeUnit.MINUTES);
    afterStream.get(5, TimeUnit.MINUTES);
    e2eF.addAll(e2eLate);
    e2eF.addAll(afterF);
    CompletableFuture.allOf(e2eF.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.MINUTES)
        .exceptionally(e -> null).join();
    Set<String> e2eAcked = acked(e2eF, e2eIds);
    LOG.info("end-to-end: {} of {} acknowledged after the outage", e2eAcked.size(), e2eIds.size());
    assertThat(new HashSet<>(values("d.e2e", e2eAcked))).containsAll(e2eAcked);
    assertThat(new HashSet<>(values("d.buf", acked(bufF, bufIds)))).containsAll(acked(bufF, bufIds));

    Set<String> ackedSmall = acked(smallF, smallIds);
    assertThat(prefixes("d.small", got -> got.containsAll(ackedSmall))).containsAll(ackedSmall);
    // drop-oldest: the newest message survived; delivered + dropped covers everything published
    Set<String> oldestGot = prefixes("d.oldest", got -> got.contains("o-0199"));
    assertThat(oldestGot).contains("o-0199");
    assertThat(oldestGot.size() + broker.component("oldest").status().getLong("dropped")).isGreaterThanOrEqualTo(200);
    for (Mqtt5AsyncClient c : List.of(e2e, e2eAfter, buf, small, oldest)) {
      c.disconnect().join();
    }
  }

  /** The 6-character id prefixes of the topic's values, read until {@code done} holds (at most 2 minutes). */
  private static Set<String> prefixes(String topic, java.util.function.Predicate<Set<String>> done) {
    Set<String> got = new HashSet<>();
    KafkaRecords.readUntil(kafka.bootstrapServers(), topic, l -> {
      got.clear();
      l.forEach(r -> got.add(new String(r.value(), 0, 6, StandardCharsets.UTF_8)));
      return done.test(got);
    }, Duration.ofMinutes(2));
    return got;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
