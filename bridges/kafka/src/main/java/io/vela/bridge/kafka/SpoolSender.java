package io.vela.bridge.kafka;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buffered mode: records go to the {@link Spool} first and are sent from it in order, at most
 * {@link #MAX_IN_FLIGHT} at a time; a record leaves the spool once Kafka acknowledged it and every record before it.
 * When a send fails (Kafka unavailable past the producer's delivery timeout) sending starts again from the oldest
 * unacknowledged record after a second, so records can reach Kafka twice but none is skipped. Runs on the bridge's
 * worker context (file I/O).
 */
final class SpoolSender {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolSender.class);
  private static final int MAX_IN_FLIGHT = 1000;
  private static final int RELEASE_EVERY = 500;
  private static final long RETRY_MS = 1000;

  private static final class Pending {
    final Spool.Position next;
    boolean acked;

    Pending(Spool.Position next) {
      this.next = next;
    }
  }

  private final String bridge;
  private final Vertx vertx;
  private final Spool spool;
  private final KafkaProducer<byte[], byte[]> producer;
  private final BridgeConfig.FullPolicy policy;
  private final ToKafkaVerticle.BridgeStats stats;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private Spool.Position readAt;
  private Spool.Position releasable;
  private long releasableCount;
  private int generation;
  private boolean retrying;
  private boolean stopped;
  private long dropped;

  SpoolSender(String bridge, Vertx vertx, Spool spool, KafkaProducer<byte[], byte[]> producer,
              BridgeConfig.FullPolicy policy, ToKafkaVerticle.BridgeStats stats) {
    this.bridge = bridge;
    this.vertx = vertx;
    this.spool = spool;
    this.producer = producer;
    this.policy = policy;
    this.stats = stats;
    this.readAt = spool.head();
    stats.buffered.set(spool.records());
    if (spool.records() > 0) {
      LOG.info("kafka-bridge={} {} record(s) in the spool from before, sending them first", bridge,
          spool.records());
    }
  }

  /**
   * Spools one record (applying the full policy) and sends what it can.
   *
   * @return false when the record was refused (spool full, policy reject): counted and logged
   */
  boolean add(KafkaProducerRecord<byte[], byte[]> record) {
    byte[] data = SpooledRecord.encode(record);
    try {
      while (!spool.fits(data.length)) {
        if (policy == BridgeConfig.FullPolicy.REJECT) {
          drop(1, "refused: spool full (kafka-bridges." + bridge + ".spool.max-bytes)");
          return false;
        }
        long n = spool.dropOldest();
        restartFromHead();
        drop(n, "dropped: oldest spooled record(s) to make room (full-policy drop-oldest)");
      }
      spool.append(data);
    } catch (IOException e) {
      stats.errors.incrementAndGet();
      drop(1, "lost: spool write failed: " + e.getMessage());
      return false;
    }
    stats.buffered.set(spool.records());
    pump();
    return true;
  }

  void start() {
    pump();
  }

  void stop() {
    stopped = true;
    try {
      releaseNow();
      spool.close();
    } catch (IOException e) {
      LOG.warn("kafka-bridge={} spool did not close cleanly: {}", bridge, e.getMessage());
    }
  }

  private void drop(long n, String what) {
    if (n <= 0) {
      return;
    }
    stats.dropped.addAndGet(n);
    long before = dropped;
    dropped += n;
    // every drop is counted; the log says so at the first one and then once per 1000
    if (before == 0 || before / 1000 != dropped / 1000) {
      LOG.warn("kafka-bridge={} {} record(s) {} ({} dropped in all)", bridge, n, what, dropped);
    }
  }

  private void pump() {
    if (stopped || retrying) {
      return;
    }
    try {
      while (pending.size() < MAX_IN_FLIGHT) {
        Spool.Entry e = spool.read(readAt);
        if (e == null) {
          return;
        }
        readAt = e.next();
        Pending p = new Pending(e.next());
        pending.add(p);
        int gen = generation;
        stats.inflight.incrementAndGet();
        producer.send(SpooledRecord.decode(e.data())).onComplete(ar -> {
          stats.inflight.decrementAndGet();
          if (stopped || gen != generation) {
            return;
          }
          if (ar.succeeded()) {
            stats.sent.incrementAndGet();
            stats.connected = true;
            p.acked = true;
            advance();
            pump();
          } else {
            failed(ar.cause());
          }
        });
      }
    } catch (IOException | RuntimeException ex) {
      stats.errors.incrementAndGet();
      LOG.warn("kafka-bridge={} spool read failed: {}", bridge, String.valueOf(ex.getMessage()));
    }
  }

  private void advance() {
    while (!pending.isEmpty() && pending.peek().acked) {
      releasable = pending.poll().next;
      releasableCount++;
    }
    if (releasableCount >= RELEASE_EVERY || pending.isEmpty()) {
      releaseNow();
    }
  }

  private void releaseNow() {
    if (releasable == null) {
      return;
    }
    try {
      spool.release(releasable, releasableCount);
    } catch (IOException e) {
      stats.errors.incrementAndGet();
      LOG.warn("kafka-bridge={} spool head not saved: {}", bridge, e.getMessage());
    }
    releasable = null;
    releasableCount = 0;
    stats.buffered.set(spool.records());
  }

  private void failed(Throwable cause) {
    stats.errors.incrementAndGet();
    stats.connected = false;
    stats.lastError = String.valueOf(cause.getMessage());
    LOG.warn("kafka-bridge={} Kafka did not take a spooled record ({}); resending from the oldest in {} ms",
        bridge, stats.lastError, RETRY_MS);
    releaseNow();
    restartFromHead();
    retrying = true;
    vertx.setTimer(RETRY_MS, id -> {
      retrying = false;
      pump();
    });
  }

  private void restartFromHead() {
    releasable = null;
    releasableCount = 0;
    generation++;
    pending.clear();
    readAt = spool.head();
  }
}
