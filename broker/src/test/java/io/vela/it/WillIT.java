package io.vela.it;

import static io.vela.it.PubSubClients.WAIT;
import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Will messages: when they are published, when not, delayed wills and retained wills. */
class WillIT {

  static TestBroker broker;
  PubSubClients clients;
  String base;
  Mqtt5BlockingClient watcher;
  Inbox wills;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** Every test watches its own will topics, {@code base/#}, with a v5 client granted QoS 2. */
  @BeforeEach
  void watchWills() {
    clients = new PubSubClients(broker);
    base = unique("will");
    watcher = clients.v5(unique("watcher"));
    wills = inbox(watcher);
    watcher.connect();
    watcher.subscribeWith().topicFilter(base + "/#").qos(MqttQos.EXACTLY_ONCE).send();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  private RawClient connectWithWill(int level, String clientId, String willTopic) throws Exception {
    return clients.raw(RawPackets.connect(level, clientId).will(willTopic, "gone:" + clientId, 1, false), level);
  }

  /** Proves no will arrived: two markers from another client, see {@link Inbox#settle}. */
  private void assertNoWill() {
    Mqtt5BlockingClient marker = clients.v5Connected(unique("marker"));
    String markerTopic = base + "/marker";
    assertThat(wills.settle(markerTopic, () -> marker.publishWith().topic(markerTopic)
        .qos(MqttQos.AT_MOST_ONCE).payload(utf8("m")).send())).isEmpty();
  }

  @DisplayName("[MQTT-3.1.2-8] [MQTT-3.1.2-16] the will is published, not retained, when the network connection "
      + "is lost")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {3, 4, 5})
  void willOnNetworkLoss(int level) throws Exception {
    String id = unique("lost");
    RawClient raw = connectWithWill(level, id, base + "/lost");

    raw.close();

    Received will = wills.next();
    assertThat(will).extracting(Received::topic, Received::text, Received::qos, Received::retain)
        .containsExactly(base + "/lost", "gone:" + id, 1, false);
  }

  @DisplayName("[MQTT-3.1.2-24] [MQTT-3.1.2-8] nothing received for 1.5 x keep-alive: the connection is closed "
      + "(v5: DISCONNECT 0x8D) and the will published")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void willOnKeepAliveTimeout(int level) throws Exception {
    String id = unique("idle");
    long start = System.nanoTime(); // before CONNECT: the broker's keep-alive timer cannot have started earlier
    RawClient raw = clients.raw(RawPackets.connect(level, id).keepAlive(1).will(base + "/idle", "idle", 0, false),
        level);

    Received will = wills.next();
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(will.text()).isEqualTo("idle");
    assertThat(elapsedMillis).as("not before 1.5 x keep-alive").isGreaterThanOrEqualTo(1450);
    if (level == 5) {
      assertThat(RawPackets.disconnectReason(raw.readPacket())).isEqualTo(0x8D);
    }
    assertThat(raw.closedWithin(WAIT)).isTrue();
  }

  @DisplayName("[MQTT-3.1.4-2] (v5 [MQTT-3.1.4-3]) a new connection with the same client id closes the old one "
      + "(v5: DISCONNECT 0x8E) and the old connection's will is published")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void willOnTakeover(int level) throws Exception {
    String id = unique("taken");
    RawClient old = connectWithWill(level, id, base + "/taken");

    clients.raw(RawPackets.connect(level, id), level);

    if (level == 5) {
      assertThat(RawPackets.disconnectReason(old.readPacket())).isEqualTo(0x8E);
    }
    assertThat(old.closedWithin(WAIT)).isTrue();
    assertThat(wills.next().text()).isEqualTo("gone:" + id);
  }

  @DisplayName("[MQTT-4.8.0-1] (v5 [MQTT-4.13.1-1]) [MQTT-3.1.2-8] a malformed packet closes the connection and "
      + "the will is published")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void willOnProtocolError(int level) throws Exception {
    String id = unique("garbage");
    RawClient raw = connectWithWill(level, id, base + "/garbage");

    raw.send(new byte[] {0x00, 0x00}); // packet type 0 is reserved

    assertThat(raw.closedWithin(WAIT)).isTrue();
    assertThat(wills.next().text()).isEqualTo("gone:" + id);
  }

  @DisplayName("[MQTT-3.1.2-10] [MQTT-3.14.4-3] no will after a normal DISCONNECT")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void noWillOnNormalDisconnect(int level) throws Exception {
    String id = unique("polite");
    RawClient raw = connectWithWill(level, id, base + "/polite");

    raw.send(RawPackets.disconnect());

    assertThat(raw.closedWithin(WAIT)).isTrue();
    await().atMost(WAIT).until(() -> !broker.broker().registry().hasSession(id));
    assertNoWill();
  }

  @DisplayName("[MQTT-3.1.2-8] (v5) DISCONNECT with reason 0x04 Disconnect with Will Message publishes the will, "
      + "with its properties")
  @Test
  void willOnDisconnectWithWillMessage() {
    Mqtt5BlockingClient c = clients.v5(unique("with-will"));
    c.connectWith().willPublish().topic(base + "/asked").payload(utf8("bye")).qos(MqttQos.EXACTLY_ONCE)
        .contentType("text/plain").userProperties().add("why", "asked").applyUserProperties()
        .applyWillPublish().send();

    c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();

    Received will = wills.next();
    assertThat(will).extracting(Received::text, Received::qos).containsExactly("bye", 2);
    assertThat(will.v5().getContentType()).hasValueSatisfying(ct -> assertThat(ct.toString()).isEqualTo("text/plain"));
    assertThat(will.v5().getUserProperties().asList())
        .extracting(p -> p.getName().toString(), p -> p.getValue().toString()).containsExactly(tuple("why", "asked"));
  }

  @DisplayName("[MQTT-3.1.2-8] [MQTT-3.14.4-3] (v5) only reason 0x00 deletes the will: DISCONNECT with an error "
      + "reason code publishes it")
  @ParameterizedTest(name = "DISCONNECT reason 0x{0}")
  @ValueSource(strings = {"80", "83", "93"})
  void willOnDisconnectWithAnErrorReason(String reasonHex) throws Exception {
    String id = unique("error-disconnect");
    RawClient raw = connectWithWill(5, id, base + "/error");

    raw.send(RawPackets.disconnect(Integer.parseInt(reasonHex, 16), null));

    assertThat(wills.next().text()).isEqualTo("gone:" + id);
    assertThat(raw.closedWithin(WAIT)).isTrue();
  }

  @DisplayName("[MQTT-3.1.2-26] (v5) a reconnect within the Will Delay Interval cancels the will")
  @Test
  void reconnectWithinTheWillDelayCancelsTheWill() throws Exception {
    String id = unique("back");
    RawPackets.ConnectBuilder connect = RawPackets.connect(5, id).cleanStart(false).sessionExpiry(60)
        .will(base + "/back", "gone", 1, false).willDelay(2);
    RawClient first = clients.raw(connect, 5);
    // control: same kind of connection with a longer delay, never comes back
    RawClient control = clients.raw(RawPackets.connect(5, unique("control")).sessionExpiry(60)
        .will(base + "/control", "control", 1, false).willDelay(3), 5);

    first.close();
    control.close();
    RawClient again = clients.raw();
    again.send(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(60).build());
    assertThat(RawPackets.connAck(again.readPacket(), 5).sessionPresent()).isTrue();

    Received firstWill = wills.next();
    assertThat(firstWill.topic()).as("the 2 s will would have come before the 3 s control will")
        .isEqualTo(base + "/control");
    again.send(RawPackets.disconnect(0x00, 0L));
    assertThat(again.closedWithin(WAIT)).isTrue();
    await().atMost(WAIT).until(() -> !broker.broker().registry().hasSession(id));
    assertNoWill();
  }

  @DisplayName("[MQTT-3.1.2-8] (v5) without a reconnect the will is published once the Will Delay Interval has "
      + "passed, not before")
  @Test
  void delayedWillIsPublishedAfterTheDelay() throws Exception {
    String id = unique("late");
    RawClient raw = clients.raw(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(60)
        .will(base + "/late", "late", 1, false).willDelay(2), 5);

    long start = System.nanoTime();
    raw.close();
    Received will = wills.next();
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(will.text()).isEqualTo("late");
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(1950);
    assertThat(broker.broker().registry().hasSession(id)).as("the session outlives the will").isTrue();
  }

  @DisplayName("[MQTT-3.1.2-8] (v5) the will is published when the session ends, even before the Will Delay "
      + "Interval")
  @Test
  void delayedWillIsPublishedWhenTheSessionExpiresFirst() throws Exception {
    String id = unique("short-session");
    RawClient raw = clients.raw(RawPackets.connect(5, id).sessionExpiry(1)
        .will(base + "/short", "short", 1, false).willDelay(600), 5);

    raw.close();

    assertThat(wills.next().text()).isEqualTo("short");
    await().atMost(WAIT).until(() -> !broker.broker().registry().hasSession(id));
  }

  @DisplayName("[MQTT-3.1.2-8] (v5) a takeover with Clean Start=1 ends the session: a delayed will goes at once")
  @Test
  void cleanStartTakeoverPublishesADelayedWillAtOnce() throws Exception {
    String id = unique("restart");
    RawClient first = clients.raw(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(60)
        .will(base + "/restart", "restart", 1, false).willDelay(600), 5);

    first.close();
    clients.raw(RawPackets.connect(5, id).cleanStart(true), 5);

    assertThat(wills.next().text()).isEqualTo("restart");
  }

  @DisplayName("a will on a $SYS topic is refused like a PUBLISH there: CONNACK 0x87 Not authorized (3.1.1: 5)")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void willOnASysTopicIsRefused(int level) throws Exception {
    RawClient raw = clients.raw();

    raw.send(RawPackets.connect(level, unique("sys-will")).will("$SYS/broker/version", "forged", 0, true).build());

    RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), level);
    assertThat(ack.reasonCode()).isEqualTo(level == 5 ? 0x87 : 5);
    assertThat(ack.sessionPresent()).isFalse();
    assertThat(raw.closedWithin(WAIT)).isTrue();
  }

  @DisplayName("[MQTT-3.1.2-17] a will with Will Retain=1 is published as a retained message")
  @Test
  void retainedWillIsStoredAsRetained() throws Exception {
    String id = unique("retained");
    String topic = base + "/retained";
    RawClient raw = clients.raw(RawPackets.connect(4, id).will(topic, "last words", 1, true), 4);

    raw.close();
    assertThat(wills.next().text()).isEqualTo("last words");

    Mqtt5BlockingClient late = clients.v5(unique("late"));
    Inbox inbox = inbox(late);
    late.connect();
    late.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(inbox.next()).extracting(Received::text, Received::retain, Received::qos)
        .containsExactly("last words", true, 1);
    late.publishWith().topic(topic).retain(true).payload(new byte[0]).send(); // leave no retained message behind
  }

  @DisplayName("[MQTT-3.1.2-16] a will with Will Retain=0 is not stored as a retained message")
  @Test
  void nonRetainedWillIsNotStored() throws Exception {
    String id = unique("plain");
    String topic = base + "/plain";
    RawClient raw = connectWithWill(4, id, topic);

    raw.close();
    assertThat(wills.next().text()).isEqualTo("gone:" + id);

    Mqtt5BlockingClient late = clients.v5(unique("late"));
    Inbox inbox = inbox(late);
    late.connect();
    late.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    late.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("live")).send();
    assertThat(inbox.next()).extracting(Received::text, Received::retain).containsExactly("live", false);
  }
}
