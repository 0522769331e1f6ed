package io.vela.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** Publishers and subscribers of the load scenarios; every callback runs on the client's event loop. */
final class Streams {

  private Streams() {
  }

  /** Payload layout: sequence number (8 bytes), System.nanoTime() at send (8), publisher index (4), zeros. */
  static ByteBuf payload(ByteBufAllocator alloc, int size, long seq, int publisher) {
    ByteBuf b = alloc.buffer(size);
    b.writeLong(seq).writeLong(System.nanoTime()).writeInt(publisher);
    b.writeZero(size - 20);
    return b;
  }

  /**
   * Publishes {@code count} messages. QoS 1: keeps at most {@code window} unacknowledged, refilled after each read
   * burst of PUBACKs. QoS 0: writes while the channel is writable, in batches of 256 with one flush each, and yields
   * the event loop between batches. With {@code rate > 0} (messages per second) sends on a 1 ms tick instead.
   */
  static final class Publisher implements Client.Listener {
    final Client client;
    final String topic;
    final int qos;
    final long count;
    final int window;
    final int index;
    final int payloadSize;
    final double rate;
    long sent;
    int inflight;
    long startNanos;
    final AtomicLong acked = new AtomicLong();
    volatile long lastAckNanos;
    volatile long lastSendNanos;
    volatile long maxSendLagNanos;

    Publisher(Client client, String topic, int qos, long count, int window, int index, int payloadSize,
              double rate) {
      this.client = client;
      this.topic = topic;
      this.qos = qos;
      this.count = count;
      this.window = window;
      this.index = index;
      this.payloadSize = payloadSize;
      this.rate = rate;
      client.listener(this);
    }

    void start() {
      client.channel().eventLoop().execute(() -> {
        startNanos = System.nanoTime();
        if (rate > 0) {
          client.channel().eventLoop().scheduleAtFixedRate(this::tick, 0, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
          pump();
        }
      });
    }

    private void send() {
      int packetId = (int) (sent % 65535) + 1;
      client.publish(topic, qos, packetId, payload(client.channel().alloc(), payloadSize, sent, index));
      sent++;
      if (qos > 0) {
        inflight++;
      }
    }

    private void tick() {
      long now = System.nanoTime();
      long due = Math.min(count, (long) ((now - startNanos) / 1e9 * rate) + 1);
      if (sent < due) {
        // how late the oldest message of this tick is against its schedule: the timestamp in the payload is the
        // actual send time, so a publisher that falls behind would hide latency (coordinated omission); this says
        // whether it did
        maxSendLagNanos = Math.max(maxSendLagNanos, now - (startNanos + (long) (sent * 1e9 / rate)));
      }
      while (sent < due && (qos == 0 || inflight < window)) {
        send();
      }
      client.flush();
      lastSendNanos = System.nanoTime();
    }

    private void pump() {
      if (rate > 0) {
        return;
      }
      if (qos > 0) {
        while (inflight < window && sent < count) {
          send();
        }
        client.flush();
        return;
      }
      int n = 0;
      while (sent < count && client.writable() && n < 256) {
        send();
        n++;
      }
      client.flush();
      lastSendNanos = System.nanoTime();
      if (sent < count && client.writable()) {
        client.channel().eventLoop().execute(this::pump); // let the other connections on this loop read
      }
    }

    @Override
    public void onPubAck(Client c, int packetId) {
      inflight--;
      lastAckNanos = System.nanoTime();
      acked.lazySet(acked.get() + 1);
    }

    @Override
    public void onReadComplete(Client c) {
      if (qos > 0) {
        pump();
      }
    }

    @Override
    public void onWritable(Client c) {
      if (qos == 0) {
        pump();
      }
    }
  }

  /**
   * Counts what arrives; optionally checks the sequence numbers of each publisher (lost, duplicated, out of order)
   * and records the latency from the timestamp in the payload.
   */
  static final class Subscriber implements Client.Listener {
    final AtomicLong received = new AtomicLong();
    volatile long lastNanos;
    private final BitSet[] seen;
    private final long[] highest;
    long duplicates;
    long outOfOrder;
    long distinct;
    final Histogram latencyMicros;
    private final long recordFromSeq;

    /** @param publishers sequence numbers are checked per publisher index below this; 0 = no check */
    Subscriber(int publishers, Histogram latencyMicros, long recordFromSeq) {
      this.seen = new BitSet[publishers];
      this.highest = new long[publishers];
      for (int i = 0; i < publishers; i++) {
        seen[i] = new BitSet();
        highest[i] = -1;
      }
      this.latencyMicros = latencyMicros;
      this.recordFromSeq = recordFromSeq;
    }

    @Override
    public void onPublish(Client c, MqttPublishMessage m) {
      long now = System.nanoTime();
      ByteBuf p = m.payload();
      int at = p.readerIndex();
      if (seen.length > 0 || latencyMicros != null) {
        long seq = p.getLong(at);
        if (seen.length > 0) {
          int pub = p.getInt(at + 16);
          BitSet s = seen[pub];
          if (s.get((int) seq)) {
            duplicates++;
          } else {
            s.set((int) seq);
            distinct++;
            if (seq < highest[pub]) {
              outOfOrder++;
            } else {
              highest[pub] = seq;
            }
          }
        }
        if (latencyMicros != null && seq >= recordFromSeq) {
          latencyMicros.recordValue(Math.max(0, (now - p.getLong(at + 8)) / 1000));
        }
      }
      lastNanos = now;
      received.lazySet(received.get() + 1);
    }
  }
}
