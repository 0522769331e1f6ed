package io.vela.bench.kafka;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.vela.VelaBroker;
import io.vela.api.ManagedComponent;
import io.vela.config.VelaConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT QoS 1 → Kafka throughput through the Kafka bridge, in both delivery modes, against a running Kafka: a broker
 * with one bridge runs in this JVM; one MQTT 5 client (HiveMQ) publishes {@code --count} QoS 1 messages of
 * {@code --payload} bytes per mode (its in-flight window is the broker's Receive Maximum, 100). Reports acknowledged
 * messages per second and, for the buffered mode, how long until the spool had sent everything to Kafka. Bounded by
 * {@code --timeout-seconds} per mode. Prints one {@code RESULT ...} line per mode on stdout.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.vela.bench.kafka.KafkaBridgeBench --bootstrap 127.0.0.1:9092 [--count 50000]
 * </pre>
 */
public final class KafkaBridgeBench {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeBench.class);

  private KafkaBridgeBench() {
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = null;
    int count = 50_000;
    int payload = 100;
    long timeoutSeconds = 300;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = args[i + 1];
        case "--count" -> count = Integer.parseInt(args[i + 1]);
        case "--payload" -> payload = Integer.parseInt(args[i + 1]);
        case "--timeout-seconds" -> timeoutSeconds = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (bootstrap == null) {
      System.err.println("usage: KafkaBridgeBench --bootstrap HOST:PORT [--count 50000] [--payload 100] "
          + "[--timeout-seconds 300]");
      System.exit(2);
    }
    Path spool = Files.createTempDirectory("vela-bench-spool-");
    String run = Long.toString(System.currentTimeMillis(), 36);
    JsonObject bridges = new JsonObject().put("bench", new JsonObject()
        .put("bootstrap-servers", bootstrap)
        .put("to-kafka", new JsonArray()
            .add(new JsonObject().put("filter", "bench/e2e/#").put("topic", "bench.e2e." + run).put("key", "client-id")
                .put("delivery", "end-to-end"))
            .add(new JsonObject().put("filter", "bench/buf/#").put("topic", "bench.buf." + run).put("key", "client-id")
                .put("delivery", "buffered")))
        .put("spool", new JsonObject().put("dir", spool.toString())));
    VelaConfig config = VelaConfig.forTests();
    config.extensions.put("kafka-bridges", bridges);
    VelaBroker broker = VelaBroker.start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    try {
      ManagedComponent bridge = broker.context().components().stream()
          .filter(c -> c.name().equals("kafka-bridge/bench")).findFirst().orElseThrow();
      // warm-up: creates the topics and fetches their metadata
      run(broker.port("tcp"), "bench/e2e/warm", 1000, payload, timeoutSeconds);
      run(broker.port("tcp"), "bench/buf/warm", 1000, payload, timeoutSeconds);
      double e2e = run(broker.port("tcp"), "bench/e2e/x", count, payload, timeoutSeconds);
      result("end-to-end", count, payload, e2e, e2e);
      long t0 = System.nanoTime();
      double buf = run(broker.port("tcp"), "bench/buf/x", count, payload, timeoutSeconds);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      // drained: nothing left in the spool and nothing waiting for Kafka's acknowledgement
      while ((bridge.status().getLong("buffered") > 0 || bridge.status().getLong("lag") > 0)
          && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20); // a benchmark harness polling a counter, not a test
      }
      double drained = count / ((System.nanoTime() - t0) / 1e9);
      result("buffered", count, payload, buf, drained);
    } finally {
      broker.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static void result(String mode, int count, int payload, double acked, double inKafka) {
    System.out.println(String.format(Locale.ROOT, "RESULT scenario=kafka-%s count=%d payload=%d acked_per_s=%.0f "
        + "in_kafka_per_s=%.0f", mode, count, payload, acked, inKafka));
  }

  /** Publishes {@code count} QoS 1 messages and waits for every PUBACK; returns acknowledged messages per second. */
  private static double run(int port, String topic, int count, int payload, long timeoutSeconds) {
    Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("bench-" + topic.replace('/', '-'))
        .serverHost("127.0.0.1").serverPort(port).buildAsync();
    client.connect().join();
    byte[] body = new byte[payload];
    AtomicLong failed = new AtomicLong();
    CompletableFuture<?>[] acks = new CompletableFuture<?>[count];
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      CompletableFuture<Mqtt5PublishResult> f = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
          .payload(body).send();
      acks[i] = f.whenComplete((r, e) -> {
        if (e != null || r.getError().isPresent()) {
          failed.incrementAndGet();
        }
      });
    }
    CompletableFuture.allOf(acks).orTimeout(timeoutSeconds, TimeUnit.SECONDS).exceptionally(e -> null).join();
    double perSecond = count / ((System.nanoTime() - t0) / 1e9);
    if (failed.get() > 0) {
      LOG.warn("{}: {} of {} publishes not acknowledged", topic, failed.get(), count);
    }
    client.disconnect().join();
    return perSecond;
  }
}
