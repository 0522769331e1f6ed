package io.vela.it;

import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static io.vela.it.V5Packets.PROP_TOPIC_ALIAS;
import static io.vela.it.V5Packets.PROP_TOPIC_ALIAS_MAXIMUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MQTT 5 Topic Alias in both directions (spec 3.3.2.3.4): mqtt.topic-alias-maximum, mqtt.outbound-topic-aliases. */
class TopicAliasIT {

  /** Default configuration: inbound Topic Alias Maximum 10, no outbound aliases. */
  static TestBroker broker;
  /** mqtt.outbound-topic-aliases: true. */
  static TestBroker aliasing;
  PubSubClients clients;

  @BeforeAll
  static void startBrokers() {
    broker = TestBroker.start();
    aliasing = TestBroker.start(c -> c.mqtt.outboundTopicAliases = true);
  }

  @AfterAll
  static void stopBrokers() {
    broker.close();
    aliasing.close();
  }

  @BeforeEach
  void openClients() {
    clients = new PubSubClients(broker);
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  // ---------------------------------------------------------------- inbound: client to broker

  @Test
  @DisplayName("[MQTT-3.3.2-12] the broker announces Topic Alias Maximum 10 and accepts aliases 1..10: a topic with an "
      + "alias sets it, an empty topic with the alias uses it, a new topic remaps it; subscribers get full topics")
  void mqtt5_3_3_2_12_inboundAliasesAreSetUsedAndRemapped() throws Exception {
    Mqtt5BlockingClient sub = clients.v5Connected(unique("alias-sub"));
    Inbox inbox = inbox(sub);
    sub.subscribeWith().topicFilter("alias-in/#").qos(MqttQos.AT_LEAST_ONCE).send();

    RawClient raw = clients.raw();
    raw.send(V5Packets.connect(unique("alias-pub")));
    RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.property(PROP_TOPIC_ALIAS_MAXIMUM)).as("Topic Alias Maximum in CONNACK").isEqualTo(10);

    publishAcked(raw, "alias-in/a", 1, 1, "one");
    publishAcked(raw, "", 1, 2, "two");
    publishAcked(raw, "alias-in/b", 1, 3, "three");
    publishAcked(raw, "", 1, 4, "four");
    publishAcked(raw, "alias-in/ten", 10, 5, "five");
    publishAcked(raw, "", 10, 6, "six");

    List<String> got = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Received r = inbox.next();
      got.add(r.topic() + "=" + r.text());
    }
    assertThat(got).containsExactly("alias-in/a=one", "alias-in/a=two", "alias-in/b=three", "alias-in/b=four",
        "alias-in/ten=five", "alias-in/ten=six");
  }

  @Test
  @DisplayName("[MQTT-3.3.2-8] a PUBLISH with Topic Alias 0 gets DISCONNECT 0x94 (Topic Alias invalid)")
  void mqtt5_3_3_2_8_topicAliasZeroIsRefused() throws Exception {
    RawClient raw = connected(unique("alias-zero"));
    raw.send(V5Packets.publish("alias-in/zero", 0, 0, utf8("x"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS, 0)));
    expectDisconnect(raw, 0x94);
  }

  @Test
  @DisplayName("[MQTT-3.3.2-9] with mqtt.topic-alias-maximum 0 the CONNACK has no Topic Alias Maximum and any alias "
      + "gets DISCONNECT 0x94")
  void mqtt5_3_3_2_9_noAliasesWhenTheMaximumIsZero() throws Exception {
    try (TestBroker none = TestBroker.start(c -> c.mqtt.topicAliasMaximum = 0);
         RawClient raw = new RawClient(none.host(), none.port())) {
      raw.send(V5Packets.connect(unique("alias-none")));
      RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
      assertThat(ack.property(PROP_TOPIC_ALIAS_MAXIMUM)).isNull();
      raw.send(V5Packets.publish("alias-in/none", 0, 0, utf8("x"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS, 1)));
      expectDisconnect(raw, 0x94);
    }
  }

  @Test
  @DisplayName("MQTT 5 3.3.2.3.4: an empty topic name with a Topic Alias never set on this connection is a Protocol "
      + "Error: DISCONNECT 0x82")
  void mqtt5_3_3_2_unknownAliasIsAProtocolError() throws Exception {
    RawClient raw = connected(unique("alias-unknown"));
    raw.send(V5Packets.publish("", 1, 1, utf8("x"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS, 3)));
    expectDisconnect(raw, 0x82);
  }

  @Test
  @DisplayName("MQTT 5 3.3.2.3.4: an empty topic name without a Topic Alias is a Protocol Error: DISCONNECT 0x82")
  void mqtt5_3_3_2_emptyTopicWithoutAliasIsAProtocolError() throws Exception {
    RawClient raw = connected(unique("alias-empty"));
    raw.send(V5Packets.publish("", 0, 0, utf8("x")));
    expectDisconnect(raw, 0x82);
  }

  @Test
  @DisplayName("[MQTT-3.3.2-7] topic aliases are not carried to the next connection of the same client: an alias set "
      + "before reconnecting is unknown after it (DISCONNECT 0x82)")
  void mqtt5_3_3_2_7_aliasesEndWithTheConnection() throws Exception {
    String id = unique("alias-reconnect");
    RawClient first = connected(id);
    publishAcked(first, "alias-in/first", 1, 1, "x");
    first.send(RawPackets.disconnect());
    assertThat(first.closedWithin(Duration.ofSeconds(5))).isTrue();

    RawClient second = connected(id);
    second.send(V5Packets.publish("", 1, 2, utf8("y"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS, 1)));
    expectDisconnect(second, 0x82);
  }

  // ---------------------------------------------------------------- outbound: broker to client

  @Test
  @DisplayName("[MQTT-3.1.2-29] [MQTT-3.3.2-11] with mqtt.outbound-topic-aliases the broker gives the first topics an "
      + "alias up to the client's Topic Alias Maximum (topic + alias, then empty topic + alias) and sends later topics "
      + "in full")
  void mqtt5_3_1_2_29_outboundAliasesUpToTheClientsMaximum() throws Exception {
    PubSubClients on = new PubSubClients(aliasing);
    try (on) {
      RawClient sub = on.raw();
      sub.send(V5Packets.connect(unique("alias-out"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS_MAXIMUM, 2)));
      assertThat(RawPackets.connAck(sub.readPacket(), 5).reasonCode()).isZero();
      subscribe(sub, "alias-out/#");

      Mqtt5BlockingClient pub = on.v5Connected(unique("alias-out-pub"));
      for (String t : List.of("a", "b", "c", "a", "b", "c")) {
        pub.publishWith().topic("alias-out/" + t).payload(utf8(t)).send();
      }
      List<RawPackets.Publish> got = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        got.add(RawPackets.publish(sub.readPacket(), 5));
      }
      assertThat(got).extracting(RawPackets.Publish::topic, TopicAliasIT::alias, RawPackets.Publish::payload)
          .containsExactly(
              tuple("alias-out/a", 1, "a"), tuple("alias-out/b", 2, "b"), tuple("alias-out/c", null, "c"),
              tuple("", 1, "a"), tuple("", 2, "b"), tuple("alias-out/c", null, "c"));
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.2-27] [MQTT-3.1.2-28] the client's Maximum Packet Size is checked against the packet as sent: "
      + "a message that fits only because its topic travels as an alias is sent, one byte more is dropped")
  void mqtt5_3_1_2_27_maximumPacketSizeCountsTheAliasedPacket() throws Exception {
    String topic = "alias-mps/" + "t".repeat(30); // 40 bytes
    PubSubClients on = new PubSubClients(aliasing);
    try (on) {
      RawClient sub = on.raw();
      sub.send(V5Packets.connect(unique("alias-mps"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS_MAXIMUM, 1),
          new byte[] {0x27, 0, 0, 0, 100})); // Maximum Packet Size 100
      assertThat(RawPackets.connAck(sub.readPacket(), 5).reasonCode()).isZero();
      subscribe(sub, "alias-mps/#");
      Mqtt5BlockingClient pub = on.v5Connected(unique("alias-mps-pub"));
      // QoS 0, empty topic, alias property (3) + property length (1) + topic length (2): 100 bytes with 92 of payload
      pub.publishWith().topic(topic).payload(utf8("x")).send();
      pub.publishWith().topic(topic).payload(new byte[92]).send();
      pub.publishWith().topic(topic).payload(new byte[93]).send();
      pub.publishWith().topic("alias-mps/end").payload(utf8("end")).send();

      RawPackets.Publish first = RawPackets.publish(sub.readPacket(), 5);
      assertThat(first.topic()).isEqualTo(topic);
      assertThat(alias(first)).isEqualTo(1);
      byte[] second = sub.readPacket();
      assertThat(second).as("exactly the client's maximum").hasSize(100);
      assertThat(RawPackets.publish(second, 5).topic()).isEmpty();
      RawPackets.Publish next = RawPackets.publish(sub.readPacket(), 5);
      assertThat(next.topic()).as("the 101-byte packet was dropped").isEqualTo("alias-mps/end");
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.2-30] a client that announced no Topic Alias Maximum never gets a Topic Alias, even with "
      + "mqtt.outbound-topic-aliases; nor does any client when it is off (the default)")
  void mqtt5_3_1_2_30_noOutboundAliasesUnlessAllowedAndEnabled() throws Exception {
    PubSubClients on = new PubSubClients(aliasing);
    try (on) {
      RawClient sub = on.raw();
      sub.send(V5Packets.connect(unique("alias-out-none")));
      assertThat(RawPackets.connAck(sub.readPacket(), 5).reasonCode()).isZero();
      subscribe(sub, "alias-out-none/#");
      Mqtt5BlockingClient pub = on.v5Connected(unique("alias-out-none-pub"));
      pub.publishWith().topic("alias-out-none/a").payload(utf8("1")).send();
      pub.publishWith().topic("alias-out-none/a").payload(utf8("2")).send();
      for (int i = 0; i < 2; i++) {
        RawPackets.Publish p = RawPackets.publish(sub.readPacket(), 5);
        assertThat(p.topic()).isEqualTo("alias-out-none/a");
        assertThat(alias(p)).isNull();
      }
    }
    RawClient sub = clients.raw();
    sub.send(V5Packets.connect(unique("alias-off"), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS_MAXIMUM, 5)));
    assertThat(RawPackets.connAck(sub.readPacket(), 5).reasonCode()).isZero();
    subscribe(sub, "alias-off/#");
    Mqtt5BlockingClient pub = clients.v5Connected(unique("alias-off-pub"));
    pub.publishWith().topic("alias-off/a").payload(utf8("1")).send();
    pub.publishWith().topic("alias-off/a").payload(utf8("2")).send();
    for (int i = 0; i < 2; i++) {
      RawPackets.Publish p = RawPackets.publish(sub.readPacket(), 5);
      assertThat(p.topic()).isEqualTo("alias-off/a");
      assertThat(alias(p)).isNull();
    }
  }

  @Test
  @DisplayName("[MQTT-3.3.2-10] interop: a HiveMQ client with Topic Alias Maximum 2 gets every message with its full "
      + "topic while the broker sends aliases (QoS 1, more topics than aliases)")
  void mqtt5_3_3_2_10_hivemqClientResolvesOutboundAliases() {
    PubSubClients on = new PubSubClients(aliasing);
    try (on) {
      Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier(unique("alias-hive")).serverHost(aliasing.host())
          .serverPort(aliasing.port()).buildBlocking();
      Inbox inbox = inbox(sub);
      sub.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
      try {
        sub.subscribeWith().topicFilter("alias-hive/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient pub = on.v5Connected(unique("alias-hive-pub"));
        List<String> sent = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
          for (String t : List.of("a", "b", "c")) {
            String topic = "alias-hive/" + t;
            pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8(t + round)).send();
            sent.add(topic + "=" + t + round);
          }
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
          Received r = inbox.next();
          got.add(r.topic() + "=" + r.text());
        }
        assertThat(got).containsExactlyElementsOf(sent);
      } finally {
        sub.disconnect();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private RawClient connected(String id) throws IOException {
    RawClient raw = clients.raw();
    raw.send(V5Packets.connect(id));
    assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isZero();
    return raw;
  }

  private static void publishAcked(RawClient raw, String topic, int alias, int packetId, String payload)
      throws IOException {
    raw.send(V5Packets.publish(topic, 1, packetId, utf8(payload), V5Packets.twoByteProperty(PROP_TOPIC_ALIAS, alias)));
    RawPackets.Ack ack = RawPackets.ack(raw.readPacket());
    assertThat(ack.type()).isEqualTo(RawPackets.PUBACK);
    assertThat(ack.packetId()).isEqualTo(packetId);
    assertThat(ack.reasonCode()).as("PUBACK reason").isIn(0x00, 0x10);
  }

  private static void subscribe(RawClient raw, String filter) throws IOException {
    raw.send(RawPackets.subscribe(5, 1, filter, 0));
    assertThat(RawPackets.subAck(raw.readPacket(), 5).codes()).containsExactly(0);
  }

  private static void expectDisconnect(RawClient raw, int reason) throws IOException {
    byte[] p = raw.readPacket();
    assertThat(RawClient.type(p)).as("packet type").isEqualTo(RawPackets.DISCONNECT);
    assertThat(RawPackets.disconnectReason(p)).as("DISCONNECT reason code").isEqualTo(reason);
    assertThat(raw.closedWithin(Duration.ofSeconds(5))).as("closed after DISCONNECT").isTrue();
  }

  private static Integer alias(RawPackets.Publish p) {
    return p.properties().stream().filter(x -> x.id() == PROP_TOPIC_ALIAS).map(x -> (Integer) x.value()).findFirst()
        .orElse(null);
  }
}
