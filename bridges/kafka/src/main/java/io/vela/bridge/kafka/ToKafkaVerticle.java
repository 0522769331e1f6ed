package io.vela.bridge.kafka;

import io.vela.api.BrokerContext;
import io.vela.api.ConfirmingSubscriber;
import io.vela.api.Message;
import io.vela.api.QuotaExceededException;
import io.vela.api.SubscriptionOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT to Kafka for one bridge: one subscriber per mapping on this verticle's context, one idempotent producer
 * ({@code acks=all}). In end-to-end mode the publisher's PUBACK/PUBREC waits until Kafka acknowledged the record.
 */
final class ToKafkaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ToKafkaVerticle.class);

  private final BridgeConfig config;
  private final BrokerContext broker;
  private final BridgeStats stats;
  private final List<MappingSubscriber> subscribers = new ArrayList<>();
  private KafkaProducer<byte[], byte[]> producer;
  private SpoolSender spool;
  private volatile boolean running;

  ToKafkaVerticle(BridgeConfig config, BrokerContext broker, BridgeStats stats) {
    this.config = config;
    this.broker = broker;
    this.stats = stats;
  }

  static Map<String, String> producerConfig(BridgeConfig config) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", config.bootstrapServers());
    p.put("linger.ms", "5");
    p.put("delivery.timeout.ms", "120000");
    p.put("client.id", "vela-" + config.name());
    if (config.buffered()) {
      // the spool sender runs on a worker context: fail fast (and retry from the spool) instead of blocking it for
      // the default 60 s while Kafka's metadata is unavailable
      p.put("max.block.ms", "1000");
    }
    p.putAll(config.producer());
    // the guarantee rests on these: not overridable
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return p;
  }

  @Override
  public Future<?> start() {
    producer = KafkaProducer.create(vertx, producerConfig(config));
    producer.exceptionHandler(e -> {
      stats.errors.incrementAndGet();
      LOG.warn("kafka-bridge={} producer error: {}", config.name(), String.valueOf(e.getMessage()));
    });
    if (config.buffered()) {
      BridgeConfig.SpoolConfig sc = config.spool();
      spool = new SpoolSender(config.name(), vertx, new Spool(java.nio.file.Path.of(sc.dir()), sc.maxBytes(),
          sc.segmentBytes()), producer, sc.fullPolicy(), stats);
      spool.start();
    }
    running = true;
    List<BridgeConfig.ToKafka> mappings = config.toKafka();
    for (int i = 0; i < mappings.size(); i++) {
      BridgeConfig.ToKafka m = mappings.get(i);
      MappingSubscriber s = new MappingSubscriber("$bridge/" + config.name() + "/" + i, new RecordMapper(m));
      subscribers.add(s);
      // retain handling 2: no retained messages at subscribe time; retain-as-published keeps the flag for headers
      broker.subscribe(s, m.subscribeFilter(), new SubscriptionOptions(m.qos(), false, true, 2, 0));
    }
    LOG.info("kafka-bridge={} to Kafka {}: {} mapping(s)", config.name(), config.bootstrapServers(),
        mappings.size());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    for (MappingSubscriber s : subscribers) {
      broker.unsubscribe(s, s.mapper.mapping().subscribeFilter());
    }
    if (spool != null) {
      spool.stop(); // what Kafka has not acknowledged stays in the spool for the next start
    }
    // records already handed to the producer are flushed; their publishers are acknowledged when Kafka confirms
    return producer.flush().transform(ar -> producer.close());
  }

  private Future<Void> send(MappingSubscriber s, Message m) {
    KafkaProducerRecord<byte[], byte[]> record;
    try {
      record = s.mapper.record(m);
    } catch (RuntimeException e) {
      stats.errors.incrementAndGet();
      return Future.failedFuture(e);
    }
    if (!RecordMapper.validTopic(record.topic())) {
      stats.errors.incrementAndGet();
      stats.dropped.incrementAndGet();
      LOG.warn("kafka-bridge={} topic '{}' of MQTT topic '{}' is not a valid Kafka topic: message dropped",
          config.name(), record.topic(), m.topic());
      return Future.failedFuture("invalid Kafka topic " + record.topic());
    }
    stats.inflight.incrementAndGet();
    return producer.send(record).transform(ar -> {
      stats.inflight.decrementAndGet();
      if (ar.succeeded()) {
        stats.sent.incrementAndGet();
        stats.connected = true;
        return Future.<Void>succeededFuture();
      }
      stats.errors.incrementAndGet();
      stats.connected = false;
      stats.lastError = String.valueOf(ar.cause().getMessage());
      LOG.warn("kafka-bridge={} record for MQTT topic '{}' not written to Kafka: {}", config.name(), m.topic(),
          stats.lastError);
      return Future.<Void>failedFuture(ar.cause());
    });
  }

  /** One mapping's subscription. */
  private final class MappingSubscriber implements ConfirmingSubscriber {
    private final String id;
    private final RecordMapper mapper;

    MappingSubscriber(String id, RecordMapper mapper) {
      this.id = id;
      this.mapper = mapper;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Context context() {
      return ToKafkaVerticle.this.context;
    }

    private boolean buffered() {
      return mapper.mapping().delivery() == BridgeConfig.Delivery.BUFFERED;
    }

    /**
     * Always: end-to-end waits for Kafka, buffered for the record to be in the spool (so a refusal when the spool is
     * full reaches the publisher as PUBACK 0x97 instead of an acknowledged message being dropped).
     */
    @Override
    public boolean confirms(Message message, int qos) {
      return true;
    }

    @Override
    public void deliverConfirmed(Message message, int qos, boolean retainFlag, int[] subscriptionIds,
                                 Promise<Void> done) {
      if (!running) {
        done.fail("kafka-bridge " + config.name() + " is stopped");
        return;
      }
      if (buffered()) {
        if (spool(message.withRetain(retainFlag))) {
          done.complete();
        } else {
          done.fail(new QuotaExceededException("kafka-bridge " + config.name() + " spool is full"));
        }
        return;
      }
      send(this, message.withRetain(retainFlag)).onComplete(done);
    }

    private boolean spool(Message m) {
      KafkaProducerRecord<byte[], byte[]> record = mapper.record(m);
      if (!RecordMapper.validTopic(record.topic())) {
        stats.errors.incrementAndGet();
        stats.dropped.incrementAndGet();
        LOG.warn("kafka-bridge={} topic '{}' of MQTT topic '{}' is not a valid Kafka topic: message dropped",
            config.name(), record.topic(), m.topic());
        return true;
      }
      return spool.add(record);
    }

    @Override
    public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
      if (!running) {
        stats.dropped.incrementAndGet();
        return;
      }
      if (buffered()) {
        spool(message.withRetain(retainFlag));
        return;
      }
      // QoS 0, or a publisher nobody waits for (will, broker messages): at most once
      send(this, message.withRetain(retainFlag));
    }
  }

  /** Counters shared with the component's status. */
  static final class BridgeStats {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong inflight = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
    /** Kafka to MQTT with commit-after acknowledged: records routed, waiting for their receivers' acknowledgements. */
    final AtomicLong unacknowledged = new AtomicLong();
    final AtomicLong buffered = new AtomicLong();
    volatile boolean connected;
    volatile String lastError;
  }
}
