package io.vela.it;

import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.qos;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos2Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PUBLISH flows end to end: QoS 0/1/2 in both directions, QoS downgrade, flow control, MQTT 5 properties. */
class PublishFlowIT extends SharedBrokerTestBase {

  /** A connected HiveMQ client of either version, reduced to what the version-crossing tests need. */
  private record Peer(Inbox inbox, Subscribe subscribe, Publish publish) {
  }

  private interface Subscribe {
    void apply(String filter, int qos);
  }

  private interface Publish {
    void apply(String topic, int qos, byte[] payload);
  }

  private Peer peer(String version, String clientId) {
    if (version.equals("5")) {
      Mqtt5BlockingClient c = clients.v5(clientId);
      Inbox in = inbox(c);
      c.connect();
      return new Peer(in, (f, q) -> c.subscribeWith().topicFilter(f).qos(qos(q)).send(),
          (t, q, p) -> c.publishWith().topic(t).qos(qos(q)).payload(p).send());
    }
    Mqtt3BlockingClient c = clients.v3(clientId);
    Inbox in = inbox(c);
    c.connect();
    return new Peer(in, (f, q) -> c.subscribeWith().topicFilter(f).qos(qos(q)).send(),
        (t, q, p) -> c.publishWith().topic(t).qos(qos(q)).payload(p).send());
  }

  static Stream<Arguments> versionsAndQos() {
    List<Arguments> all = new ArrayList<>();
    for (String pub : List.of("3.1.1", "5")) {
      for (String sub : List.of("3.1.1", "5")) {
        for (int qos = 0; qos <= 2; qos++) {
          all.add(Arguments.of(pub, sub, qos));
        }
      }
    }
    return all.stream();
  }

  @DisplayName("[MQTT-4.5.0-1] [MQTT-3.8.4-6] a PUBLISH reaches a subscriber granted QoS 2 once, at the published QoS")
  @ParameterizedTest(name = "MQTT {0} publisher -> MQTT {1} subscriber, QoS {2}")
  @MethodSource("versionsAndQos")
  void endToEnd(String pubVersion, String subVersion, int qos) {
    String base = unique("flow");
    Peer sub = peer(subVersion, unique("sub"));
    Peer pub = peer(pubVersion, unique("pub"));
    sub.subscribe().apply(base + "/#", 2);

    pub.publish().apply(base + "/data", qos, utf8("payload-" + qos));
    pub.publish().apply(base + "/marker", 0, utf8("m"));

    List<Received> got = sub.inbox().until(base + "/marker");
    assertThat(got).extracting(Received::topic, Received::text, Received::qos, Received::retain)
        .containsExactly(tuple(base + "/data", "payload-" + qos, qos, false));
  }

  static Stream<Arguments> downgrades() {
    return Stream.of(Arguments.of("3.1.1", 0, 2), Arguments.of("3.1.1", 1, 2), Arguments.of("3.1.1", 0, 1),
        Arguments.of("5", 0, 2), Arguments.of("5", 1, 2), Arguments.of("5", 0, 1));
  }

  @DisplayName("[MQTT-3.8.4-6] (v5 [MQTT-3.8.4-8]) delivery QoS is min(published QoS, granted QoS)")
  @ParameterizedTest(name = "MQTT {0} subscriber granted QoS {1}, published QoS {2}")
  @MethodSource("downgrades")
  void qosIsDowngradedToTheGrantedQos(String subVersion, int granted, int published) {
    String topic = unique("downgrade");
    Peer sub = peer(subVersion, unique("sub"));
    Peer pub = peer("5", unique("pub"));
    sub.subscribe().apply(topic, granted);

    pub.publish().apply(topic, published, utf8("x"));

    Received r = sub.inbox().next();
    assertThat(r.qos()).isEqualTo(granted);
    assertThat(r.text()).isEqualTo("x");
  }

  @DisplayName("[MQTT-3.3.5-1] overlapping subscriptions of a 3.1.1 client: one copy at the highest granted QoS")
  @Test
  void overlappingSubscriptionsDeliverOneCopyAtTheHighestQosV311() {
    String base = unique("overlap3");
    Mqtt3BlockingClient sub = clients.v3(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith()
        .addSubscription().topicFilter(base + "/#").qos(MqttQos.AT_MOST_ONCE).applySubscription()
        .addSubscription().topicFilter(base + "/+").qos(MqttQos.EXACTLY_ONCE).applySubscription()
        .send();
    Mqtt3BlockingClient pub = clients.v3Connected(unique("pub"));

    pub.publishWith().topic(base + "/b").qos(MqttQos.EXACTLY_ONCE).payload(utf8("one")).send();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).extracting(Received::topic, Received::qos)
        .containsExactly(tuple(base + "/b", 2));
  }

  @DisplayName("[MQTT-3.3.4-2] overlapping subscriptions of a v5 client: one copy at the highest granted QoS")
  @Test
  void overlappingSubscriptionsDeliverOneCopyAtTheHighestQosV5() {
    String base = unique("overlap5");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith()
        .addSubscription().topicFilter(base + "/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
        .addSubscription().topicFilter(base + "/+").qos(MqttQos.AT_MOST_ONCE).applySubscription()
        .send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    pub.publishWith().topic(base + "/b").qos(MqttQos.EXACTLY_ONCE).payload(utf8("one")).send();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).extracting(Received::topic, Received::qos)
        .containsExactly(tuple(base + "/b", 1));
  }

  @DisplayName("[MQTT-4.3.3-2] (v5 [MQTT-4.3.3-10] [MQTT-4.3.3-12]) a QoS 2 PUBLISH resent before PUBREL is "
      + "acknowledged again but delivered once; after PUBCOMP the packet id starts a new message")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void inboundQos2IsDeliveredExactlyOnce(int level) throws Exception {
    String topic = unique("exactly-once");
    String marker = topic + "/marker";
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.EXACTLY_ONCE).send();
    RawClient raw = clients.raw(RawPackets.connect(level, unique("raw")), level);

    raw.send(RawPackets.publish(level, topic, 2, 7, false, false, "once"));
    assertThat(RawPackets.ack(raw.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBREC, 7, 0));
    raw.send(RawPackets.publish(level, topic, 2, 7, true, false, "once"));
    assertThat(RawPackets.ack(raw.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBREC, 7, 0));
    raw.send(RawPackets.pubRel(7));
    assertThat(RawPackets.ack(raw.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBCOMP, 7, 0));
    raw.send(RawPackets.publish(level, marker, 0, 0, false, false, "m"));

    assertThat(inbox.until(marker)).extracting(Received::text, Received::qos).containsExactly(tuple("once", 2));

    raw.send(RawPackets.publish(level, topic, 2, 7, false, false, "again"));
    assertThat(RawPackets.ack(raw.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBREC, 7, 0));
    raw.send(RawPackets.pubRel(7));
    assertThat(RawPackets.ack(raw.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBCOMP, 7, 0));
    assertThat(inbox.next().text()).isEqualTo("again");
  }

  @DisplayName("[MQTT-4.3.3-11] PUBREL for an unknown packet id: PUBCOMP, with 0x92 Packet Identifier not found in v5")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void pubRelForAnUnknownPacketIdIsAnsweredWithPubComp(int level) throws Exception {
    RawClient raw = clients.raw(RawPackets.connect(level, unique("raw")), level);

    raw.send(RawPackets.pubRel(4242));

    byte[] pubComp = raw.readPacket();
    assertThat(RawPackets.ack(pubComp))
        .isEqualTo(new RawPackets.Ack(RawPackets.PUBCOMP, 4242, level == 5 ? 0x92 : 0));
    if (level == 4) {
      assertThat(pubComp).as("MQTT 3.1.1 PUBCOMP has no reason code").hasSize(4);
    }
    // the connection stays usable
    raw.send(new byte[] {(byte) 0xC0, 0});
    assertThat(RawClient.type(raw.readPacket())).as("PINGRESP").isEqualTo(13);
  }

  @DisplayName("[MQTT-3.3.4-7] a v5 client with more QoS 2 PUBLISH awaiting PUBREL than the broker's Receive Maximum "
      + "gets DISCONNECT 0x93")
  @Test
  void exceedingTheBrokersReceiveMaximumIsAProtocolError() throws Exception {
    try (TestBroker small = TestBroker.start(cfg -> cfg.mqtt.receiveMaximum = 2);
         PubSubClients local = new PubSubClients(small)) {
      RawClient raw = local.raw();
      raw.send(RawPackets.connect(5, unique("raw")).build());
      RawPackets.ConnAck connAck = RawPackets.connAck(raw.readPacket(), 5);
      assertThat(connAck.property(RawPackets.PROP_RECEIVE_MAXIMUM)).as("announced Receive Maximum").isEqualTo(2);

      raw.send(RawPackets.publish(5, "rm/t", 2, 1, false, false, "1"));
      assertThat(RawPackets.ack(raw.readPacket()).packetId()).isEqualTo(1);
      raw.send(RawPackets.publish(5, "rm/t", 2, 2, false, false, "2"));
      assertThat(RawPackets.ack(raw.readPacket()).packetId()).isEqualTo(2);
      // a resend of a message already awaiting PUBREL does not count again
      raw.send(RawPackets.publish(5, "rm/t", 2, 1, true, false, "1"));
      RawPackets.Ack again = RawPackets.ack(raw.readPacket());
      assertThat(again.type()).isEqualTo(RawPackets.PUBREC);
      assertThat(again.packetId()).isEqualTo(1);
      raw.send(RawPackets.publish(5, "rm/t", 2, 3, false, false, "3"));

      assertThat(RawPackets.disconnectReason(raw.readPacket())).isEqualTo(0x93);
      assertThat(raw.closedWithin(PubSubClients.WAIT)).isTrue();
      assertThat(small.broker().metrics().protocolErrors("RECEIVE_MAXIMUM_EXCEEDED")).isEqualTo(1);
    }
  }

  @DisplayName("[MQTT-3.3.4-9] [MQTT-3.3.4-10] at most Receive Maximum unacknowledged QoS 1 PUBLISH are sent to a "
      + "v5 client; QoS 0 is not held back; each PUBACK lets the next one go")
  @Test
  void outboundInflightWindowFollowsTheClientsReceiveMaximum() {
    String base = unique("window");
    String topic = base + "/q";
    String marker = base + "/marker";
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    LinkedBlockingQueue<Mqtt5Publish> got = new LinkedBlockingQueue<>();
    sub.toAsync().publishes(MqttGlobalPublishFilter.ALL, got::add, true);
    sub.connectWith().restrictions().receiveMaximum(2).applyRestrictions().send();
    sub.subscribeWith().topicFilter(base + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    for (int i = 1; i <= 4; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
    }
    pub.publishWith().topic(marker).qos(MqttQos.AT_MOST_ONCE).payload(utf8("marker")).send();

    List<Mqtt5Publish> first = untilMarker(got, marker);
    assertThat(first).extracting(p -> new String(p.getPayloadAsBytes())).containsExactly("m1", "m2");

    first.get(0).acknowledge();
    Mqtt5Publish third = take(got);
    assertThat(new String(third.getPayloadAsBytes())).isEqualTo("m3");
    pub.publishWith().topic(marker).qos(MqttQos.AT_MOST_ONCE).payload(utf8("marker")).send();
    assertThat(untilMarker(got, marker)).as("still only two unacknowledged").isEmpty();

    first.get(1).acknowledge();
    third.acknowledge();
    Mqtt5Publish fourth = take(got);
    assertThat(new String(fourth.getPayloadAsBytes())).isEqualTo("m4");
    fourth.acknowledge();
  }

  private static Mqtt5Publish take(LinkedBlockingQueue<Mqtt5Publish> q) {
    try {
      Mqtt5Publish p = q.poll(PubSubClients.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(p).as("a PUBLISH within " + PubSubClients.WAIT).isNotNull();
      return p;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static List<Mqtt5Publish> untilMarker(LinkedBlockingQueue<Mqtt5Publish> q, String marker) {
    List<Mqtt5Publish> before = new ArrayList<>();
    while (true) {
      Mqtt5Publish p = take(q);
      if (p.getTopic().toString().equals(marker)) {
        p.acknowledge();
        return before;
      }
      before.add(p);
    }
  }

  @DisplayName("[MQTT-3.1.2-27] [MQTT-3.1.2-28] nothing larger than the client's Maximum Packet Size is sent; an "
      + "oversized QoS 1 message is dropped as if delivered and does not hold a Receive Maximum slot")
  @Test
  void packetsAboveTheClientsMaximumPacketSizeAreNotSent() {
    String base = unique("max-packet");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connectWith().restrictions().maximumPacketSize(256).receiveMaximum(1).applyRestrictions().send();
    sub.subscribeWith().topicFilter(base + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    long dropsBefore = broker.broker().metrics().drops("packet-too-large");

    pub.publishWith().topic(base + "/big").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[300]).send();
    pub.publishWith().topic(base + "/big0").qos(MqttQos.AT_MOST_ONCE).payload(new byte[300]).send();
    pub.publishWith().topic(base + "/props").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[100])
        .userProperties().add("k", "v".repeat(200)).applyUserProperties().send();
    pub.publishWith().topic(base + "/small").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[150]).send();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).extracting(Received::topic).containsExactly(base + "/small");
    assertThat(sub.getState().isConnected()).isTrue();
    assertThat(broker.broker().metrics().drops("packet-too-large") - dropsBefore).isEqualTo(3);
  }

  @DisplayName("MQTT 3.1.4: packets sent right behind CONNECT, before CONNACK, in the same TCP segment are "
      + "processed in order")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void packetsPipelinedBehindConnectAreProcessed(int level) throws Exception {
    String topic = unique("pipelined");
    RawClient raw = clients.raw();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(RawPackets.connect(level, unique("raw")).build());
    all.writeBytes(RawPackets.subscribe(level, 1, topic, 1));
    all.writeBytes(RawPackets.publish(level, topic, 1, 2, false, false, "to myself"));

    raw.send(all.toByteArray());

    assertThat(RawPackets.connAck(raw.readPacket(), level).reasonCode()).isZero();
    assertThat(RawPackets.subAck(raw.readPacket(), level).codes()).containsExactly(1);
    List<Integer> types = new ArrayList<>();
    RawPackets.Publish delivered = null;
    for (int i = 0; i < 2; i++) {
      byte[] p = raw.readPacket();
      types.add(RawClient.type(p));
      if (RawClient.type(p) == RawPackets.PUBLISH) {
        delivered = RawPackets.publish(p, level);
      }
    }
    assertThat(types).containsExactlyInAnyOrder(RawPackets.PUBACK, RawPackets.PUBLISH);
    assertThat(delivered.payload()).isEqualTo("to myself");
  }

  @DisplayName("[MQTT-3.3.2-4] [MQTT-3.3.2-6] [MQTT-3.3.2-15..18] [MQTT-3.3.2-20] payload and v5 properties are "
      + "forwarded unaltered, user properties in order")
  @Test
  void payloadAndPropertiesArriveUnchanged() {
    String topic = unique("props");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    byte[] payload = {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 0, 'x'};
    byte[] correlation = {9, 8, 7, 0, (byte) 0x80};

    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload)
        .contentType("application/x-vela; v=1")
        .responseTopic("reply/" + topic)
        .correlationData(correlation)
        .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UNSPECIFIED)
        .messageExpiryInterval(3600)
        .userProperties().add("z", "1").add("a", "2").add("z", "0").add("k", "").applyUserProperties()
        .send();

    Mqtt5Publish p = inbox.next().v5();
    assertThat(p.getPayloadAsBytes()).isEqualTo(payload);
    assertThat(p.getContentType()).hasValueSatisfying(ct -> assertThat(ct.toString())
        .isEqualTo("application/x-vela; v=1"));
    assertThat(p.getResponseTopic()).hasValueSatisfying(rt -> assertThat(rt.toString()).isEqualTo("reply/" + topic));
    assertThat(p.getCorrelationData()).hasValueSatisfying(cd -> assertThat(bytes(cd)).isEqualTo(correlation));
    assertThat(p.getPayloadFormatIndicator()).hasValue(Mqtt5PayloadFormatIndicator.UNSPECIFIED);
    assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(3590L, 3600L);
    assertThat(p.getUserProperties().asList()).extracting(up -> up.getName().toString(), up -> up.getValue().toString())
        .containsExactly(tuple("z", "1"), tuple("a", "2"), tuple("z", "0"), tuple("k", ""));

    pub.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(utf8("{\"utf8\":\"ü\"}"))
        .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).send();
    Mqtt5Publish utf8 = inbox.next().v5();
    assertThat(utf8.getPayloadFormatIndicator()).hasValue(Mqtt5PayloadFormatIndicator.UTF_8);
    assertThat(utf8.getMessageExpiryInterval()).as("no expiry when none was set").isEmpty();
    assertThat(utf8.getUserProperties().asList()).isEmpty();
  }

  @DisplayName("[MQTT-3.3.2-17] [MQTT-3.3.2-18] user properties are forwarded when they are the only properties")
  @Test
  void userPropertiesAloneAreForwarded() throws Exception {
    String topic = unique("only-user-props");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    RawClient raw = clients.raw(RawPackets.connect(5, unique("raw")), 5);

    ByteArrayOutputStream props = new ByteArrayOutputStream();
    props.writeBytes(RawPackets.userProperty("b", "2"));
    props.writeBytes(RawPackets.userProperty("a", "1"));
    raw.send(RawPackets.publishV5(topic, 1, 1, props.toByteArray(), "x"));
    assertThat(RawPackets.ack(raw.readPacket()).packetId()).isEqualTo(1);

    assertThat(inbox.next().v5().getUserProperties().asList())
        .extracting(p -> p.getName().toString(), p -> p.getValue().toString())
        .containsExactly(tuple("b", "2"), tuple("a", "1"));
  }

  @DisplayName("[MQTT-3.3.4-6] a PUBLISH from a client carrying a Subscription Identifier is a Protocol Error: "
      + "DISCONNECT 0x82, not routed")
  @Test
  void subscriptionIdentifierInAClientPublishIsAProtocolError() throws Exception {
    String topic = unique("client-sub-id");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    RawClient raw = clients.raw(RawPackets.connect(5, unique("raw")), 5);

    raw.send(RawPackets.publishV5(topic, 1, 1, RawPackets.subscriptionIdProperty(5), "x"));

    assertThat(RawPackets.disconnectReason(raw.readPacket())).isEqualTo(0x82);
    assertThat(raw.closedWithin(PubSubClients.WAIT)).isTrue();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(utf8("marker")).send();
    assertThat(inbox.next().text()).as("the offending PUBLISH was not routed").isEqualTo("marker");
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @DisplayName("MQTT 5 3.4.2.1: PUBACK / PUBREC carry 0x10 No matching subscribers when nobody subscribed, "
      + "0x00 otherwise")
  @Test
  void acknowledgementsTellWhetherAnybodySubscribed() {
    String topic = unique("nobody");
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    Mqtt5Qos1Result q1 = (Mqtt5Qos1Result) pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
        .payload(utf8("x")).send();
    Mqtt5Qos2Result q2 = (Mqtt5Qos2Result) pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE)
        .payload(utf8("x")).send();
    assertThat(q1.getPubAck().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
    assertThat(q2.getPubRec().getReasonCode()).isEqualTo(Mqtt5PubRecReasonCode.NO_MATCHING_SUBSCRIBERS);

    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_MOST_ONCE).send();
    Mqtt5Qos1Result matched = (Mqtt5Qos1Result) pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
        .payload(utf8("x")).send();
    assertThat(matched.getPubAck().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    assertThat(inbox.next().qos()).isZero();
  }

  @DisplayName("[MQTT-4.6.0-5] [MQTT-4.6.0-6] QoS 1 messages from one publisher arrive in the order they were "
      + "published")
  @Test
  void orderIsKeptPerPublisher() {
    String topic = unique("order");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sent.add("m" + i);
      pub.toAsync().publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
    }
    List<String> received = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      received.add(inbox.next().text());
    }
    assertThat(received).containsExactlyElementsOf(sent);
  }
}
