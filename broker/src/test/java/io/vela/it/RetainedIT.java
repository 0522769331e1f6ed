package io.vela.it;

import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Retained messages: storing, replacing, clearing, the RETAIN flag on delivery, MQTT 5 retain options. */
class RetainedIT extends SharedBrokerTestBase {

  Mqtt5BlockingClient pub;

  @BeforeEach
  void connectPublisher() {
    pub = clients.v5Connected(unique("pub"));
  }

  private void retain(String topic, String payload, int qos) {
    pub.publishWith().topic(topic).qos(PubSubClients.qos(qos)).retain(true).payload(utf8(payload)).send();
    if (qos == 0) {
      // a QoS 0 send returns once written, not once the broker has stored it; the broker handles one connection's
      // packets in order, so the PUBACK of a QoS 1 PUBLISH behind it means the retained message is stored
      live(unique("retain-barrier"), "barrier");
    }
  }

  private void live(String topic, String payload) {
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8(payload)).send();
  }

  /** A connected v5 subscriber with its inbox (nothing subscribed yet). */
  private Mqtt5BlockingClient v5Subscriber(Inbox[] inboxOut) {
    Mqtt5BlockingClient c = clients.v5(unique("sub"));
    inboxOut[0] = inbox(c);
    c.connect();
    return c;
  }

  @DisplayName("[MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-8] [MQTT-3.1.2-7] (3.1.1) a retained message outlives its "
      + "publisher's session and goes to a new subscriber with RETAIN=1")
  @ParameterizedTest(name = "MQTT {0} subscriber")
  @ValueSource(strings = {"3.1.1", "5"})
  void retainedMessageGoesToNewSubscribers(String version) {
    String topic = unique("retained");
    Mqtt3BlockingClient shortLived = clients.v3Connected(unique("short"));
    shortLived.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(utf8("kept")).send();
    shortLived.disconnect();

    Received r;
    if (version.equals("5")) {
      Inbox[] in = new Inbox[1];
      v5Subscriber(in).subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
      r = in[0].next();
    } else {
      Mqtt3BlockingClient sub = clients.v3(unique("sub"));
      Inbox in = inbox(sub);
      sub.connect();
      sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
      r = in.next();
    }
    assertThat(r).extracting(Received::topic, Received::text, Received::qos, Received::retain)
        .containsExactly(topic, "kept", 1, true);
  }

  @DisplayName("[MQTT-3.3.1-5] (v5) a newer retained message replaces the stored one")
  @Test
  void newerRetainedMessageReplacesTheOldOne() {
    String topic = unique("replace");
    retain(topic, "old", 1);
    retain(topic, "new", 1);

    Inbox[] in = new Inbox[1];
    v5Subscriber(in).subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    live(topic, "marker");

    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("new", true);
    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("marker", false);
  }

  @DisplayName("[MQTT-3.3.1-10] [MQTT-3.3.1-11] (3.1.1) an empty retained message is delivered as normal and "
      + "clears the stored one")
  @Test
  void emptyRetainedMessageClearsTheTopic() {
    String topic = unique("clear");
    retain(topic, "soon gone", 1);
    Mqtt3BlockingClient existing = clients.v3(unique("existing"));
    Inbox existingInbox = inbox(existing);
    existing.connect();
    existing.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(existingInbox.next().retain()).isTrue();

    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(new byte[0]).send();
    assertThat(existingInbox.next()).extracting(r -> r.payload().length, Received::retain).containsExactly(0, false);

    Mqtt3BlockingClient late = clients.v3(unique("late"));
    Inbox lateInbox = inbox(late);
    late.connect();
    late.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    live(topic, "live");
    assertThat(lateInbox.next()).extracting(Received::text, Received::retain).containsExactly("live", false);
  }

  @DisplayName("[MQTT-3.3.1-12] (3.1.1; v5 [MQTT-3.3.1-8]) a PUBLISH with RETAIN=0 neither replaces nor removes "
      + "the retained message")
  @Test
  void nonRetainedPublishLeavesTheRetainedMessageAlone() {
    String topic = unique("untouched");
    retain(topic, "stored", 1);
    live(topic, "passing by");
    pub.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(new byte[0]).send();

    Inbox[] in = new Inbox[1];
    v5Subscriber(in).subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("stored", true);
  }

  @DisplayName("[MQTT-3.3.1-9] (3.1.1) a retained PUBLISH forwarded to an established subscription has RETAIN=0")
  @Test
  void liveDeliveryClearsRetainV311() {
    String topic = unique("live3");
    Mqtt3BlockingClient sub = clients.v3(unique("sub"));
    Inbox inbox = inbox(sub);
    sub.connect();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();

    retain(topic, "now", 1);

    assertThat(inbox.next()).extracting(Received::text, Received::retain).containsExactly("now", false);
  }

  @DisplayName("[MQTT-3.3.1-12] [MQTT-3.3.1-13] (v5) Retain As Published: 0 clears RETAIN on forwarding, 1 keeps "
      + "it as published")
  @Test
  void retainAsPublished() {
    String base = unique("rap");
    Inbox[] plainIn = new Inbox[1];
    v5Subscriber(plainIn).subscribeWith().topicFilter(base + "/#").qos(MqttQos.AT_LEAST_ONCE)
        .retainAsPublished(false).send();
    Inbox[] rapIn = new Inbox[1];
    v5Subscriber(rapIn).subscribeWith().topicFilter(base + "/#").qos(MqttQos.AT_LEAST_ONCE)
        .retainAsPublished(true).send();

    retain(base + "/r", "retained", 1);
    live(base + "/l", "not retained");

    assertThat(plainIn[0].next()).extracting(Received::text, Received::retain).containsExactly("retained", false);
    assertThat(plainIn[0].next()).extracting(Received::text, Received::retain)
        .containsExactly("not retained", false);
    assertThat(rapIn[0].next()).extracting(Received::text, Received::retain).containsExactly("retained", true);
    assertThat(rapIn[0].next()).extracting(Received::text, Received::retain).containsExactly("not retained", false);
  }

  @DisplayName("[MQTT-3.3.1-9] [MQTT-3.8.4-4] (v5) Retain Handling 0: retained messages are sent on every "
      + "SUBSCRIBE, also when the subscription exists")
  @Test
  void retainHandling0SendsOnEverySubscribe() {
    String topic = unique("rh0");
    retain(topic, "r", 1);
    Inbox[] in = new Inbox[1];
    Mqtt5BlockingClient sub = v5Subscriber(in);

    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).retainHandling(Mqtt5RetainHandling.SEND).send();
    assertThat(in[0].next().retain()).isTrue();
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).retainHandling(Mqtt5RetainHandling.SEND).send();
    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("r", true);
  }

  @DisplayName("[MQTT-3.3.1-10] (v5) Retain Handling 1: retained messages are sent only when the subscription is "
      + "new")
  @Test
  void retainHandling1SendsOnlyForANewSubscription() {
    String topic = unique("rh1");
    retain(topic, "r", 1);
    Inbox[] in = new Inbox[1];
    Mqtt5BlockingClient sub = v5Subscriber(in);

    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
        .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("r", true);
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
        .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
    live(topic, "marker");

    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("marker", false);
  }

  @DisplayName("[MQTT-3.3.1-11] (v5) Retain Handling 2: no retained messages at SUBSCRIBE")
  @Test
  void retainHandling2NeverSends() {
    String topic = unique("rh2");
    retain(topic, "r", 1);
    Inbox[] in = new Inbox[1];

    v5Subscriber(in).subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
        .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
    live(topic, "marker");

    assertThat(in[0].next()).extracting(Received::text, Received::retain).containsExactly("marker", false);
  }

  @DisplayName("[MQTT-3.8.4-6] (v5 [MQTT-3.8.4-8]) a retained message is sent at min(stored QoS, granted QoS)")
  @ParameterizedTest(name = "stored QoS {0}, granted QoS {1}")
  @CsvSource({"2, 0", "2, 1", "2, 2", "1, 2", "0, 2"})
  void retainedQosIsDowngradedToTheSubscription(int stored, int granted) {
    String topic = unique("retained-qos");
    retain(topic, "q", stored);
    Inbox[] in = new Inbox[1];

    v5Subscriber(in).subscribeWith().topicFilter(topic).qos(PubSubClients.qos(granted)).send();

    assertThat(in[0].next()).extracting(Received::qos, Received::retain)
        .containsExactly(Math.min(stored, granted), true);
  }

  @DisplayName("[MQTT-3.3.1-6] (3.1.1) a wildcard subscription gets the retained message of every matching topic, "
      + "and only those")
  @Test
  void wildcardSubscriptionGetsEveryMatchingRetainedMessage() {
    String base = unique("wild");
    retain(base + "/x/1", "x1", 1);
    retain(base + "/x/2/deep", "x2", 1);
    retain(base + "/x", "x", 1);
    retain(base + "/y/3", "y3", 1);
    retain(base + "x/4", "sibling", 1);
    Inbox[] in = new Inbox[1];

    v5Subscriber(in).subscribeWith().topicFilter(base + "/x/#").qos(MqttQos.AT_LEAST_ONCE).send();
    live(base + "/x/marker", "marker");

    assertThat(in[0].until(base + "/x/marker")).extracting(Received::text, Received::retain)
        .containsExactlyInAnyOrder(tuple("x1", true), tuple("x2", true), tuple("x", true));
  }
}
