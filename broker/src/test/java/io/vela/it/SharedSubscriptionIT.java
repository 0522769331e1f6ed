package io.vela.it;

import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.vela.config.SharedSubscriptionsConfig.Strategy;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shared subscriptions {@code $share/{ShareName}/{filter}} (MQTT 5 section 4.8.2, also offered to MQTT 3.1.1 clients):
 * one member per message, the strategies, retained messages, options, invalid filters, members that leave, and the
 * configuration switch.
 */
class SharedSubscriptionIT extends SharedBrokerTestBase {

  /** Members of one shared group, each also subscribed (not shared) to a marker topic. */
  private record Group(String topic, String marker, List<String> ids, List<Inbox> inboxes,
                       List<Mqtt5BlockingClient> v5Clients) {

    /**
     * What each member received before the marker, which the test publishes last: the marker goes to every member
     * after all shared messages of the same publisher, so nothing else is on its way.
     */
    Map<String, List<String>> receivedUntilMarker() {
      return receivedUntilMarker(Set.of());
    }

    /** Like {@link #receivedUntilMarker()} for the members except {@code gone}. */
    Map<String, List<String>> receivedUntilMarker(Set<String> gone) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        if (!gone.contains(ids.get(i))) {
          out.put(ids.get(i), inboxes.get(i).until(marker).stream().map(Received::text).toList());
        }
      }
      return out;
    }
  }

  private Group group(int level, int members, String share, MqttQos qos, PubSubClients on) {
    String topic = unique("shared");
    String marker = topic + "-marker";
    List<String> ids = new ArrayList<>();
    List<Inbox> inboxes = new ArrayList<>();
    List<Mqtt5BlockingClient> v5Clients = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      String id = unique("member");
      ids.add(id);
      if (level == 5) {
        Mqtt5BlockingClient c = on.v5(id);
        inboxes.add(inbox(c));
        c.connect();
        c.subscribeWith().topicFilter("$share/" + share + "/" + topic).qos(qos).send();
        c.subscribeWith().topicFilter(marker).qos(MqttQos.AT_LEAST_ONCE).send();
        v5Clients.add(c);
      } else {
        Mqtt3BlockingClient c = on.v3(id);
        inboxes.add(inbox(c));
        c.connect();
        c.subscribeWith().topicFilter("$share/" + share + "/" + topic).qos(qos).send();
        c.subscribeWith().topicFilter(marker).qos(MqttQos.AT_LEAST_ONCE).send();
      }
    }
    return new Group(topic, marker, ids, inboxes, v5Clients);
  }

  private static void publish(Mqtt5BlockingClient pub, String topic, int count, String prefix) {
    for (int i = 0; i < count; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8(prefix + i)).send();
    }
  }

  private static void marker(Mqtt5BlockingClient pub, Group g) {
    pub.publishWith().topic(g.marker()).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m")).send();
  }

  private static List<String> all(Map<String, List<String>> received) {
    return received.values().stream().flatMap(List::stream).toList();
  }

  private static List<String> expected(int count, String prefix) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  // ---------------------------------------------------------------- one member per message, strategies

  @DisplayName("MQTT 5 4.8.2: each message goes to exactly one member of the group (30 messages, 3 members: the "
      + "counts add up to 30, no duplicates); round-robin gives each member 10")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void exactlyOneMemberPerMessageRoundRobin(int level) {
    Group g = group(level, 3, "workers", MqttQos.AT_LEAST_ONCE, clients);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    publish(pub, g.topic(), 30, "m");
    marker(pub, g);

    Map<String, List<String>> received = g.receivedUntilMarker();
    assertThat(all(received)).containsExactlyInAnyOrderElementsOf(expected(30, "m"));
    assertThat(received.values()).allSatisfy(list -> assertThat(list).hasSize(10));
  }

  @DisplayName("[MQTT-4.8.2-3] each member gets the message at the QoS it was granted")
  @Test
  void grantedQosIsRespected() {
    String topic = unique("shared-qos");
    Mqtt5BlockingClient q0 = clients.v5(unique("q0"));
    Inbox q0Inbox = inbox(q0);
    q0.connect();
    q0.subscribeWith().topicFilter("$share/g/" + topic).qos(MqttQos.AT_MOST_ONCE).send();
    Mqtt5BlockingClient q2 = clients.v5(unique("q2"));
    Inbox q2Inbox = inbox(q2);
    q2.connect();
    q2.subscribeWith().topicFilter("$share/g/" + topic).qos(MqttQos.EXACTLY_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    for (int i = 0; i < 4; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.EXACTLY_ONCE).payload(utf8("x" + i)).send();
    }

    for (int i = 0; i < 2; i++) {
      assertThat(q0Inbox.next().qos()).isZero();
      assertThat(q2Inbox.next().qos()).isEqualTo(2);
    }
  }

  @DisplayName("MQTT 5 4.8.2: strategy random: every message goes to exactly one member, each member gets some")
  @Test
  void randomStrategy() {
    try (TestBroker b = TestBroker.start(strategy(Strategy.RANDOM)); PubSubClients local = new PubSubClients(b)) {
      Group g = group(5, 3, "random", MqttQos.AT_LEAST_ONCE, local);
      Mqtt5BlockingClient pub = local.v5Connected(unique("pub"));

      publish(pub, g.topic(), 60, "r");
      marker(pub, g);

      Map<String, List<String>> received = g.receivedUntilMarker();
      assertThat(all(received)).containsExactlyInAnyOrderElementsOf(expected(60, "r"));
      assertThat(received.values()).as("with 60 messages every member gets one (fails with p < 1e-9)")
          .allSatisfy(list -> assertThat(list).isNotEmpty());
    }
  }

  @DisplayName("MQTT 5 4.8.2: strategy sticky: all messages go to one member until it leaves, then all to one "
      + "other member")
  @Test
  void stickyStrategy() {
    try (TestBroker b = TestBroker.start(strategy(Strategy.STICKY)); PubSubClients local = new PubSubClients(b)) {
      Group g = group(5, 3, "sticky", MqttQos.AT_LEAST_ONCE, local);
      Mqtt5BlockingClient pub = local.v5Connected(unique("pub"));

      publish(pub, g.topic(), 20, "a");
      marker(pub, g);
      String chosen = only(g.receivedUntilMarker(), expected(20, "a"));

      g.v5Clients().get(g.ids().indexOf(chosen)).disconnect();
      await().atMost(PubSubClients.WAIT).until(() -> !b.broker().registry().hasSession(chosen));
      publish(pub, g.topic(), 20, "b");
      marker(pub, g);
      String next = only(g.receivedUntilMarker(Set.of(chosen)), expected(20, "b"));
      assertThat(next).isNotEqualTo(chosen);
    }
  }

  @DisplayName("MQTT 5 4.8.2: strategy hash-client-id: all messages of one publisher go to the same member; "
      + "several publishers are spread over the members")
  @Test
  void hashClientIdStrategy() {
    try (TestBroker b = TestBroker.start(strategy(Strategy.HASH_CLIENT_ID));
         PubSubClients local = new PubSubClients(b)) {
      Group g = group(5, 3, "hash", MqttQos.AT_LEAST_ONCE, local);
      List<Mqtt5BlockingClient> publishers = new ArrayList<>();
      for (int p = 0; p < 8; p++) {
        publishers.add(local.v5Connected(unique("pub")));
      }

      Set<String> receivers = new HashSet<>();
      for (int p = 0; p < publishers.size(); p++) {
        // one publisher at a time: the broker orders messages per publisher, not across publishers
        publish(publishers.get(p), g.topic(), 6, "p" + p + "-");
        marker(publishers.get(p), g);
        receivers.add(only(g.receivedUntilMarker(), expected(6, "p" + p + "-")));
      }
      assertThat(receivers).as("8 publishers over 3 members").hasSizeGreaterThan(1);
    }
  }

  /** Asserts one member received exactly {@code messages} and the others nothing; returns that member. */
  private static String only(Map<String, List<String>> received, List<String> messages) {
    List<String> receivers = received.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
        .toList();
    assertThat(receivers).as("members that received anything: " + received).hasSize(1);
    assertThat(received.get(receivers.get(0))).containsExactlyElementsOf(messages);
    return receivers.get(0);
  }

  private static Consumer<io.vela.config.VelaConfig> strategy(Strategy s) {
    return c -> c.mqtt.sharedSubscriptions.strategy = s;
  }

  // ---------------------------------------------------------------- alongside non-shared subscriptions, options

  @DisplayName("MQTT 5 4.8.2: a non-shared subscriber gets every message; a client with a shared and a non-shared "
      + "subscription gets one copy for each, each with its own Subscription Identifier")
  @Test
  void nonSharedSubscriptionsGetEveryMessage() throws Exception {
    String topic = unique("mixed");
    Mqtt5BlockingClient plain = clients.v5(unique("plain"));
    Inbox plainInbox = inbox(plain);
    plain.connect();
    plain.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    RawClient both = clients.raw(RawPackets.connect(5, unique("both")), 5);
    both.send(RawPackets.subscribe(5, 1, 7, Map.of("$share/g/" + topic, 1)));
    assertThat(RawPackets.subAck(both.readPacket(), 5).codes()).containsExactly(1);
    both.send(RawPackets.subscribe(5, 2, 8, Map.of(topic, 1)));
    assertThat(RawPackets.subAck(both.readPacket(), 5).codes()).containsExactly(1);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    publish(pub, topic, 3, "x");

    for (int i = 0; i < 3; i++) {
      assertThat(plainInbox.next().text()).isEqualTo("x" + i);
    }
    List<List<Integer>> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RawPackets.Publish p = RawPackets.publish(both.readPacket(), 5);
      both.send(RawPackets.pubAck(p.packetId()));
      ids.add(p.subscriptionIds());
    }
    assertThat(ids).containsExactlyInAnyOrder(List.of(7), List.of(8), List.of(7), List.of(8), List.of(7), List.of(8));
  }

  @DisplayName("MQTT 5 4.8.2: retained messages are not sent on a shared subscribe (a non-shared subscribe gets them)")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void retainedMessagesAreNotSentOnASharedSubscribe(int level) {
    String topic = unique("shared-retained");
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(utf8("kept")).send();
    Mqtt5BlockingClient plain = clients.v5(unique("plain"));
    Inbox plainInbox = inbox(plain);
    plain.connect();
    plain.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(plainInbox.next().text()).as("the retained message exists").isEqualTo("kept");

    Inbox sharedInbox;
    String marker = topic + "-marker";
    if (level == 5) {
      Mqtt5BlockingClient shared = clients.v5(unique("member"));
      sharedInbox = inbox(shared);
      shared.connect();
      shared.subscribeWith().topicFilter("$share/g/" + topic).qos(MqttQos.AT_LEAST_ONCE).send();
      shared.subscribeWith().topicFilter(marker).qos(MqttQos.AT_LEAST_ONCE).send();
    } else {
      Mqtt3BlockingClient shared = clients.v3(unique("member"));
      sharedInbox = inbox(shared);
      shared.connect();
      shared.subscribeWith().topicFilter("$share/g/" + topic).qos(MqttQos.AT_LEAST_ONCE).send();
      shared.subscribeWith().topicFilter(marker).qos(MqttQos.AT_LEAST_ONCE).send();
    }
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("live")).send();
    pub.publishWith().topic(marker).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m")).send();

    assertThat(sharedInbox.until(marker)).extracting(Received::text).containsExactly("live");
  }

  @DisplayName("MQTT 5 4.8.2: Retain As Published applies to shared subscriptions")
  @Test
  void retainAsPublishedApplies() {
    String topic = unique("shared-rap");
    Mqtt5BlockingClient keeps = clients.v5(unique("keeps"));
    Inbox keepsInbox = inbox(keeps);
    keeps.connect();
    keeps.subscribeWith().topicFilter("$share/a/" + topic).qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true)
        .send();
    Mqtt5BlockingClient clears = clients.v5(unique("clears"));
    Inbox clearsInbox = inbox(clears);
    clears.connect();
    clears.subscribeWith().topicFilter("$share/b/" + topic).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(utf8("r")).send();

    assertThat(keepsInbox.next().retain()).isTrue();
    assertThat(clearsInbox.next().retain()).isFalse();
    pub.publishWith().topic(topic).retain(true).payload(new byte[0]).send(); // clear the retained message
  }

  @DisplayName("[MQTT-3.8.3-4] No Local on a shared subscription is a Protocol Error: DISCONNECT 0x82, no SUBACK")
  @Test
  void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
    RawClient raw = clients.raw(RawPackets.connect(5, unique("raw")), 5);

    raw.send(RawPackets.subscribe(5, 1, 0, Map.of("$share/g/" + unique("nolocal"), 0x04 | 1)));

    assertThat(RawPackets.disconnectReason(raw.readPacket())).isEqualTo(0x82);
    assertThat(raw.closedWithin(PubSubClients.WAIT)).isTrue();
  }

  @DisplayName("[MQTT-4.8.2-1] [MQTT-4.8.2-2] (v5) a shared filter with an empty ShareName, '+', '#' or '/' in it, "
      + "or no Topic Filter after it gets 0x8F; valid filters in the same SUBSCRIBE are granted")
  @Test
  void invalidShareNamesV5() throws Exception {
    RawClient raw = clients.raw(RawPackets.connect(5, unique("raw")), 5);
    String t = unique("t");
    Map<String, Integer> filters = new LinkedHashMap<>();
    filters.put("$share//" + t, 1);
    filters.put("$share/g", 1);
    filters.put("$share/+/" + t, 1);
    filters.put("$share/#/" + t, 1);
    filters.put("$share/g/", 1);
    filters.put("$share/g#/" + t, 1);
    filters.put("$share/g/" + t + "/#/x", 1);
    filters.put("$share/ok/" + t, 1);

    raw.send(RawPackets.subscribe(5, 3, 0, filters));

    assertThat(RawPackets.subAck(raw.readPacket(), 5).codes()).containsExactly(0x8F, 0x8F, 0x8F, 0x8F, 0x8F, 0x8F,
        0x8F, 1);
  }

  @DisplayName("[MQTT-4.8.2-1] [MQTT-4.8.2-2] (3.1.1) an invalid shared filter closes the connection without SUBACK")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"$share//t", "$share/g", "$share/+/t", "$share/g/"})
  void invalidShareNamesV311(String filter) throws Exception {
    RawClient raw = clients.raw(RawPackets.connect(4, unique("raw")), 4);

    raw.send(RawPackets.subscribe(4, 1, filter, 1));

    assertThat(raw.closedWithin(PubSubClients.WAIT)).isTrue();
  }

  // ---------------------------------------------------------------- UNSUBSCRIBE and members that leave

  @DisplayName("[MQTT-3.10.4-5] (v5) UNSUBSCRIBE of a shared filter: 0x00, then 0x11; the member gets no more "
      + "messages and the remaining member gets them all")
  @Test
  void unsubscribeSharedFilter() {
    Group g = group(5, 2, "unsub", MqttQos.AT_LEAST_ONCE, clients);
    Mqtt5BlockingClient leaving = g.v5Clients().get(0);
    String filter = "$share/unsub/" + g.topic();

    var first = leaving.unsubscribeWith().topicFilter(filter).send();
    var second = leaving.unsubscribeWith().topicFilter(filter).send();

    assertThat(first.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS);
    assertThat(second.getReasonCodes()).containsExactly(Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    publish(pub, g.topic(), 6, "u");
    marker(pub, g);
    Map<String, List<String>> received = g.receivedUntilMarker();
    assertThat(received.get(g.ids().get(0))).isEmpty();
    assertThat(received.get(g.ids().get(1))).containsExactlyElementsOf(expected(6, "u"));
  }

  /**
   * A raw member that is alone in {@code $share/g/topic} with Receive Maximum 1 and has been sent {@code m0} (in flight,
   * not acknowledged) with {@code m1} queued behind it; then a HiveMQ member joins.
   */
  private record Stalled(RawClient raw, Inbox other, Mqtt5BlockingClient pub, String topic) {
  }

  private Stalled stalledMember(RawPackets.ConnectBuilder connect, int level, int qos) throws Exception {
    String topic = unique("leaving");
    RawClient raw = clients.raw(connect.receiveMaximum(1), level);
    raw.send(RawPackets.subscribe(level, 1, "$share/g/" + topic, qos));
    assertThat(RawPackets.subAck(raw.readPacket(), level).codes()).containsExactly(qos);
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));
    for (int i = 0; i < 2; i++) {
      pub.publishWith().topic(topic).qos(PubSubClients.qos(qos)).payload(utf8("m" + i)).send();
    }
    RawPackets.Publish p = RawPackets.publish(raw.readPacket(), level);
    assertThat(p.payload()).isEqualTo("m0");
    Mqtt5BlockingClient other = clients.v5(unique("other"));
    Inbox otherInbox = inbox(other);
    other.connect();
    other.subscribeWith().topicFilter("$share/g/" + topic).qos(MqttQos.EXACTLY_ONCE).send();
    other.subscribeWith().topicFilter(topic + "-marker").qos(MqttQos.AT_LEAST_ONCE).send();
    return new Stalled(raw, otherInbox, pub, topic);
  }

  @DisplayName("MQTT 5 4.8.2: a member whose session ends (clean start / expiry 0) with an unacknowledged QoS 1 "
      + "message and a queued one: both go to another member of the group")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void unackedQos1OfAnEndingSessionGoesToAnotherMember(int level) throws Exception {
    String id = unique("leaving");
    Stalled s = stalledMember(RawPackets.connect(level, id), level, 1);

    s.raw().close(); // network connection lost; the session has expiry 0 and ends

    List<String> got = List.of(s.other().next().text(), s.other().next().text());
    assertThat(got).containsExactlyInAnyOrder("m0", "m1");
  }

  @DisplayName("[MQTT-4.8.2-5] a QoS 2 message sent to a member whose session ends before it answered is not sent "
      + "to another member; a queued (never sent) QoS 2 message is")
  @Test
  void unackedQos2OfAnEndingSessionIsNotRedelivered() throws Exception {
    String id = unique("leaving");
    Stalled s = stalledMember(RawPackets.connect(5, id), 5, 2);

    s.raw().close();
    await().atMost(PubSubClients.WAIT).until(() -> !broker.broker().registry().hasSession(id));

    String marker = s.topic() + "-marker";
    List<Received> got = s.other().settle(marker,
        () -> s.pub().publishWith().topic(marker).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m")).send());
    assertThat(got).extracting(Received::text).containsExactly("m1");
  }

  @DisplayName("[MQTT-4.8.2-4] a persistent member that loses its connection keeps its unacknowledged message and "
      + "gets it again (DUP) when it resumes; its queued message goes to a connected member at once")
  @Test
  void persistentMemberKeepsItsInFlightMessage() throws Exception {
    String id = unique("persistent");
    RawPackets.ConnectBuilder connect = RawPackets.connect(5, id).sessionExpiry(60);
    Stalled s = stalledMember(connect, 5, 1);

    s.raw().close();

    assertThat(s.other().next().text()).isEqualTo("m1");
    RawClient again = clients.raw();
    again.send(RawPackets.connect(5, id).cleanStart(false).sessionExpiry(0).build());
    assertThat(RawPackets.connAck(again.readPacket(), 5).sessionPresent()).isTrue();
    RawPackets.Publish resent = RawPackets.publish(again.readPacket(), 5);
    assertThat(resent.payload()).isEqualTo("m0");
    assertThat(resent.dup()).isTrue();
    again.send(RawPackets.pubAck(resent.packetId()));
  }

  @DisplayName("MQTT 5 4.8.2: a member that unsubscribes hands its queued (never sent) message to another member; "
      + "the one in flight stays with it")
  @Test
  void unsubscribingMemberHandsQueuedMessagesOver() throws Exception {
    Stalled s = stalledMember(RawPackets.connect(5, unique("unsub")), 5, 1);

    s.raw().send(RawPackets.unsubscribe(5, 9, "$share/g/" + s.topic()));

    assertThat(RawPackets.subAck(s.raw().readPacket(), 5).codes()).containsExactly(0);
    assertThat(s.other().next().text()).isEqualTo("m1");
    String marker = s.topic() + "-marker";
    List<Received> more = s.other().settle(marker,
        () -> s.pub().publishWith().topic(marker).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("m")).send());
    assertThat(more).as("m0 stays with the member that was sent it").isEmpty();
  }

  // ---------------------------------------------------------------- configuration

  @DisplayName("MQTT 5 4.8.2 / 3.2.2.3.15: with mqtt.shared-subscriptions.enabled=false CONNACK says Shared "
      + "Subscription Available = 0 and SUBACK answers 0x9E (0x80 for 3.1.1); enabled it says 1")
  @ParameterizedTest(name = "MQTT level {0}")
  @ValueSource(ints = {4, 5})
  void disabledByConfiguration(int level) throws Exception {
    RawClient enabled = clients.raw();
    enabled.send(RawPackets.connect(level, unique("raw")).build());
    RawPackets.ConnAck enabledAck = RawPackets.connAck(enabled.readPacket(), level);
    if (level == 5) {
      assertThat(enabledAck.property(0x2A)).as("Shared Subscription Available absent: 1").isNull();
    }
    try (TestBroker off = TestBroker.start(c -> c.mqtt.sharedSubscriptions.enabled = false);
         PubSubClients local = new PubSubClients(off)) {
      RawClient raw = local.raw();
      raw.send(RawPackets.connect(level, unique("raw")).build());
      RawPackets.ConnAck connAck = RawPackets.connAck(raw.readPacket(), level);
      if (level == 5) {
        assertThat(connAck.property(0x2A)).as("Shared Subscription Available").isEqualTo(0);
      }
      Map<String, Integer> filters = new LinkedHashMap<>();
      filters.put("$share/group/" + unique("shared"), 1);
      filters.put(unique("plain"), 1);

      raw.send(RawPackets.subscribe(level, 1, 0, filters));

      assertThat(RawPackets.subAck(raw.readPacket(), level).codes()).containsExactly(level == 5 ? 0x9E : 0x80, 1);
    }
  }
}
