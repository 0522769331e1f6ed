package io.vela.it;

import static io.vela.it.BadPackets.CONNACK;
import static io.vela.it.BadPackets.DISCONNECT;
import static io.vela.it.BadPackets.SUBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.config.MqttConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configurable limits: connections (global and per listener), topic length and levels, subscriptions per client and
 * queued bytes per session; each refusal with its reason code on the wire and its rejection counter.
 */
class LimitsIT {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private static Mqtt5BlockingClient v5(TestBroker b, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port()).buildBlocking();
  }

  private static Mqtt3BlockingClient v3(TestBroker b, String id) {
    return Mqtt3Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port()).buildBlocking();
  }

  @Test
  @DisplayName("limits.max-connections: past the limit MQTT 5 gets CONNACK 0x97 Quota exceeded, MQTT 3.1.1 return "
      + "code 3; a closed connection frees its slot")
  void globalMaxConnections() {
    try (TestBroker b = TestBroker.start(c -> c.limits.maxConnections = 2)) {
      Mqtt5BlockingClient first = v5(b, "max-1");
      Mqtt5BlockingClient second = v5(b, "max-2");
      first.connect();
      second.connect();

      Mqtt5ConnAckException refused5 = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> v5(b, "max-3").connect());
      assertThat(refused5.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);
      Mqtt3ConnAckException refused3 = catchThrowableOfType(Mqtt3ConnAckException.class,
          () -> v3(b, "max-3").connect());
      assertThat(refused3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE);
      assertThat(b.broker().metrics().rejections("max-connections")).isEqualTo(2);
      assertThat(b.broker().registry().hasSession("max-3")).isFalse();

      first.disconnect();
      await().atMost(WAIT).until(() -> b.broker().registry().guard().openConnections() == 1);
      Mqtt5BlockingClient third = v5(b, "max-3");
      assertThat(third.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      third.disconnect();
      second.disconnect();
    }
  }

  @Test
  @DisplayName("listeners.<name>.max-connections: a socket over the limit is refused at CONNECT (0x97) and, if it "
      + "sends no CONNECT, is closed by the connect timeout")
  void listenerMaxConnections() throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      c.listeners.get("tcp").maxConnections = 1;
      c.mqtt.connectTimeoutSeconds = 2;
    })) {
      Mqtt5BlockingClient first = v5(b, "listener-1");
      first.connect();
      try (RawClient raw = new RawClient(b.host(), b.port())) {
        raw.send(RawClient.connect(5, "listener-2", 30));
        byte[] ack = raw.readPacket();
        assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
        assertThat(BadPackets.connAckCode(ack)).isEqualTo(0x97);
        assertThat(raw.closedWithin(WAIT)).isTrue();
      }
      try (RawClient silent = new RawClient(b.host(), b.port())) {
        assertThat(silent.closedWithin(WAIT)).isTrue();
      }
      assertThat(b.broker().metrics().rejections("listener-max-connections")).isEqualTo(1);
      first.disconnect();
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("limits.max-topic-length: a longer PUBLISH topic is Topic Name invalid: MQTT 5 DISCONNECT 0x90, "
      + "MQTT 3.1.1 close")
  void topicLongerThanTheLimit(int level) throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.limits.maxTopicLength = 16);
         RawClient raw = new RawClient(b.host(), b.port())) {
      raw.send(RawClient.connect(level, "long-topic-" + level, 30));
      assertThat(BadPackets.connAckCode(raw.readPacket())).isZero();
      raw.send(RawClient.publish(level, "a/topic/of/16chr", 0, 0, false, new byte[1])); // 16: fine
      raw.send(RawClient.publish(level, "a/topic/of/17chrs", 0, 0, false, new byte[1]));
      if (level == 5) {
        byte[] d = raw.readPacket();
        assertThat(RawClient.type(d)).isEqualTo(DISCONNECT);
        assertThat(BadPackets.disconnectReason(d)).isEqualTo(0x90);
      }
      assertThat(raw.closedWithin(WAIT)).isTrue();
      assertThat(b.broker().metrics().rejections("topic-length")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a will topic over limits.max-topic-length is refused: MQTT 5 CONNACK 0x90 Topic Name invalid")
  void willTopicOverTheLimit() {
    try (TestBroker b = TestBroker.start(c -> c.limits.maxTopicLength = 8)) {
      Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class, () -> v5(b, "long-will")
          .connectWith().willPublish().topic("will/too/long").payload(new byte[1]).applyWillPublish().send());
      assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.TOPIC_NAME_INVALID);
      assertThat(b.broker().metrics().rejections("topic-length")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("limits.max-topic-levels: PUBLISH with more levels gets DISCONNECT 0x90; SUBSCRIBE gets 0x8F for that "
      + "filter only (MQTT 3.1.1: 0x80)")
  void topicLevels() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.limits.maxTopicLevels = 3)) {
      try (RawClient raw = new RawClient(b.host(), b.port())) {
        raw.send(RawClient.connect(5, "levels-5", 30));
        raw.readPacket();
        raw.send(BadPackets.subscribe(5, 0x82, 1, "a/b/+/d", "a/+/c", "/#"));
        byte[] ack = raw.readPacket();
        assertThat(RawClient.type(ack)).isEqualTo(SUBACK);
        assertThat(List.of(BadPackets.subAckCode(5, ack, 0), BadPackets.subAckCode(5, ack, 1),
            BadPackets.subAckCode(5, ack, 2))).containsExactly(0x8F, 0x00, 0x00);
        raw.send(RawClient.publish(5, "a/b/c", 0, 0, false, new byte[1]));
        raw.send(RawClient.publish(5, "a/b/c/", 0, 0, false, new byte[1]));
        byte[] next = raw.readPacket();
        while (RawClient.type(next) == BadPackets.PUBLISH) {
          next = raw.readPacket(); // our own a/b/c, through a/+/c
        }
        assertThat(RawClient.type(next)).isEqualTo(DISCONNECT);
        assertThat(BadPackets.disconnectReason(next)).isEqualTo(0x90);
      }
      try (RawClient raw = new RawClient(b.host(), b.port())) {
        raw.send(RawClient.connect(4, "levels-4", 30));
        raw.readPacket();
        raw.send(BadPackets.subscribe(4, 0x82, 1, "a/b/c/d", "a/b/c"));
        byte[] ack = raw.readPacket();
        assertThat(BadPackets.subAckCode(4, ack, 0)).isEqualTo(0x80);
        assertThat(BadPackets.subAckCode(4, ack, 1)).isEqualTo(0x00);
      }
      assertThat(b.broker().metrics().rejections("topic-levels")).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("limits.max-subscriptions: filters past the limit get 0x97 Quota exceeded (MQTT 3.1.1: 0x80); "
      + "re-subscribing an existing filter still works")
  void maxSubscriptions(int level) throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.limits.maxSubscriptions = 2);
         RawClient raw = new RawClient(b.host(), b.port())) {
      raw.send(RawClient.connect(level, "subs-" + level, 30));
      raw.readPacket();
      raw.send(BadPackets.subscribe(level, 0x82, 1, "s/1", "s/2", "s/3"));
      byte[] ack = raw.readPacket();
      int refused = level == 5 ? 0x97 : 0x80;
      assertThat(List.of(BadPackets.subAckCode(level, ack, 0), BadPackets.subAckCode(level, ack, 1),
          BadPackets.subAckCode(level, ack, 2))).containsExactly(0x00, 0x00, refused);
      raw.send(BadPackets.subscribe(level, 0x82, 2, "s/2", "s/4"));
      ack = raw.readPacket();
      assertThat(BadPackets.subAckCode(level, ack, 0)).isEqualTo(0x00);
      assertThat(BadPackets.subAckCode(level, ack, 1)).isEqualTo(refused);
      assertThat(b.broker().metrics().rejections("max-subscriptions")).isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(MqttConfig.QueueOverflow.class)
  @DisplayName("mqtt.max-queued-bytes: an offline session keeps at most that many payload bytes; the queue-overflow "
      + "policy decides which messages go, and each drop is counted")
  void maxQueuedBytes(MqttConfig.QueueOverflow policy) throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      c.mqtt.maxQueuedBytes = 1000;
      c.mqtt.queueOverflow = policy;
    })) {
      Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("bytes-sub").serverHost(b.host())
          .serverPort(b.port()).buildBlocking();
      sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
      sub.subscribeWith().topicFilter("bytes/t").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
      // offline for sure (the broker has closed the connection) before anything is published
      await().atMost(WAIT).until(() -> b.broker().registry().connectionCount() == 0);

      Mqtt5BlockingClient pub = v5(b, "bytes-pub");
      pub.connect();
      for (int i = 1; i <= 5; i++) {
        byte[] payload = new byte[300];
        payload[0] = (byte) i;
        pub.publishWith().topic("bytes/t").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
      }
      pub.disconnect();
      // the session queues on its own event loop, possibly just after the PUBACK
      await().atMost(WAIT).until(() -> b.broker().metrics().drops("queue-bytes-full") == 2);

      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        sub.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Optional<Mqtt5Publish> p = publishes.receive(5, TimeUnit.SECONDS);
          assertThat(p).isPresent();
          got.add((int) p.get().getPayloadAsBytes()[0]);
        }
        assertThat(got).containsExactly(policy == MqttConfig.QueueOverflow.DROP_OLDEST ? new Integer[] {3, 4, 5}
            : new Integer[] {1, 2, 3});
        assertThat(publishes.receive(200, TimeUnit.MILLISECONDS)).isEmpty();
      }
      sub.disconnect();
    }
  }
}
