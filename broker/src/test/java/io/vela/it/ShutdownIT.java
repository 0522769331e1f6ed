package io.vela.it;

import static io.vela.it.BadPackets.CONNACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Graceful stop (VelaBroker.stop): what connected clients see and that nothing already routed is lost. */
class ShutdownIT {

  @Test
  @DisplayName("stop: an MQTT 5 client gets DISCONNECT 0x8B (Server shutting down), MQTT 3.1.1 and not yet connected "
      + "clients see a plain close, new connections are refused")
  void stopDisconnectsEveryClientTheWayItsProtocolVersionExpects() throws Exception {
    TestBroker broker = TestBroker.start(c -> c.shutdownTimeoutSeconds = 30);
    CompletableFuture<MqttClientDisconnectedContext> v5Gone = new CompletableFuture<>();
    CompletableFuture<MqttClientDisconnectedContext> v3Gone = new CompletableFuture<>();
    Mqtt5BlockingClient v5 = Mqtt5Client.builder().identifier("shutdown-v5").serverHost(broker.host())
        .serverPort(broker.port()).addDisconnectedListener(v5Gone::complete).buildBlocking();
    Mqtt3BlockingClient v3 = Mqtt3Client.builder().identifier("shutdown-v3").serverHost(broker.host())
        .serverPort(broker.port()).addDisconnectedListener(v3Gone::complete).buildBlocking();
    v5.connect();
    v3.connect();
    try (RawClient rawV3 = new RawClient(broker.host(), broker.port());
         RawClient neverConnected = new RawClient(broker.host(), broker.port())) {
      rawV3.send(RawClient.connect(4, "shutdown-raw-v3", 60));
      assertThat(RawClient.type(rawV3.readPacket())).isEqualTo(CONNACK);

      long start = System.nanoTime();
      broker.close();
      // well within the 30 s shutdown timeout: nobody was waited for until it ran out (room for a slow machine)
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(15_000);

      MqttClientDisconnectedContext v5Ctx = v5Gone.get(5, TimeUnit.SECONDS);
      assertThat(v5Ctx.getSource()).isEqualTo(MqttDisconnectSource.SERVER);
      assertThat(v5Ctx.getCause()).isInstanceOf(Mqtt5DisconnectException.class);
      assertThat(((Mqtt5DisconnectException) v5Ctx.getCause()).getMqttMessage().getReasonCode())
          .isEqualTo(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN);

      MqttClientDisconnectedContext v3Ctx = v3Gone.get(5, TimeUnit.SECONDS);
      assertThat(v3Ctx.getSource()).isEqualTo(MqttDisconnectSource.SERVER);
      assertThat(v3Ctx.getCause()).isInstanceOf(ConnectionClosedException.class);

      // MQTT 3.1.1 has no server DISCONNECT: end of stream, nothing before it
      assertThatThrownBy(rawV3::readPacket).isInstanceOf(IOException.class)
          .isNotInstanceOf(java.net.SocketTimeoutException.class);
      assertThatThrownBy(neverConnected::readPacket).isInstanceOf(IOException.class)
          .isNotInstanceOf(java.net.SocketTimeoutException.class);
    }
    assertThatThrownBy(() -> new Socket(broker.host(), broker.port()).close()).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("stop flushes what was routed before it: QoS 1 messages acknowledged to the publisher all reach the "
      + "connected subscriber before its DISCONNECT 0x8B")
  void messagesRoutedBeforeStopAreDeliveredBeforeTheDisconnect() throws Exception {
    int count = 20; // below mqtt.max-inflight (32): all of them are written to the subscriber at routing time
    TestBroker broker = TestBroker.start();
    Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier("shutdown-pub").serverHost(broker.host())
        .serverPort(broker.port()).buildAsync();
    // a raw subscriber: it sees the exact order of the packets on the wire
    try (RawClient sub = new RawClient(broker.host(), broker.port())) {
      sub.send(RawClient.connect(5, "shutdown-sub", 60));
      assertThat(RawClient.type(sub.readPacket())).isEqualTo(CONNACK);
      byte[] subscribe = BadPackets.subscribe(5, 0x82, 1, "shutdown/flush");
      subscribe[subscribe.length - 1] = 1; // QoS 1
      sub.send(subscribe);
      assertThat(RawClient.type(sub.readPacket())).isEqualTo(BadPackets.SUBACK);
      pub.connect().get(5, TimeUnit.SECONDS);

      List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        acks.add(pub.publishWith().topic("shutdown/flush").qos(MqttQos.AT_LEAST_ONCE)
            .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send());
      }
      // every PUBACK means the broker has routed that message to the subscriber's session
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

      broker.close();

      List<String> received = new ArrayList<>();
      byte[] packet;
      while (RawClient.type(packet = sub.readPacket()) == BadPackets.PUBLISH) {
        received.add(new String(BadPackets.publishPayload(5, packet), StandardCharsets.UTF_8));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        expected.add("m" + i);
      }
      assertThat(received).as("PUBLISHes before the DISCONNECT, in order").isEqualTo(expected);
      assertThat(RawClient.type(packet)).isEqualTo(BadPackets.DISCONNECT);
      assertThat(BadPackets.disconnectReason(packet)).isEqualTo(0x8B);
      assertThat(sub.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  @DisplayName("stop gives up waiting for a client that does not read after shutdown-timeout-seconds, then closes it")
  void stopIsBoundedByTheShutdownTimeoutWhenAClientDoesNotRead() throws Exception {
    TestBroker broker = TestBroker.start(c -> c.shutdownTimeoutSeconds = 1);
    Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier("stuck-pub").serverHost(broker.host())
        .serverPort(broker.port()).buildAsync();
    try (Socket stuck = new Socket()) {
      stuck.setReceiveBufferSize(4096);
      stuck.connect(new InetSocketAddress(broker.host(), broker.port()), 5000);
      stuck.setSoTimeout(5000);
      stuck.getOutputStream().write(BadPackets.connect(5, "stuck-sub", 0x02, 0, null, null));
      stuck.getOutputStream().write(BadPackets.subscribe(5, 0x82, 1, "stuck/#"));
      pub.connect().get(5, TimeUnit.SECONDS);
      // QoS 0 messages until the broker's queue for this subscriber overflows (its socket buffers are full, so a
      // DISCONNECT queued behind them cannot be written)
      byte[] payload = new byte[64 * 1024];
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        for (int i = 0; i < 16; i++) {
          pub.publishWith().topic("stuck/t").payload(payload).send();
        }
        return broker.broker().metrics().drops("queue-full") + broker.broker().metrics().drops("queue-bytes-full")
            > 0;
      });

      long start = System.nanoTime();
      broker.close();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(elapsedMs).isBetween(900L, 5000L);
    }
  }
}
