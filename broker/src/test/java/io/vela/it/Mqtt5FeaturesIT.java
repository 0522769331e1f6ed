package io.vela.it;

import static io.vela.it.PubSubClients.inbox;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static io.vela.it.V5Packets.PROP_CONTENT_TYPE;
import static io.vela.it.V5Packets.PROP_PAYLOAD_FORMAT;
import static io.vela.it.V5Packets.PROP_REQUEST_PROBLEM_INFORMATION;
import static io.vela.it.V5Packets.PROP_REQUEST_RESPONSE_INFORMATION;
import static io.vela.it.V5Packets.PROP_RESPONSE_INFORMATION;
import static io.vela.it.V5Packets.PROP_SERVER_REFERENCE;
import static io.vela.it.V5Packets.PROP_SUBSCRIPTION_IDS_AVAILABLE;
import static io.vela.it.V5Packets.PROP_WILDCARD_AVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.config.MqttConfig;
import io.vela.it.PubSubClients.Inbox;
import io.vela.it.PubSubClients.Received;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MQTT 5 features configured by the broker: Payload Format Indicator validation, Request/Response, Response
 * Information, redirection with Server Reference, the "available" flags in CONNACK, and Request Problem Information.
 */
class Mqtt5FeaturesIT extends SharedBrokerTestBase {

  /** Not UTF-8: 0xC3 starts a two-byte sequence, 0x28 cannot continue it. */
  static final byte[] NOT_UTF8 = {'o', 'k', (byte) 0xC3, 0x28};

  // ---------------------------------------------------------------- Payload Format Indicator

  @ParameterizedTest(name = "QoS {0}")
  @CsvSource({"1, 4", "2, 5"})
  @DisplayName("MQTT 5 3.3.2.3.2 / 4.13: with mqtt.validate-utf8-payload, a QoS 1/2 PUBLISH whose Payload Format "
      + "Indicator is 1 but whose payload is not UTF-8 gets PUBACK/PUBREC 0x99 and is not delivered")
  void mqtt5_3_3_2_3_2_invalidUtf8PayloadIsRefusedInTheAck(int qos, int ackType) throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.validateUtf8Payload = true);
         PubSubClients on = new PubSubClients(b)) {
      Mqtt5BlockingClient sub = on.v5Connected(unique("pfi-sub"));
      Inbox inbox = inbox(sub);
      sub.subscribeWith().topicFilter("pfi/#").qos(MqttQos.EXACTLY_ONCE).send();
      RawClient raw = rawConnected(on);
      raw.send(V5Packets.publish("pfi/bad", qos, 7, NOT_UTF8, V5Packets.byteProperty(PROP_PAYLOAD_FORMAT, 1)));
      RawPackets.Ack ack = RawPackets.ack(raw.readPacket());
      assertThat(ack.type()).isEqualTo(ackType);
      assertThat(ack.packetId()).isEqualTo(7);
      assertThat(ack.reasonCode()).isEqualTo(0x99);
      // the same bytes declared as unspecified (indicator 0) are fine and are delivered
      raw.send(V5Packets.publish("pfi/bytes", qos, 8, NOT_UTF8, V5Packets.byteProperty(PROP_PAYLOAD_FORMAT, 0)));
      assertThat(RawPackets.ack(raw.readPacket()).reasonCode()).isZero();
      assertThat(inbox.next().topic()).isEqualTo("pfi/bytes");
    }
  }

  @ParameterizedTest(name = "QoS {0}")
  @CsvSource({"0", "1"})
  @DisplayName("[MQTT-3.3.2-4] a PUBLISH whose properties take 128 bytes or more (a two-byte Property Length) and end "
      + "with the one-byte Payload Format Indicator arrives with its payload and both properties intact")
  void longPropertiesEndingWithAOneByteProperty(int qos) throws Exception {
    Mqtt5BlockingClient sub = clients.v5Connected(unique("long-props-sub"));
    Inbox inbox = inbox(sub);
    String topic = unique("long-props");
    sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    String contentType = "application/vnd.example." + "x".repeat(150);
    RawClient raw = rawConnected(clients);
    raw.send(V5Packets.publish(topic, qos, 3, utf8("{\"t\":21.5}"),
        V5Packets.stringProperty(PROP_CONTENT_TYPE, contentType), V5Packets.byteProperty(PROP_PAYLOAD_FORMAT, 1)));
    if (qos == 1) {
      assertThat(RawPackets.ack(raw.readPacket()).reasonCode()).isZero();
    }
    Received got = inbox.next();
    assertThat(got.text()).isEqualTo("{\"t\":21.5}");
    Mqtt5Publish p = (Mqtt5Publish) got.publish();
    assertThat(p.getContentType().map(Object::toString)).contains(contentType);
    assertThat(p.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
    sub.disconnect();
  }

  @Test
  @DisplayName("MQTT 5 3.3.2.3.2 / 4.13: with mqtt.validate-utf8-payload, a QoS 0 PUBLISH declared UTF-8 with a "
      + "payload that is not gets DISCONNECT 0x99 (Payload format invalid)")
  void mqtt5_3_3_2_3_2_invalidUtf8PayloadAtQos0Disconnects() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.validateUtf8Payload = true);
         PubSubClients on = new PubSubClients(b)) {
      RawClient raw = rawConnected(on);
      raw.send(V5Packets.publish("pfi/bad", 0, 0, NOT_UTF8, V5Packets.byteProperty(PROP_PAYLOAD_FORMAT, 1)));
      expectDisconnect(raw, 0x99);
    }
  }

  @Test
  @DisplayName("MQTT 5 3.1.3.2.3: with mqtt.validate-utf8-payload, a will declared UTF-8 whose payload is not gets "
      + "CONNACK 0x99")
  void mqtt5_3_1_3_2_3_invalidUtf8WillIsRefused() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.validateUtf8Payload = true);
         RawClient raw = new RawClient(b.host(), b.port())) {
      raw.send(V5Packets.connectWithWill(unique("pfi-will"), "pfi/will", NOT_UTF8,
          V5Packets.byteProperty(PROP_PAYLOAD_FORMAT, 1)));
      assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isEqualTo(0x99);
      assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  @DisplayName("[MQTT-3.3.2-4] [MQTT-3.3.2-20] Payload Format Indicator and Content Type are forwarded unaltered; "
      + "without mqtt.validate-utf8-payload (the default) even a payload that is not UTF-8 is forwarded as sent")
  void mqtt5_3_3_2_4_payloadFormatAndContentTypeForwardedUnaltered() throws Exception {
    Mqtt5BlockingClient sub = clients.v5Connected(unique("pfi-fwd-sub"));
    Inbox inbox = inbox(sub);
    sub.subscribeWith().topicFilter("pfi-fwd/#").qos(MqttQos.AT_LEAST_ONCE).send();
    RawClient raw = rawConnected(clients);
    raw.send(V5Packets.publish("pfi-fwd/x", 1, 1, NOT_UTF8, V5Packets.byteProperty(PROP_PAYLOAD_FORMAT, 1),
        V5Packets.stringProperty(PROP_CONTENT_TYPE, "text/plain; charset=utf-8")));
    assertThat(RawPackets.ack(raw.readPacket()).reasonCode()).isZero();
    Mqtt5Publish got = inbox.next().v5();
    assertThat(got.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
    assertThat(got.getContentType().map(Object::toString)).contains("text/plain; charset=utf-8");
    assertThat(got.getPayloadAsBytes()).containsExactly(NOT_UTF8);
  }

  // ---------------------------------------------------------------- Request / Response

  @Test
  @DisplayName("[MQTT-3.3.2-15] [MQTT-3.3.2-16] Response Topic and Correlation Data reach the responder unaltered; "
      + "its answer reaches the requester on that topic with the same Correlation Data")
  void mqtt5_3_3_2_15_requestResponseRoundTrip() {
    Mqtt5BlockingClient responder = clients.v5Connected(unique("responder"));
    Inbox requests = inbox(responder);
    responder.subscribeWith().topicFilter("rpc/request").qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5BlockingClient requester = clients.v5Connected(unique("requester"));
    Inbox responses = inbox(requester);
    String replyTo = "rpc/reply/" + unique("r");
    requester.subscribeWith().topicFilter(replyTo).qos(MqttQos.AT_LEAST_ONCE).send();
    byte[] correlation = {0, 1, 2, (byte) 0xFF};

    requester.publishWith().topic("rpc/request").qos(MqttQos.AT_LEAST_ONCE).responseTopic(replyTo)
        .correlationData(correlation).payload(utf8("ping")).send();
    Mqtt5Publish request = requests.next().v5();
    assertThat(request.getResponseTopic().map(Object::toString)).contains(replyTo);
    assertThat(bytes(request.getCorrelationData().orElseThrow())).containsExactly(correlation);

    responder.publishWith().topic(request.getResponseTopic().orElseThrow()).qos(MqttQos.AT_LEAST_ONCE)
        .correlationData(request.getCorrelationData().orElseThrow()).payload(utf8("pong")).send();
    Mqtt5Publish response = responses.next().v5();
    assertThat(new String(response.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("pong");
    assertThat(bytes(response.getCorrelationData().orElseThrow())).containsExactly(correlation);
  }

  @Test
  @DisplayName("[MQTT-3.1.2-31] with mqtt.response-information set, CONNACK carries it as Response Information only "
      + "to a client that sent Request Response Information 1; without the key nobody gets it")
  void mqtt5_3_1_2_31_responseInformationOnlyWhenRequested() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.responseInformation = "reply/");
         PubSubClients on = new PubSubClients(b)) {
      assertThat(connAck(on, V5Packets.byteProperty(PROP_REQUEST_RESPONSE_INFORMATION, 1))
          .property(PROP_RESPONSE_INFORMATION)).isEqualTo("reply/");
      assertThat(connAck(on, V5Packets.byteProperty(PROP_REQUEST_RESPONSE_INFORMATION, 0))
          .property(PROP_RESPONSE_INFORMATION)).isNull();
      assertThat(connAck(on).property(PROP_RESPONSE_INFORMATION)).isNull();
    }
    assertThat(connAck(clients, V5Packets.byteProperty(PROP_REQUEST_RESPONSE_INFORMATION, 1))
        .property(PROP_RESPONSE_INFORMATION)).isNull();
  }

  // ---------------------------------------------------------------- Server redirection

  @ParameterizedTest(name = "{0}")
  @CsvSource({"USE_ANOTHER_SERVER, 156", "SERVER_MOVED, 157"})
  @DisplayName("MQTT 5 4.11: with mqtt.redirect, an MQTT 5 CONNECT gets CONNACK 0x9C / 0x9D with the configured "
      + "Server Reference and is closed; an MQTT 3.1.1 client connects as usual")
  void mqtt5_4_11_redirection(MqttConfig.Redirect redirect, int code) throws Exception {
    Consumer<io.vela.config.VelaConfig> config = c -> {
      c.mqtt.redirect = redirect;
      c.mqtt.serverReference = "other.example:1883";
    };
    try (TestBroker b = TestBroker.start(config);
         PubSubClients on = new PubSubClients(b)) {
      RawClient raw = on.raw();
      raw.send(V5Packets.connect(unique("redirected")));
      RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
      assertThat(ack.reasonCode()).isEqualTo(code);
      assertThat(ack.property(PROP_SERVER_REFERENCE)).isEqualTo("other.example:1883");
      assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();

      Mqtt5BlockingClient hive = Mqtt5Client.builder().identifier(unique("redirected-hive")).serverHost(b.host())
          .serverPort(b.port()).buildBlocking();
      Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class, hive::connect);
      assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(code);
      assertThat(e.getMqttMessage().getServerReference().map(Object::toString)).contains("other.example:1883");

      Mqtt3BlockingClient v3 = on.v3Connected(unique("not-redirected"));
      assertThat(v3.getState().isConnected()).isTrue();
    }
  }

  // ---------------------------------------------------------------- "available" flags

  @Test
  @DisplayName("MQTT 5 3.2.2.3.11-13: by default CONNACK leaves out Wildcard / Subscription Identifier available (= "
      + "available); when the config turns them off CONNACK says 0, a wildcard filter gets SUBACK 0xA2 and a "
      + "Subscription Identifier DISCONNECT 0xA1")
  void mqtt5_3_2_2_3_availableFlagsFollowTheConfig() throws Exception {
    RawPackets.ConnAck defaults = connAck(clients);
    assertThat(defaults.property(PROP_WILDCARD_AVAILABLE)).isNull();
    assertThat(defaults.property(PROP_SUBSCRIPTION_IDS_AVAILABLE)).isNull();

    Consumer<io.vela.config.VelaConfig> off = c -> {
      c.mqtt.wildcardSubscriptionAvailable = false;
      c.mqtt.subscriptionIdentifiersAvailable = false;
    };
    try (TestBroker b = TestBroker.start(off);
         PubSubClients on = new PubSubClients(b)) {
      RawClient raw = on.raw();
      raw.send(V5Packets.connect(unique("flags")));
      RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
      assertThat(ack.property(PROP_WILDCARD_AVAILABLE)).isEqualTo(0);
      assertThat(ack.property(PROP_SUBSCRIPTION_IDS_AVAILABLE)).isEqualTo(0);

      Map<String, Integer> filters = new LinkedHashMap<>();
      filters.put("flags/+", 1);
      filters.put("flags/#", 1);
      filters.put("flags/plain", 1);
      raw.send(RawPackets.subscribe(5, 1, 0, filters));
      assertThat(RawPackets.subAck(raw.readPacket(), 5).codes()).containsExactly(0xA2, 0xA2, 0x01);

      raw.send(RawPackets.subscribe(5, 2, 9, Map.of("flags/with-id", 1)));
      expectDisconnect(raw, 0xA1);

      Mqtt3BlockingClient v3 = on.v3Connected(unique("flags-v3"));
      Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class,
          () -> v3.subscribeWith().topicFilter("flags/+").send());
      assertThat(refused.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
    }
  }

  // ---------------------------------------------------------------- Request Problem Information

  @Test
  @DisplayName("[MQTT-3.1.2-32] with Request Problem Information 0, error acknowledgements (PUBACK 0x87, SUBACK 0x8F) "
      + "carry no Reason String or User Property: no properties at all")
  void mqtt5_3_1_2_32_noProblemInformationOnAcks() throws Exception {
    RawClient raw = clients.raw();
    raw.send(V5Packets.connect(unique("no-problem-info"), V5Packets.byteProperty(PROP_REQUEST_PROBLEM_INFORMATION,
        0)));
    assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isZero();
    raw.send(V5Packets.publish("$SYS/not-yours", 1, 3, utf8("x")));
    byte[] puback = raw.readPacket();
    assertThat(RawPackets.ack(puback).reasonCode()).isEqualTo(0x87);
    assertThat(V5Packets.ackPropertyLength(puback)).as("PUBACK property length").isZero();

    raw.send(BadPackets.subscribe(5, 0x82, 4, "bad/#/filter"));
    byte[] suback = raw.readPacket();
    assertThat(BadPackets.subAckCode(5, suback, 0)).isEqualTo(0x8F);
    assertThat(suback[BadPackets.bodyOffset(suback) + 2]).as("SUBACK property length").isZero();
  }

  @Test
  @DisplayName("Reason Strings (MQTT 5 3.14.2.2.3): a protocol-error DISCONNECT explains itself in a Reason String when "
      + "the client allows problem information (the default) and carries none when it sent Request Problem "
      + "Information 0")
  void mqtt5_3_14_2_2_3_reasonStringOnlyWhenProblemInformationIsAllowed() throws Exception {
    RawClient allows = rawConnected(clients);
    allows.send(V5Packets.publish("", 0, 0, utf8("x")));
    byte[] withReason = allows.readPacket();
    assertThat(RawPackets.disconnectReason(withReason)).isEqualTo(0x82);
    assertThat(V5Packets.disconnectHasReasonString(withReason)).as("Reason String present").isTrue();

    RawClient refuses = clients.raw();
    refuses.send(V5Packets.connect(unique("no-reasons"), V5Packets.byteProperty(PROP_REQUEST_PROBLEM_INFORMATION,
        0)));
    assertThat(RawPackets.connAck(refuses.readPacket(), 5).reasonCode()).isZero();
    refuses.send(V5Packets.publish("", 0, 0, utf8("x")));
    byte[] without = refuses.readPacket();
    assertThat(RawPackets.disconnectReason(without)).isEqualTo(0x82);
    assertThat(V5Packets.disconnectHasReasonString(without)).as("Reason String present").isFalse();
  }

  // ---------------------------------------------------------------- helpers

  private static RawClient rawConnected(PubSubClients on) throws IOException {
    RawClient raw = on.raw();
    raw.send(V5Packets.connect(unique("raw")));
    assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isZero();
    return raw;
  }

  private static RawPackets.ConnAck connAck(PubSubClients on, byte[]... properties) throws IOException {
    RawClient raw = on.raw();
    raw.send(V5Packets.connect(unique("connack"), properties));
    RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
    assertThat(ack.reasonCode()).isZero();
    return ack;
  }

  private static void expectDisconnect(RawClient raw, int reason) throws IOException {
    byte[] p = raw.readPacket();
    assertThat(RawClient.type(p)).as("packet type").isEqualTo(RawPackets.DISCONNECT);
    assertThat(RawPackets.disconnectReason(p)).as("DISCONNECT reason code").isEqualTo(reason);
    assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
