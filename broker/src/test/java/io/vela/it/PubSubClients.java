package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real MQTT clients (HiveMQ MQTT client for 3.1.1 and 5, {@link RawClient} for hand-made bytes) bound to one
 * {@link TestBroker}, closed together after each test so a failing test leaves no connection behind.
 */
final class PubSubClients implements AutoCloseable {

  /** How long any single expected event may take before a test fails. */
  static final Duration WAIT = Duration.ofSeconds(5);

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final TestBroker broker;
  private final List<Mqtt5BlockingClient> v5 = new ArrayList<>();
  private final List<Mqtt3BlockingClient> v3 = new ArrayList<>();
  private final List<RawClient> raw = new ArrayList<>();

  PubSubClients(TestBroker broker) {
    this.broker = broker;
  }

  /** A client id / topic segment unique in this JVM: {@code prefix-N}. */
  static String unique(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static MqttQos qos(int qos) {
    return MqttQos.fromCode(qos);
  }

  /** An MQTT 5 client, not yet connected. */
  Mqtt5BlockingClient v5(String clientId) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(clientId).serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    v5.add(c);
    return c;
  }

  /** An MQTT 3.1.1 client, not yet connected. */
  Mqtt3BlockingClient v3(String clientId) {
    Mqtt3BlockingClient c = Mqtt3Client.builder().identifier(clientId).serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    v3.add(c);
    return c;
  }

  Mqtt5BlockingClient v5Connected(String clientId) {
    Mqtt5BlockingClient c = v5(clientId);
    c.connect();
    return c;
  }

  Mqtt3BlockingClient v3Connected(String clientId) {
    Mqtt3BlockingClient c = v3(clientId);
    c.connect();
    return c;
  }

  RawClient raw() throws IOException {
    RawClient c = new RawClient(broker.host(), broker.port());
    raw.add(c);
    return c;
  }

  /** A raw client that has sent {@code connect} and read a successful CONNACK. */
  RawClient raw(RawPackets.ConnectBuilder connect, int level) throws IOException {
    RawClient c = raw();
    c.send(connect.build());
    RawPackets.ConnAck ack = RawPackets.connAck(c.readPacket(), level);
    assertThat(ack.reasonCode()).as("CONNACK reason").isZero();
    return c;
  }

  /** Starts collecting every PUBLISH the client receives (call before subscribing or connecting). */
  static Inbox inbox(Mqtt5BlockingClient client) {
    Inbox inbox = new Inbox();
    client.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> inbox.add(Received.of(p)));
    return inbox;
  }

  static Inbox inbox(Mqtt3BlockingClient client) {
    Inbox inbox = new Inbox();
    client.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> inbox.add(Received.of(p)));
    return inbox;
  }

  @Override
  public void close() {
    for (Mqtt5BlockingClient c : v5) {
      if (c.getState().isConnected()) {
        try {
          c.disconnect();
        } catch (RuntimeException ignored) {
          // already going away
        }
      }
    }
    for (Mqtt3BlockingClient c : v3) {
      if (c.getState().isConnected()) {
        try {
          c.disconnect();
        } catch (RuntimeException ignored) {
          // already going away
        }
      }
    }
    for (RawClient c : raw) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closed anyway
      }
    }
  }

  /** One PUBLISH as a subscriber saw it; {@code publish} is the client library's object for version specifics. */
  record Received(String topic, byte[] payload, int qos, boolean retain, Object publish) {

    static Received of(Mqtt5Publish p) {
      return new Received(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(), p);
    }

    static Received of(Mqtt3Publish p) {
      return new Received(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(), p);
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    Mqtt5Publish v5() {
      return (Mqtt5Publish) publish;
    }

    @Override
    public String toString() {
      return topic + " '" + text() + "' qos=" + qos + " retain=" + retain;
    }
  }

  /** What a subscriber received, in order; every read is bounded by {@link #WAIT}. */
  static final class Inbox {
    private final LinkedBlockingQueue<Received> queue = new LinkedBlockingQueue<>();

    void add(Received r) {
      queue.add(r);
    }

    /** The next message; fails the test if none arrives within {@link #WAIT}. */
    Received next() {
      return poll(WAIT).orElseThrow(() -> new AssertionError("no message within " + WAIT));
    }

    Optional<Received> poll(Duration timeout) {
      try {
        return Optional.ofNullable(queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /**
     * Everything received before the first message on {@code markerTopic}, which is consumed. A marker published
     * after the messages under test proves by its arrival that nothing else was on its way before it.
     */
    List<Received> until(String markerTopic) {
      List<Received> before = new ArrayList<>();
      while (true) {
        Received r = poll(WAIT).orElseThrow(() -> new AssertionError("marker " + markerTopic
            + " not received within " + WAIT + "; received before: " + before));
        if (r.topic().equals(markerTopic)) {
          return before;
        }
        before.add(r);
      }
    }

    /**
     * Like {@link #until} for a marker from another source than the messages under test: publishes the marker, waits
     * for it, then does it once more. Deliveries the broker scheduled on another event loop before the first marker
     * was published have been written by the time the second arrives, so "nothing else arrived" is a proof.
     */
    List<Received> settle(String markerTopic, Runnable publishMarker) {
      publishMarker.run();
      List<Received> before = until(markerTopic);
      publishMarker.run();
      before.addAll(until(markerTopic));
      return before;
    }

    /** True if nothing is waiting right now. */
    boolean isEmpty() {
      return queue.isEmpty();
    }
  }
}
