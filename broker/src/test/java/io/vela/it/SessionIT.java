package io.vela.it;

import static io.vela.it.PubSubClients.WAIT;
import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.vela.config.MqttConfig;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import io.vela.session.SessionRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Session state across connections: clean start, persistence, queueing, redelivery, expiry. */
class SessionIT extends SharedBrokerTestBase {

  private static SessionRegistry registry(TestBroker b) {
    return b.broker().registry();
  }

  @DisplayName("[MQTT-3.1.2-6] [MQTT-3.2.2-1] CleanSession=1 discards the stored session: no queued messages, "
      + "no subscriptions, Session Present 0")
  @Test
  void cleanSessionDiscardsStoredState() {
    String id = unique("clean3");
    String base = unique("clean3-topic");
    Mqtt3BlockingClient first = clients.v3(id);
    first.connectWith().cleanSession(false).send();
    first.subscribeWith().topicFilter(base + "/data").qos(MqttQos.AT_LEAST_ONCE).send();
    first.disconnect();
    Mqtt3BlockingClient pub = clients.v3Connected(unique("pub"));
    pub.publishWith().topic(base + "/data").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("queued")).send();

    Mqtt3BlockingClient again = clients.v3(id);
    Inbox inbox = inbox(again);
    assertThat(again.connectWith().cleanSession(true).send().isSessionPresent()).isFalse();
    again.subscribeWith().topicFilter(base + "/marker").qos(MqttQos.AT_MOST_ONCE).send();
    pub.publishWith().topic(base + "/data").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("live")).send();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).as("neither the queued message nor the old subscription").isEmpty();
    again.disconnect();
    await().atMost(WAIT).until(() -> !registry(broker).hasSession(id));
  }

  @DisplayName("[MQTT-3.1.2-4] [MQTT-3.2.2-2] (v5) Clean Start=1 discards the stored session, Session Present 0")
  @Test
  void cleanStartDiscardsStoredStateV5() {
    String id = unique("clean5");
    String base = unique("clean5-topic");
    Mqtt5BlockingClient first = clients.v5(id);
    first.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
    first.subscribeWith().topicFilter(base + "/data").qos(MqttQos.AT_LEAST_ONCE).send();
    first.disconnect();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(base + "/data").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("queued")).send();

    Mqtt5BlockingClient again = clients.v5(id);
    Inbox inbox = inbox(again);
    assertThat(again.connectWith().cleanStart(true).sessionExpiryInterval(300).send().isSessionPresent()).isFalse();
    again.subscribeWith().topicFilter(base + "/marker").qos(MqttQos.AT_MOST_ONCE).send();
    pub.publishWith().topic(base + "/data").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("live")).send();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).isEmpty();
  }

  @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.2-5] [MQTT-3.2.2-2] [MQTT-3.2.2-3] (3.1.1) CleanSession=0 keeps "
      + "subscriptions and QoS 1/2 messages while offline, QoS 0 is not queued; Session Present 0 then 1")
  @Test
  void persistentSessionQueuesQos1And2WhileOfflineV311() {
    String id = unique("persist3");
    String base = unique("persist3-topic");
    Mqtt3BlockingClient sub = clients.v3(id);
    Inbox inbox = inbox(sub);
    assertThat(sub.connectWith().cleanSession(false).send().isSessionPresent()).isFalse();
    sub.subscribeWith().topicFilter(base + "/#").qos(MqttQos.EXACTLY_ONCE).send();
    sub.disconnect();
    await().atMost(WAIT).until(() -> !broker.broker().registry().isOnline(id)); // DISCONNECT processed

    Mqtt3BlockingClient pub = clients.v3Connected(unique("pub"));
    // the QoS 0 one first: the acknowledged QoS 1 and 2 publishes after it prove it was routed while offline
    pub.publishWith().topic(base + "/c").qos(MqttQos.AT_MOST_ONCE).payload(utf8("zero")).send();
    pub.publishWith().topic(base + "/a").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("one")).send();
    pub.publishWith().topic(base + "/b").qos(MqttQos.EXACTLY_ONCE).payload(utf8("two")).send();

    assertThat(sub.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).extracting(Received::text, Received::qos)
        .containsExactly(tuple("one", 1), tuple("two", 2));
  }

  @DisplayName("[MQTT-3.1.2-5] [MQTT-3.1.2-25] [MQTT-3.2.2-3] (v5) Clean Start=0 with a Session Expiry Interval "
      + "keeps subscriptions and QoS 1/2 messages while offline; Session Present 1")
  @Test
  void persistentSessionQueuesQos1And2WhileOfflineV5() {
    String id = unique("persist5");
    String base = unique("persist5-topic");
    Mqtt5BlockingClient sub = clients.v5(id);
    Inbox inbox = inbox(sub);
    assertThat(sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isFalse();
    sub.subscribeWith().topicFilter(base + "/#").qos(MqttQos.EXACTLY_ONCE).send();
    sub.disconnect();
    await().atMost(WAIT).until(() -> !broker.broker().registry().isOnline(id)); // DISCONNECT processed

    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(base + "/a").qos(MqttQos.EXACTLY_ONCE).payload(utf8("two")).send();
    pub.publishWith().topic(base + "/b").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("one")).send();

    assertThat(sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent()).isTrue();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

    assertThat(inbox.until(base + "/marker")).extracting(Received::text, Received::qos)
        .containsExactly(tuple("two", 2), tuple("one", 1));
  }

  @DisplayName("[MQTT-3.3.2-5] [MQTT-3.3.2-6] (v5) a queued message whose Message Expiry Interval passed while the "
      + "session was offline is dropped; the others carry the remaining interval")
  @Test
  void expiredQueuedMessagesAreNotDelivered() {
    try (TestBroker own = TestBroker.start();
         PubSubClients local = new PubSubClients(own)) {
      String id = unique("expiry");
      Mqtt5BlockingClient sub = local.v5(id);
      Inbox inbox = inbox(sub);
      sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
      sub.subscribeWith().topicFilter("expiry/q").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("expiry/marker").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
      await().atMost(WAIT).until(() -> registry(own).connectionCount() == 0);

      Mqtt5BlockingClient pub = local.v5Connected(unique("pub"));
      pub.publishWith().topic("expiry/q").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("short"))
          .messageExpiryInterval(1).send();
      pub.publishWith().topic("expiry/q").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("long"))
          .messageExpiryInterval(120).send();
      // a clock the broker reads itself: a retained message with the same 1 s expiry, published after "short"
      pub.publishWith().topic("expiry/clock").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(utf8("tick"))
          .messageExpiryInterval(1).send();
      await().atMost(WAIT).until(() -> registry(own).dispatcher().retained().match("expiry/clock").isEmpty());

      sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
      pub.publishWith().topic("expiry/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

      List<Received> got = inbox.until("expiry/marker");
      assertThat(got).extracting(Received::text).containsExactly("long");
      assertThat(got.get(0).v5().getMessageExpiryInterval().getAsLong()).isBetween(100L, 119L);
      assertThat(own.broker().metrics().drops("expired")).isEqualTo(1);
    }
  }

  @DisplayName("mqtt.queue-qos0=true: QoS 0 messages are queued for an offline persistent session too")
  @Test
  void qos0IsQueuedWhenConfigured() {
    try (TestBroker own = TestBroker.start(cfg -> cfg.mqtt.queueQos0 = true);
         PubSubClients local = new PubSubClients(own)) {
      String id = unique("q0");
      Mqtt3BlockingClient sub = local.v3(id);
      Inbox inbox = inbox(sub);
      sub.connectWith().cleanSession(false).send();
      sub.subscribeWith().topicFilter("q0/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
      await().atMost(WAIT).until(() -> registry(own).connectionCount() == 0);

      Mqtt3BlockingClient pub = local.v3Connected(unique("pub"));
      pub.publishWith().topic("q0/a").qos(MqttQos.AT_MOST_ONCE).payload(utf8("zero")).send();
      pub.publishWith().topic("q0/b").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("one")).send();
      sub.connectWith().cleanSession(false).send();
      pub.publishWith().topic("q0/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

      assertThat(inbox.until("q0/marker")).extracting(Received::text, Received::qos)
          .containsExactly(tuple("zero", 0), tuple("one", 1));
    }
  }

  @DisplayName("[MQTT-4.4.0-1] [MQTT-3.3.1-1] an unacknowledged QoS 1 PUBLISH is resent with DUP=1 and the same "
      + "packet id on reconnect; once acknowledged it is not sent again")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void unacknowledgedQos1IsRedeliveredWithDup(int level) throws Exception {
    String id = unique("dup" + level);
    String topic = unique("dup-topic");
    RawPackets.ConnectBuilder connect = RawPackets.connect(level, id).cleanStart(false).sessionExpiry(300);
    RawClient first = clients.raw(connect, level);
    first.send(RawPackets.subscribe(level, 1, topic, 1));
    assertThat(RawPackets.subAck(first.readPacket(), level).codes()).containsExactly(1);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("hold")).send();
    RawPackets.Publish original = RawPackets.publish(first.readPacket(), level);
    assertThat(original.dup()).isFalse();
    assertThat(original.qos()).isEqualTo(1);
    first.close(); // no PUBACK

    RawClient second = clients.raw();
    second.send(connect.build());
    assertThat(RawPackets.connAck(second.readPacket(), level).sessionPresent()).isTrue();
    RawPackets.Publish resent = RawPackets.publish(second.readPacket(), level);
    assertThat(resent.dup()).isTrue();
    assertThat(resent.packetId()).isEqualTo(original.packetId());
    assertThat(resent.payload()).isEqualTo("hold");
    assertThat(resent.qos()).isEqualTo(1);
    second.send(RawPackets.pubAck(resent.packetId()));
    // PINGREQ/PINGRESP proves the PUBACK was processed before this connection goes away (a takeover racing an
    // unread PUBACK would legitimately resend the message)
    second.send(new byte[] {(byte) 0xC0, 0});
    assertThat(RawClient.type(second.readPacket())).isEqualTo(13);
    second.close();

    RawClient third = clients.raw();
    third.send(connect.build());
    assertThat(RawPackets.connAck(third.readPacket(), level).sessionPresent()).isTrue();
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("next")).send();
    RawPackets.Publish next = RawPackets.publish(third.readPacket(), level);
    assertThat(next.payload()).as("the acknowledged message is not resent").isEqualTo("next");
    assertThat(next.dup()).isFalse();
  }

  @DisplayName("[MQTT-4.4.0-1] on reconnect an unanswered PUBREL is resent (not the PUBLISH) and an unacknowledged "
      + "QoS 2 PUBLISH is resent with DUP=1")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void qos2FlowsResumeOnReconnect(int level) throws Exception {
    String id = unique("resume" + level);
    String topic = unique("resume-topic");
    RawPackets.ConnectBuilder connect = RawPackets.connect(level, id).cleanStart(false).sessionExpiry(300);
    RawClient first = clients.raw(connect, level);
    first.send(RawPackets.subscribe(level, 1, topic, 2));
    assertThat(RawPackets.subAck(first.readPacket(), level).codes()).containsExactly(2);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(utf8("a")).send();
    pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(utf8("b")).send();
    RawPackets.Publish a = RawPackets.publish(first.readPacket(), level);
    RawPackets.Publish b = RawPackets.publish(first.readPacket(), level);
    assertThat(List.of(a.payload(), b.payload())).containsExactly("a", "b");
    first.send(RawPackets.pubRec(a.packetId()));
    assertThat(RawPackets.ack(first.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBREL, a.packetId(), 0));
    first.close(); // neither PUBCOMP for a nor PUBREC for b

    RawClient second = clients.raw();
    second.send(connect.build());
    assertThat(RawPackets.connAck(second.readPacket(), level).sessionPresent()).isTrue();
    List<String> resent = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      byte[] p = second.readPacket();
      if (RawClient.type(p) == RawPackets.PUBREL) {
        assertThat(RawPackets.ack(p).packetId()).isEqualTo(a.packetId());
        resent.add("PUBREL a");
      } else {
        RawPackets.Publish again = RawPackets.publish(p, level);
        assertThat(again.packetId()).isEqualTo(b.packetId());
        assertThat(again.dup()).isTrue();
        assertThat(again.qos()).isEqualTo(2);
        resent.add("PUBLISH " + again.payload());
      }
    }
    assertThat(resent).containsExactlyInAnyOrder("PUBREL a", "PUBLISH b");
    second.send(RawPackets.pubComp(a.packetId()));
    second.send(RawPackets.pubRec(b.packetId()));
    assertThat(RawPackets.ack(second.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBREL, b.packetId(), 0));
    second.send(RawPackets.pubComp(b.packetId()));
  }

  @DisplayName("[MQTT-4.4.0-1] [MQTT-3.3.4-9] [MQTT-3.3.4-10] messages resent on reconnect respect the new "
      + "connection's Receive Maximum; QoS 0 is not held back behind them")
  @Test
  void redeliveryOnReconnectRespectsTheNewReceiveMaximum() throws Exception {
    String id = unique("resume-window");
    String topic = unique("resume-window-topic");
    RawClient first = clients.raw(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(300), 5);
    first.send(RawPackets.subscribe(5, 1, topic, 1));
    assertThat(RawPackets.subAck(first.readPacket(), 5).codes()).containsExactly(1);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    List<Integer> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
      ids.add(RawPackets.publish(first.readPacket(), 5).packetId());
    }
    first.close(); // nothing acknowledged

    RawClient second = clients.raw();
    second.send(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(300).receiveMaximum(1).build());
    assertThat(RawPackets.connAck(second.readPacket(), 5).sessionPresent()).isTrue();
    RawPackets.Publish r1 = RawPackets.publish(second.readPacket(), 5);
    assertThat(r1).extracting(RawPackets.Publish::payload, RawPackets.Publish::packetId, RawPackets.Publish::dup)
        .containsExactly("m1", ids.get(0), true);
    pub.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(utf8("qos0")).send();
    assertThat(RawPackets.publish(second.readPacket(), 5).payload()).as("only one unacknowledged PUBLISH at a time")
        .isEqualTo("qos0");

    second.send(RawPackets.pubAck(r1.packetId()));
    RawPackets.Publish r2 = RawPackets.publish(second.readPacket(), 5);
    assertThat(r2).extracting(RawPackets.Publish::payload, RawPackets.Publish::packetId, RawPackets.Publish::dup)
        .containsExactly("m2", ids.get(1), true);
    second.send(RawPackets.pubAck(r2.packetId()));
    RawPackets.Publish r3 = RawPackets.publish(second.readPacket(), 5);
    assertThat(r3).extracting(RawPackets.Publish::payload, RawPackets.Publish::packetId, RawPackets.Publish::dup)
        .containsExactly("m3", ids.get(2), true);
    second.send(RawPackets.pubAck(r3.packetId()));
  }

  @DisplayName("[MQTT-3.1.2-27] [MQTT-3.1.2-28] an in-flight message too large for the reconnecting client's "
      + "Maximum Packet Size is not resent and frees its window slot")
  @Test
  void redeliveryOnReconnectRespectsTheNewMaximumPacketSize() throws Exception {
    String id = unique("resume-size");
    String topic = unique("resume-size-topic");
    RawClient first = clients.raw(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(300), 5);
    first.send(RawPackets.subscribe(5, 1, topic, 1));
    assertThat(RawPackets.subAck(first.readPacket(), 5).codes()).containsExactly(1);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[500]).send();
    assertThat(RawPackets.publish(first.readPacket(), 5).payload()).hasSize(500);
    first.close(); // not acknowledged

    RawClient second = clients.raw();
    second.send(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(300).receiveMaximum(1)
        .maximumPacketSize(200).build());
    assertThat(RawPackets.connAck(second.readPacket(), 5).sessionPresent()).isTrue();
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("fits")).send();

    RawPackets.Publish next = RawPackets.publish(second.readPacket(), 5);
    assertThat(next.payload()).isEqualTo("fits");
    assertThat(next.dup()).isFalse();
  }

  @DisplayName("[MQTT-4.4.0-2] [MQTT-4.3.3-4] (v5) PUBACK / PUBREC with a reason code of 0x80 or more ends the "
      + "flow: no PUBREL, the window slot is free and the message is never resent")
  @Test
  void errorAcknowledgementsEndTheFlow() throws Exception {
    String id = unique("refuser");
    String topic = unique("refused-topic");
    RawPackets.ConnectBuilder connect = RawPackets.connect(5, id).cleanStart(false).sessionExpiry(300)
        .receiveMaximum(1);
    RawClient first = clients.raw(connect, 5);
    first.send(RawPackets.subscribe(5, 1, topic, 2));
    assertThat(RawPackets.subAck(first.readPacket(), 5).codes()).containsExactly(2);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(utf8("q2")).send();
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("q1")).send();
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("next")).send();
    RawPackets.Publish q2 = RawPackets.publish(first.readPacket(), 5);
    assertThat(q2.payload()).isEqualTo("q2");
    first.send(RawPackets.ackWithReason(0x50, q2.packetId(), 0x80));
    RawPackets.Publish q1 = RawPackets.publish(first.readPacket(), 5);
    assertThat(q1.payload()).as("the slot was freed, and no PUBREL came first").isEqualTo("q1");
    first.send(RawPackets.ackWithReason(0x40, q1.packetId(), 0x83));
    RawPackets.Publish next = RawPackets.publish(first.readPacket(), 5);
    assertThat(next.payload()).isEqualTo("next");
    first.close(); // "next" stays unacknowledged

    RawClient second = clients.raw();
    second.send(connect.build());
    assertThat(RawPackets.connAck(second.readPacket(), 5).sessionPresent()).isTrue();
    RawPackets.Publish resent = RawPackets.publish(second.readPacket(), 5);
    assertThat(resent.payload()).as("only the unacknowledged message is resent").isEqualTo("next");
    assertThat(resent.dup()).isTrue();
    second.send(RawPackets.pubAck(resent.packetId()));
    pub.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(utf8("marker")).send();
    assertThat(RawPackets.publish(second.readPacket(), 5).payload()).isEqualTo("marker");
  }

  @DisplayName("[MQTT-4.3.3-10] [MQTT-4.4.0-1] a QoS 2 PUBLISH resent by the client after reconnecting (before "
      + "PUBREL) is acknowledged but not delivered again: the session remembers it")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void inboundQos2SurvivesAReconnect(int level) throws Exception {
    String topic = unique("inbound-resume");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.EXACTLY_ONCE).send();
    RawPackets.ConnectBuilder connect = RawPackets.connect(level, unique("raw-pub")).cleanStart(false)
        .sessionExpiry(300);
    RawClient first = clients.raw(connect, level);
    first.send(RawPackets.publish(level, topic, 2, 5, false, false, "once"));
    assertThat(RawPackets.ack(first.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBREC, 5, 0));
    first.close();

    RawClient second = clients.raw();
    second.send(connect.build());
    assertThat(RawPackets.connAck(second.readPacket(), level).sessionPresent()).isTrue();
    second.send(RawPackets.publish(level, topic, 2, 5, true, false, "once"));
    assertThat(RawPackets.ack(second.readPacket()).type()).isEqualTo(RawPackets.PUBREC);
    second.send(RawPackets.pubRel(5));
    assertThat(RawPackets.ack(second.readPacket())).isEqualTo(new RawPackets.Ack(RawPackets.PUBCOMP, 5, 0));
    second.send(RawPackets.publish(level, topic + "/marker", 0, 0, false, false, "m"));

    assertThat(inbox.until(topic + "/marker")).extracting(Received::text).containsExactly("once");
  }

  @DisplayName("[MQTT-3.1.4-3] [MQTT-4.4.0-1] (v5) taking over a live connection resumes its session on the new one: "
      + "in-flight messages are resent there, new ones follow")
  @ParameterizedTest(name = "round {0}")
  @ValueSource(ints = {1, 2, 3, 4})
  void takeoverOfALiveConnectionResumesTheSession(int round) throws Exception {
    String id = unique("takeover");
    String topic = unique("takeover-topic");
    RawPackets.ConnectBuilder connect = RawPackets.connect(5, id).cleanStart(false).sessionExpiry(300);
    RawClient first = clients.raw(connect, 5);
    first.send(RawPackets.subscribe(5, 1, topic, 1));
    assertThat(RawPackets.subAck(first.readPacket(), 5).codes()).containsExactly(1);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("in flight")).send();
    RawPackets.Publish inFlight = RawPackets.publish(first.readPacket(), 5);

    RawClient second = clients.raw();
    second.send(connect.build());

    assertThat(RawPackets.disconnectReason(first.readPacket())).isEqualTo(0x8E);
    assertThat(RawPackets.connAck(second.readPacket(), 5).sessionPresent()).isTrue();
    RawPackets.Publish resent = RawPackets.publish(second.readPacket(), 5);
    assertThat(resent).extracting(RawPackets.Publish::payload, RawPackets.Publish::packetId, RawPackets.Publish::dup)
        .containsExactly("in flight", inFlight.packetId(), true);
    second.send(RawPackets.pubAck(resent.packetId()));
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("after")).send();
    RawPackets.Publish after = RawPackets.publish(second.readPacket(), 5);
    assertThat(after.payload()).isEqualTo("after");
    assertThat(after.dup()).isFalse();
  }

  @DisplayName("[MQTT-4.1.0-2] [MQTT-3.2.2-3] (v5) the session is discarded once the Session Expiry Interval has "
      + "passed; a later Clean Start=0 finds no session")
  @Test
  void sessionExpiresAfterTheInterval() {
    String id = unique("expire");
    Mqtt5BlockingClient c = clients.v5(id);
    c.connectWith().cleanStart(false).sessionExpiryInterval(1).send();
    c.subscribeWith().topicFilter(unique("expire-topic")).qos(MqttQos.AT_LEAST_ONCE).send();
    long disconnected = System.nanoTime(); // the 1 s starts when the broker reads DISCONNECT, after this
    c.disconnect();

    await().atMost(WAIT).until(() -> !registry(broker).hasSession(id));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - disconnected)).as("kept for the interval")
        .isGreaterThanOrEqualTo(950);

    assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(1).send().isSessionPresent()).isFalse();
  }

  @DisplayName("MQTT 5 3.14.2.2.2: a Session Expiry Interval sent with DISCONNECT replaces the one from CONNECT "
      + "(shorter)")
  @Test
  void disconnectCanShortenTheSessionExpiry() {
    String id = unique("shorten");
    Mqtt5BlockingClient c = clients.v5(id);
    c.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
    c.disconnectWith().sessionExpiryInterval(1).send();

    await().atMost(WAIT).until(() -> !registry(broker).hasSession(id));
  }

  @DisplayName("MQTT 5 3.14.2.2.2: a Session Expiry Interval sent with DISCONNECT replaces the one from CONNECT "
      + "(longer)")
  @Test
  void disconnectCanExtendTheSessionExpiry() {
    String id = unique("extend");
    Mqtt5BlockingClient c = clients.v5(id);
    c.connectWith().cleanStart(false).sessionExpiryInterval(1).send();
    c.disconnectWith().sessionExpiryInterval(300).send();

    await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> registry(broker).hasSession(id));
    assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(0).send().isSessionPresent()).isTrue();
  }

  @DisplayName("MQTT 5 3.14.2.2.2: a non-zero Session Expiry Interval at DISCONNECT after 0 at CONNECT is a "
      + "Protocol Error: DISCONNECT 0x82, the session still ends")
  @Test
  void settingAnExpiryAtDisconnectAfterZeroIsAProtocolError() throws Exception {
    String id = unique("zero-then-set");
    RawClient raw = clients.raw(RawPackets.connect(5, id).cleanStart(false), 5);

    raw.send(RawPackets.disconnect(0x00, 60L));

    assertThat(RawPackets.disconnectReason(raw.readPacket())).isEqualTo(0x82);
    assertThat(raw.closedWithin(WAIT)).isTrue();
    await().atMost(WAIT).until(() -> !registry(broker).hasSession(id));
  }

  @DisplayName("mqtt.max-queued-messages bounds an offline session's queue; queue-overflow decides which message "
      + "is dropped; every drop is counted as queue-full")
  @ParameterizedTest(name = "{0}")
  @EnumSource(MqttConfig.QueueOverflow.class)
  void queueIsBoundedAndCountsDrops(MqttConfig.QueueOverflow policy) {
    try (TestBroker own = TestBroker.start(cfg -> {
      cfg.mqtt.maxQueuedMessages = 3;
      cfg.mqtt.queueOverflow = policy;
    });
         PubSubClients local = new PubSubClients(own)) {
      String id = unique("bounded");
      Mqtt3BlockingClient sub = local.v3(id);
      Inbox inbox = inbox(sub);
      sub.connectWith().cleanSession(false).send();
      sub.subscribeWith().topicFilter("bounded/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
      await().atMost(WAIT).until(() -> registry(own).connectionCount() == 0);

      Mqtt3BlockingClient pub = local.v3Connected(unique("pub"));
      for (int i = 1; i <= 5; i++) {
        pub.publishWith().topic("bounded/t").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m" + i)).send();
      }
      await().atMost(WAIT).until(() -> own.broker().metrics().drops("queue-full") == 2);
      sub.connectWith().cleanSession(false).send();
      pub.publishWith().topic("bounded/marker").qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send();

      List<String> expected = policy == MqttConfig.QueueOverflow.DROP_OLDEST
          ? List.of("m3", "m4", "m5") : List.of("m1", "m2", "m3");
      assertThat(inbox.until("bounded/marker")).extracting(Received::text).containsExactlyElementsOf(expected);
      assertThat(own.broker().metrics().dropsByReason()).containsOnlyKeys("queue-full")
          .containsEntry("queue-full", 2L);
    }
  }
}
