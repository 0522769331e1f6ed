package io.vela.it;

import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic filter matching, SUBSCRIBE / UNSUBSCRIBE acknowledgements and MQTT 5 subscription options. */
class SubscribeIT extends SharedBrokerTestBase {

  /**
   * Rows: filter | topics that match | topics that do not ('B' is replaced by a unique first level, ',' separates
   * topics, '~' stands for an empty list).
   */
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] (3.1.1; v5 [MQTT-4.7.1-1] [MQTT-4.7.1-2]) '#' matches the parent "
      + "and any number of levels, '+' exactly one level; matching is case-sensitive [MQTT-4.7.3-4]")
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "B/sport/tennis/player1/# | B/sport/tennis/player1,B/sport/tennis/player1/ranking,"
          + "B/sport/tennis/player1/score/wimbledon | B/sport/tennis/player2,B/sport/tennis/player10,B/sport/tennis",
      "B/sport/tennis/+ | B/sport/tennis/player1,B/sport/tennis/player2,B/sport/tennis/ "
          + "| B/sport/tennis/player1/ranking,B/sport/tennis,B/sport",
      "B/sport/+ | B/sport/ | B/sport,B/sport/tennis/x",
      "B/+/+ | B/a/b,B//,B/a/ | B/a,B/a/b/c",
      "B/# | B,B/a,B/a/b,B/ | Bx,Bx/a",
      "B/+/tennis/# | B/sport/tennis,B/sport/tennis/x/y | B/sport/golf,B/tennis",
      "B/Accounts | B/Accounts | B/ACCOUNTS,B/accounts,B/Accounts/",
      "B/+ | B/x | B/x/y,B"})
  void wildcardMatching(String filterRow, String matchingRow, String otherRow) {
    String b = unique("match");
    String filter = filterRow.trim().replace("B", b);
    List<String> matching = topics(matchingRow, b);
    List<String> other = topics(otherRow, b);
    String marker = b + "-marker";
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_MOST_ONCE).send();
    sub.subscribeWith().topicFilter(marker).qos(MqttQos.AT_MOST_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    for (String t : other) {
      pub.publishWith().topic(t).payload(utf8(t)).send();
    }
    for (String t : matching) {
      pub.publishWith().topic(t).payload(utf8(t)).send();
    }
    pub.publishWith().topic(marker).payload(utf8("m")).send();

    assertThat(inbox.until(marker)).extracting(Received::topic).containsExactlyElementsOf(matching);
  }

  private static List<String> topics(String row, String b) {
    String r = row.trim();
    if (r.equals("~")) {
      return List.of();
    }
    // replace only the leading "B" of each topic, so "Bx" becomes "<b>x"
    return Arrays.stream(r.split(",")).map(t -> b + t.trim().substring(1)).toList();
  }

  @DisplayName("[MQTT-4.7.2-1] filters starting with a wildcard do not match $SYS topics; $SYS/# does")
  @Test
  void wildcardsAtTheStartDoNotMatchSysTopics() {
    Mqtt5BlockingClient all = clients.v5(unique("all"));
    Inbox allInbox = inbox(all);
    all.connect();
    all.subscribeWith().topicFilter("#").qos(MqttQos.AT_MOST_ONCE).send();
    all.subscribeWith().topicFilter("+/broker/#").qos(MqttQos.AT_MOST_ONCE).send();
    all.subscribeWith().topicFilter("+/broker/uptime").qos(MqttQos.AT_MOST_ONCE).send();
    Mqtt5BlockingClient sys = clients.v5(unique("sys"));
    Inbox sysInbox = inbox(sys);
    sys.connect();
    sys.subscribeWith().topicFilter("$SYS/#").qos(MqttQos.AT_MOST_ONCE).send();

    // $SYS/# gets the retained status at once, then live updates (interval 1 s in tests)
    Received retained = sysInbox.next();
    assertThat(retained.topic()).startsWith("$SYS/broker/");
    assertThat(retained.retain()).isTrue();
    Received live;
    do {
      live = sysInbox.next();
    } while (live.retain());
    assertThat(live.topic()).startsWith("$SYS/broker/");

    String marker = unique("sys-marker");
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    List<Received> seen = allInbox.settle(marker, () -> pub.publishWith().topic(marker).payload(utf8("m")).send());
    assertThat(seen).extracting(Received::topic).noneMatch(t -> t.startsWith("$"));
  }

  @DisplayName("[MQTT-3.10.4-1] [MQTT-3.10.4-2] [MQTT-3.11.3-1] (v5) UNSUBSCRIBE stops delivery; UNSUBACK says "
      + "0x00 per removed filter and 0x11 where no subscription existed, in order")
  @Test
  void unsubscribeStopsDeliveryV5() {
    String base = unique("unsub5");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(base + "/a").qos(MqttQos.AT_LEAST_ONCE).send();
    sub.subscribeWith().topicFilter(base + "/b").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(base + "/a").payload(utf8("before")).send();
    assertThat(inbox.next().text()).isEqualTo("before");

    var unsubAck = sub.unsubscribeWith().topicFilter(base + "/none").addTopicFilter(base + "/a")
        .addTopicFilter(base + "/+").send();

    assertThat(unsubAck.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED,
        Mqtt5UnsubAckReasonCode.SUCCESS, Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);
    pub.publishWith().topic(base + "/a").payload(utf8("after")).send();
    pub.publishWith().topic(base + "/b").payload(utf8("still subscribed")).send();
    assertThat(inbox.next().text()).as("'+' in UNSUBSCRIBE is compared literally").isEqualTo("still subscribed");
  }

  @DisplayName("[MQTT-3.10.4-2] [MQTT-3.10.4-4] [MQTT-3.10.4-5] (3.1.1) UNSUBSCRIBE stops delivery and is "
      + "acknowledged even when nothing matched")
  @Test
  void unsubscribeStopsDeliveryV311() {
    String base = unique("unsub3");
    Mqtt3BlockingClient sub = clients.v3(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(base + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

    sub.unsubscribeWith().topicFilter(base + "/#").send();
    sub.unsubscribeWith().topicFilter(base + "/never").send();
    sub.subscribeWith().topicFilter(base + "/marker").qos(MqttQos.AT_LEAST_ONCE).send();

    Mqtt3BlockingClient pub = clients.v3Connected(unique("pub"));
    pub.publishWith().topic(base + "/x").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("gone")).send();
    pub.publishWith().topic(base + "/marker").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m")).send();
    assertThat(inbox.until(base + "/marker")).isEmpty();
  }

  @DisplayName("[MQTT-3.8.4-5] [MQTT-3.9.3-1] (3.1.1) one SUBACK return code per filter, in order, with the "
      + "granted QoS")
  @Test
  void subAckReturnCodesV311() {
    String base = unique("suback3");
    Mqtt3BlockingClient sub = clients.v3Connected(unique("sub"));

    var ack = sub.subscribeWith()
        .addSubscription().topicFilter(base + "/2").qos(MqttQos.EXACTLY_ONCE).applySubscription()
        .addSubscription().topicFilter(base + "/0").qos(MqttQos.AT_MOST_ONCE).applySubscription()
        .addSubscription().topicFilter(base + "/1").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
        .send();

    assertThat(ack.getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_2,
        Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_0, Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
  }

  @DisplayName("[MQTT-3.8.4-6] [MQTT-3.8.4-7] [MQTT-3.9.3-1] (v5) one reason code per filter, in order: granted "
      + "QoS, or 0x8F for an invalid filter while the valid ones are subscribed")
  @Test
  void subAckReasonCodesV5() throws Exception {
    String base = unique("suback5");
    RawClient raw = clients.raw(RawPackets.connect(5, unique("raw")), 5);
    Map<String, Integer> filters = new LinkedHashMap<>();
    filters.put(base + "/1", 1);
    filters.put(base + "/#/bad", 2);
    filters.put(base + "/2", 2);
    filters.put(base + "/0", 0);

    raw.send(RawPackets.subscribe(5, 9, 0, filters));

    RawPackets.SubAck ack = RawPackets.subAck(raw.readPacket(), 5);
    assertThat(ack.packetId()).isEqualTo(9);
    assertThat(ack.codes()).containsExactly(1, 0x8F, 2, 0);
    raw.send(RawPackets.publish(5, base + "/2", 2, 1, false, false, "x"));
    List<Integer> types = List.of(RawClient.type(raw.readPacket()), RawClient.type(raw.readPacket()));
    assertThat(types).as("PUBREC for our PUBLISH and the delivery to our own subscription")
        .containsExactlyInAnyOrder(RawPackets.PUBREC, RawPackets.PUBLISH);
  }

  @DisplayName("[MQTT-3.8.3-4] (3.1.1) a SUBSCRIBE with reserved option bits set is malformed: the connection is "
      + "closed without SUBACK")
  @ParameterizedTest(name = "options 0x{0}")
  @ValueSource(strings = {"05", "09", "11", "41", "81", "C0"})
  void reservedSubscribeOptionBitsCloseA311Connection(String optionsHex) throws Exception {
    RawClient raw = clients.raw(RawPackets.connect(4, unique("raw")), 4);

    raw.send(RawPackets.subscribe(4, 1, 0, Map.of(unique("reserved"), Integer.parseInt(optionsHex, 16))));

    try {
      byte[] p = raw.readPacket();
      throw new AssertionError("expected the connection to be closed, got packet type " + RawClient.type(p));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open after " + PubSubClients.WAIT, e);
    } catch (IOException closed) {
      // expected
    }
  }

  @DisplayName("[MQTT-3.2.2-9] [MQTT-3.2.2-10] with mqtt.max-qos=1 the broker announces Maximum QoS 1, still "
      + "accepts SUBSCRIBE for QoS 2 and grants QoS 1")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void maxQosCapsTheGrantedQos(int level) throws Exception {
    try (TestBroker capped = TestBroker.start(cfg -> cfg.mqtt.maxQos = 1);
         PubSubClients local = new PubSubClients(capped)) {
      RawClient raw = local.raw();
      raw.send(RawPackets.connect(level, unique("raw")).build());
      RawPackets.ConnAck connAck = RawPackets.connAck(raw.readPacket(), level);
      if (level == 5) {
        assertThat(connAck.property(0x24)).as("Maximum QoS").isEqualTo(1);
      }
      Map<String, Integer> filters = new LinkedHashMap<>();
      filters.put("capped/2", 2);
      filters.put("capped/1", 1);
      filters.put("capped/0", 0);

      raw.send(RawPackets.subscribe(level, 1, 0, filters));

      assertThat(RawPackets.subAck(raw.readPacket(), level).codes()).containsExactly(1, 1, 0);
    }
  }

  @DisplayName("[MQTT-3.3.4-3] [MQTT-3.3.4-4] (v5) PUBLISH carries the Subscription Identifiers of every matching "
      + "subscription in one copy; retained messages carry the identifier of the new subscription")
  @Test
  void subscriptionIdentifiersAreDelivered() throws Exception {
    String b = unique("subid");
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(b + "/r/a").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(utf8("retained")).send();
    RawClient raw = clients.raw(RawPackets.connect(5, unique("raw")), 5);
    raw.send(RawPackets.subscribe(5, 1, 5, Map.of(b + "/+/a", 1)));
    assertThat(RawPackets.subAck(raw.readPacket(), 5).codes()).containsExactly(1);
    RawPackets.Publish retained = RawPackets.publish(raw.readPacket(), 5);
    assertThat(retained.retain()).isTrue();
    assertThat(retained.subscriptionIds()).containsExactly(5);
    raw.send(RawPackets.pubAck(retained.packetId()));
    raw.send(RawPackets.subscribe(5, 2, 9, Map.of(b + "/#", 1 | 0x20))); // Retain Handling 2
    assertThat(RawPackets.subAck(raw.readPacket(), 5).codes()).containsExactly(1);
    raw.send(RawPackets.subscribe(5, 3, 0, Map.of(b + "/x/#", 0x20)));
    assertThat(RawPackets.subAck(raw.readPacket(), 5).codes()).containsExactly(0);

    pub.publishWith().topic(b + "/x/a").payload(utf8("both")).send();
    pub.publishWith().topic(b + "/y").payload(utf8("one")).send();
    pub.publishWith().topic(b + "/x/z").payload(utf8("no id")).send();

    RawPackets.Publish both = RawPackets.publish(raw.readPacket(), 5);
    assertThat(both.payload()).isEqualTo("both");
    assertThat(both.subscriptionIds()).containsExactlyInAnyOrder(5, 9);
    RawPackets.Publish one = RawPackets.publish(raw.readPacket(), 5);
    assertThat(one.payload()).as("a single copy of 'both'").isEqualTo("one");
    assertThat(one.subscriptionIds()).containsExactly(9);
    RawPackets.Publish noId = RawPackets.publish(raw.readPacket(), 5);
    assertThat(noId.payload()).isEqualTo("no id");
    assertThat(noId.subscriptionIds()).containsExactly(9);
  }

  @DisplayName("[MQTT-3.8.3-3] (v5) No Local: a client's own messages are not forwarded to its No Local "
      + "subscription")
  @Test
  void noLocal() {
    String topic = unique("no-local");
    Mqtt5BlockingClient self = clients.v5(unique("self"));
    Inbox selfInbox = inbox(self);
    self.connect();
    self.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
    Mqtt5BlockingClient echo = clients.v5(unique("echo"));
    Inbox echoInbox = inbox(echo);
    echo.connect();
    echo.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient other = clients.v5Connected(unique("other"));

    self.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("mine")).send();
    other.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("theirs")).send();

    assertThat(selfInbox.next().text()).isEqualTo("theirs");
    assertThat(echoInbox.next().text()).as("without No Local").isEqualTo("mine");
    assertThat(echoInbox.next().text()).isEqualTo("theirs");
  }

  @DisplayName("[MQTT-3.8.4-3] a SUBSCRIBE to an existing filter replaces the subscription (here: its QoS)")
  @Test
  void resubscribingReplacesTheSubscription() {
    String topic = unique("replace-sub");
    Mqtt5BlockingClient sub = clients.v5(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    var first = sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
    var second = sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_MOST_ONCE).send();
    assertThat(first.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
    assertThat(second.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(utf8("x")).send();
    pub.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(utf8("marker")).send();

    assertThat(inbox.next()).extracting(Received::text, Received::qos).containsExactly("x", 0);
    assertThat(inbox.next().text()).as("one subscription, one copy").isEqualTo("marker");
  }
}
