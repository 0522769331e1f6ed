package io.vela.it;

import static io.vela.it.BadPackets.CONNACK;
import static io.vela.it.BadPackets.DISCONNECT;
import static io.vela.it.BadPackets.PUBACK;
import static io.vela.it.BadPackets.SUBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protocol violations sent as raw bytes. Each one must end the offending connection the way the spec says (MQTT 5:
 * DISCONNECT with the reason code, then close; MQTT 3.1.1: close) and be counted, while a well-behaved client on the
 * same broker carries on undisturbed (checked after every test).
 */
class BadInputIT {

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  private static final AtomicInteger IDS = new AtomicInteger();

  static TestBroker broker;
  static Mqtt5BlockingClient bystander;
  static Mqtt5BlockingClient.Mqtt5Publishes bystanderInbox;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    bystander = Mqtt5Client.builder().identifier("bystander").serverHost(broker.host()).serverPort(broker.port())
        .buildBlocking();
    bystander.connect();
    bystanderInbox = bystander.publishes(MqttGlobalPublishFilter.ALL);
    bystander.subscribeWith().topicFilter("bystander/#").qos(MqttQos.AT_LEAST_ONCE).send();
  }

  @AfterAll
  static void stop() {
    bystanderInbox.close();
    bystander.disconnect();
    broker.close();
  }

  /** The connection that misbehaved is gone; the broker still serves the others and accepts new ones. */
  @AfterEach
  void wellBehavedClientsKeepWorking() throws Exception {
    String topic = "bystander/" + IDS.incrementAndGet();
    bystander.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("still here")).send();
    Mqtt5Publish got = bystanderInbox.receive(5, TimeUnit.SECONDS)
        .orElseThrow(() -> new AssertionError("the well-behaved client got nothing back"));
    assertThat(got.getTopic().toString()).isEqualTo(topic);
    try (RawClient fresh = connected(5)) {
      fresh.send(BadPackets.pingReq());
      assertThat(fresh.readPacket()).containsExactly(0xD0, 0x00);
    }
  }

  // ---------------------------------------------------------------- CONNECT sequence

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "PUBLISH, 300400016178",
      "SUBSCRIBE, 8206000100016100",
      "PINGREQ, c000",
      "DISCONNECT, e000"})
  @DisplayName("[MQTT-3.1.0-1] a first packet other than CONNECT closes the connection without a reply")
  void mqtt_3_1_0_1_packetBeforeConnectClosesTheConnection(String packet, String hex) throws Exception {
    long before = errors("PROTOCOL_ERROR");
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(hex(hex));
      expectCloseWithoutReply(raw);
    }
    expectCounted("PROTOCOL_ERROR", before);
  }

  @ParameterizedTest(name = "protocol level {0}, second CONNECT with level {1}")
  @CsvSource({"4, 4", "5, 5", "5, 4", "4, 5", "5, 6", "4, 6"})
  @DisplayName("[MQTT-3.1.0-2] a second CONNECT is a protocol violation: MQTT 5 DISCONNECT 0x82 then close, "
      + "MQTT 3.1.1 close, whatever protocol level the second CONNECT claims")
  void mqtt_3_1_0_2_secondConnectIsAProtocolViolation(int level, int secondLevel) throws Exception {
    long before = errors("PROTOCOL_ERROR");
    try (RawClient raw = connected(level)) {
      raw.send(BadPackets.connect(secondLevel, "second-connect", 0x02, 30, null, null));
      expectViolation(level, raw, 0x82);
    }
    expectCounted("PROTOCOL_ERROR", before);
  }

  // ---------------------------------------------------------------- malformed packets

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("a Remaining Length of more than four bytes is a Malformed Packet: MQTT 5 DISCONNECT 0x81, "
      + "MQTT 3.1.1 close")
  void remainingLengthLongerThanFourBytesIsMalformed(int level) throws Exception {
    expectMalformed(level, new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0, 0});
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("a PUBLISH whose topic length runs past its Remaining Length, followed by garbage, is a Malformed "
      + "Packet: MQTT 5 DISCONNECT 0x81, MQTT 3.1.1 close")
  void truncatedPacketFollowedByGarbageIsMalformed(int level) throws Exception {
    // remaining length 4, but the topic claims 16 bytes; then bytes that are not a packet
    byte[] truncated = {0x30, 0x04, 0x00, 0x10, 'a', 'b'};
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 0xFF);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(truncated);
    both.writeBytes(garbage);
    expectMalformed(level, both.toByteArray());
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.8.1-1] SUBSCRIBE with fixed-header flags 0000 instead of 0010 is a Malformed Packet: "
      + "MQTT 5 DISCONNECT 0x81, MQTT 3.1.1 close")
  void mqtt_3_8_1_1_subscribeWithReservedFlagsWrongIsMalformed(int level) throws Exception {
    expectMalformed(level, BadPackets.subscribe(level, 0x80, 1, "a/b"));
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.3.1-4] a PUBLISH with both QoS bits set (QoS 3) is a Malformed Packet: MQTT 5 DISCONNECT "
      + "0x81, MQTT 3.1.1 close")
  void mqtt_3_3_1_4_publishWithQos3IsMalformed(int level) throws Exception {
    byte[] qos1 = RawClient.publish(level, "a/b", 1, 7, false, utf8("x"));
    qos1[0] = 0x36;
    expectMalformed(level, qos1);
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("a client that goes on sending after the broker disconnected it still reads the DISCONNECT (MQTT 5: "
      + "0x81) and then a normal end of stream, not a reset that would throw away what it had not read yet")
  void aClientStillSendingAfterBeingDisconnectedGetsItsReasonCode(int level) throws Exception {
    String id = "linger-" + level + "-" + IDS.incrementAndGet();
    try (RawClient raw = connected(broker, level, id)) {
      raw.send(new byte[] {(byte) 0xC1, 0x00}); // PINGREQ with a reserved flag: Malformed Packet
      await().atMost(CLOSE_WAIT).until(() -> !broker.broker().registry().isOnline(id)); // the broker is done
      for (int i = 0; i < 20; i++) {
        raw.send(new byte[] {(byte) 0xC0, 0x00}); // what a busy client had already queued
      }
      if (level == 5) {
        byte[] p = raw.readPacket();
        assertThat(RawClient.type(p)).isEqualTo(DISCONNECT);
        assertThat(BadPackets.disconnectReason(p)).isEqualTo(0x81);
      }
      assertThat(raw.endsNormallyWithin(CLOSE_WAIT)).as("end of stream, not a reset").isTrue();
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("a client refused at CONNECT that goes on sending still reads its CONNACK with the reason code")
  void aRefusedClientStillSendingGetsItsConnAck(int level) throws Exception {
    long refused = broker.broker().metrics().connectionsRefused.sum();
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      // 3.1.1: an empty client id without clean session (identifier rejected, rc 2 [MQTT-3.1.3-8]);
      // MQTT 5: an authentication method the broker does not know (0x8C [MQTT-4.12.0-1])
      raw.send(level == 5
          ? BadPackets.connect(5, "unknown-method", 0x02, 60, BadPackets.stringProperty(0x15, "no-such-method"), null)
          : BadPackets.connect(4, "", 0x00, 60, null, null));
      await().atMost(CLOSE_WAIT).until(() -> broker.broker().metrics().connectionsRefused.sum() > refused);
      for (int i = 0; i < 20; i++) {
        raw.send(new byte[] {(byte) 0xC0, 0x00});
      }
      byte[] ack = raw.readPacket();
      assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
      assertThat(BadPackets.connAckCode(ack)).isEqualTo(level == 5 ? 0x8C : 0x02);
      assertThat(raw.endsNormallyWithin(CLOSE_WAIT)).as("end of stream, not a reset").isTrue();
    }
  }

  @Test
  @DisplayName("a client whose CONNECT the decoder refuses (unknown protocol level) and that goes on sending still "
      + "reads CONNACK 0x01 and a normal end of stream")
  void aClientRefusedByTheDecoderStillSendingGetsItsConnAck() throws Exception {
    long before = errors("UNSUPPORTED_PROTOCOL_VERSION");
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(9, "level-9", 0x02, 60, null, null));
      await().atMost(CLOSE_WAIT).until(() -> errors("UNSUPPORTED_PROTOCOL_VERSION") > before);
      for (int i = 0; i < 20; i++) {
        raw.send(new byte[] {(byte) 0xC0, 0x00});
      }
      byte[] ack = raw.readPacket();
      assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
      assertThat(BadPackets.connAckCode(ack)).isEqualTo(0x01);
      assertThat(raw.endsNormallyWithin(CLOSE_WAIT)).as("end of stream, not a reset").isTrue();
    }
  }

  @ParameterizedTest(name = "options 0x{0}")
  @ValueSource(strings = {"41", "81", "C2"})
  @DisplayName("[MQTT-3.8.3-5] a SUBSCRIBE whose Subscription Options have reserved bit 6 or 7 set is a Malformed "
      + "Packet: DISCONNECT 0x81, no SUBACK (the bad entry comes second, after a Subscription Identifier property)")
  void mqtt_3_8_3_5_reservedSubscriptionOptionBitsAreMalformed(String optionsHex) throws Exception {
    Map<String, Integer> filters = new LinkedHashMap<>();
    filters.put("reserved/fine", 1);
    filters.put("reserved/bad", Integer.parseInt(optionsHex, 16));
    expectMalformed(5, RawPackets.subscribe(5, 3, 7, filters));
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-2.2.2-2] a PINGREQ with a reserved flag set is a Malformed Packet: MQTT 5 DISCONNECT 0x81, "
      + "MQTT 3.1.1 close")
  void mqtt_2_2_2_2_invalidFlagsAreMalformed(int level) throws Exception {
    expectMalformed(level, new byte[] {(byte) 0xC1, 0x00});
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.1.2-3] a CONNECT whose reserved flag is set is refused and the connection closed")
  void mqtt_3_1_2_3_connectWithReservedFlagSetIsRefused(int level) throws Exception {
    long before = errors("MALFORMED_PACKET");
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(level, "reserved-flag", 0x03, 30, null, null));
      byte[] reply = nextPacketOrClose(raw);
      if (reply != null) {
        // a CONNACK refusing the connection is allowed in MQTT 5, an acceptance is not
        assertThat(RawClient.type(reply)).isEqualTo(CONNACK);
        assertThat(BadPackets.connAckCode(reply)).isNotZero();
        assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
      }
    }
    expectCounted("MALFORMED_PACKET", before);
  }

  @ParameterizedTest(name = "protocol level {0}: {1}")
  @CsvSource({
      "4, will QoS 1 without the will flag [MQTT-3.1.2-13], 0a, ''",
      "5, will QoS 1 without the will flag [MQTT-3.1.2-11 in 5.0], 0a, ''",
      "4, will retain without the will flag [MQTT-3.1.2-15], 22, ''",
      "5, will retain without the will flag [MQTT-3.1.2-13 in 5.0], 22, ''",
      "4, will QoS 3 [MQTT-3.1.2-14], 1e, 0003772f74000178",
      "5, will QoS 3 [MQTT-3.1.2-12 in 5.0], 1e, 000003772f74000178",
      "4, password without user name [MQTT-3.1.2-22], 42, 0003707764"})
  @DisplayName("[MQTT-3.1.4-1] a CONNECT whose flags contradict each other is not accepted: MQTT 3.1.1 closes without "
      + "a CONNACK, MQTT 5 closes (a refusing CONNACK is allowed)")
  void mqtt_3_1_4_1_inconsistentConnectFlagsAreRefused(int level, String rule, String flagsHex, String tailHex)
      throws Exception {
    long before = errors("MALFORMED_PACKET");
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connectWithTail(level, "bad-flags-" + level, Integer.parseInt(flagsHex, 16),
          hex(tailHex)));
      byte[] reply = nextPacketOrClose(raw);
      if (level == 5 && reply != null) {
        assertThat(RawClient.type(reply)).isEqualTo(CONNACK);
        assertThat(BadPackets.connAckCode(reply)).isEqualTo(0x81);
        assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
      } else {
        assertThat(reply).as("no CONNACK before the close").isNull();
      }
    }
    expectCounted("MALFORMED_PACKET", before);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "Receive Maximum 0, 210000",
      "Maximum Packet Size 0, 2700000000",
      "Request Problem Information 2, 1702",
      "Request Response Information 2, 1902"})
  @DisplayName("MQTT 5: a CONNECT property with a value the spec calls a Protocol Error is not accepted (closed, or "
      + "refused with CONNACK 0x82)")
  void mqtt5ConnectPropertyWithForbiddenValueIsRefused(String property, String propertyHex) throws Exception {
    long before = errors("PROTOCOL_ERROR");
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(5, "bad-property", 0x02, 30, hex(propertyHex), null));
      byte[] reply = nextPacketOrClose(raw);
      if (reply != null) {
        assertThat(RawClient.type(reply)).isEqualTo(CONNACK);
        assertThat(BadPackets.connAckCode(reply)).isEqualTo(0x82);
        assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
      }
    }
    expectCounted("PROTOCOL_ERROR", before);
  }

  @org.junit.jupiter.api.Test
  @DisplayName("MQTT 5 allows a password without a user name (3.1.1 did not)")
  void mqtt5PasswordWithoutUserNameIsAccepted() throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connectWithTail(5, "password-only", 0x42, BadPackets.field("pwd")));
      byte[] ack = raw.readPacket();
      assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
      assertThat(BadPackets.connAckCode(ack)).isZero();
    }
  }

  // ---------------------------------------------------------------- packet size

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.2.2-15] with mqtt.max-packet-size=128 a 128-byte PUBLISH is accepted and a 129-byte one "
      + "refused: MQTT 5 DISCONNECT 0x95 (Packet too large), MQTT 3.1.1 close")
  void mqtt_3_2_2_15_packetLargerThanTheMaximumIsRefused(int level) throws Exception {
    try (TestBroker small = TestBroker.start(c -> c.mqtt.maxPacketSize = 128)) {
      try (RawClient raw = connected(small, level, "size-ok")) {
        byte[] exact = publishOfTotalSize(level, 128);
        assertThat(exact).hasSize(128);
        raw.send(exact);
        assertThat(RawClient.type(raw.readPacket())).isEqualTo(PUBACK);
      }
      try (RawClient raw = connected(small, level, "size-too-large")) {
        byte[] tooLarge = publishOfTotalSize(level, 129);
        assertThat(tooLarge).hasSize(129);
        raw.send(tooLarge);
        expectViolation(level, raw, 0x95);
      }
      assertThat(small.broker().metrics().protocolErrors("PACKET_TOO_LARGE")).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("a packet announcing 100 MB is refused as soon as its header arrives, without waiting for the payload: "
      + "MQTT 5 DISCONNECT 0x95, MQTT 3.1.1 close")
  void hugePacketIsRefusedFromItsHeader(int level) throws Exception {
    try (TestBroker small = TestBroker.start(c -> c.mqtt.maxPacketSize = 1024);
         RawClient raw = connected(small, level, "huge")) {
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      header.write(0x32);
      header.writeBytes(BadPackets.varInt(100_000_000));
      RawClient.writeString(header, "big/topic");
      header.write(0);
      header.write(1);
      if (level == 5) {
        header.write(0);
      }
      header.writeBytes(new byte[256]);
      raw.send(header.toByteArray());
      expectViolation(level, raw, 0x95);
    }
  }

  // ---------------------------------------------------------------- topic names

  @ParameterizedTest(name = "protocol level {0}, topic {1}")
  @CsvSource({"4, a/+", "4, a/#", "5, a/+", "5, a/#", "5, +"})
  @DisplayName("[MQTT-3.3.2-2] a PUBLISH topic name containing a wildcard ends the connection: MQTT 5 DISCONNECT "
      + "0x90 (Topic Name invalid), MQTT 3.1.1 close")
  void mqtt_3_3_2_2_publishTopicWithWildcardIsRefused(int level, String topic) throws Exception {
    long before = errors("TOPIC_NAME_INVALID");
    try (RawClient raw = connected(level)) {
      raw.send(RawClient.publish(level, topic, 0, 0, false, utf8("x")));
      expectViolation(level, raw, 0x90);
    }
    expectCounted("TOPIC_NAME_INVALID", before);
  }

  @ParameterizedTest(name = "protocol level {0}, topic bytes {1}")
  @CsvSource({"4, 612fc0af", "4, 612feda080", "5, 612fc0af", "5, 612feda080", "5, ff"})
  @DisplayName("[MQTT-1.5.3-1] (MQTT 5: [MQTT-1.5.4-1]) a topic that is not well-formed UTF-8 (overlong encoding, "
      + "encoded surrogate) is a Malformed Packet: MQTT 5 DISCONNECT 0x81, MQTT 3.1.1 close")
  void mqtt_1_5_3_1_illFormedUtf8TopicIsMalformed(int level, String topicHex) throws Exception {
    expectMalformed(level, BadPackets.publishRawTopic(level, hex(topicHex), utf8("x")));
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-1.5.3-2] (MQTT 5: [MQTT-1.5.4-2]) a topic containing U+0000 is a Malformed Packet: MQTT 5 "
      + "DISCONNECT 0x81, MQTT 3.1.1 close")
  void mqtt_1_5_3_2_nullCharacterInTopicIsMalformed(int level) throws Exception {
    expectMalformed(level, BadPackets.publishRawTopic(level, new byte[] {'a', '/', 0, 'b'}, utf8("x")));
  }

  @ParameterizedTest(name = "protocol level {0}, {1}, filter bytes {2}")
  @CsvSource({"4, SUBSCRIBE, 612fc0af", "5, SUBSCRIBE, 612fc0af", "5, SUBSCRIBE, 612f0062",
      "4, UNSUBSCRIBE, 612feda080", "5, UNSUBSCRIBE, 612feda080"})
  @DisplayName("[MQTT-1.5.3-1] [MQTT-1.5.3-2] (MQTT 5: [MQTT-1.5.4-1] [MQTT-1.5.4-2]) a topic filter that is not "
      + "well-formed UTF-8 or contains U+0000 is a Malformed Packet: MQTT 5 DISCONNECT 0x81 (not a SUBACK), "
      + "MQTT 3.1.1 close")
  void mqtt_1_5_3_1_illFormedUtf8FilterIsMalformed(int level, String packet, String filterHex) throws Exception {
    expectMalformed(level, BadPackets.rawFilter(level, packet.equals("UNSUBSCRIBE"), 5, hex(filterHex)));
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("a well-formed topic with multi-byte UTF-8 characters (U+00E9, U+1F600) is accepted")
  void wellFormedMultiByteTopicIsAccepted(int level) throws Exception {
    try (RawClient raw = connected(level)) {
      raw.send(RawClient.publish(level, "caf\u00e9/\uD83D\uDE00", 1, 3, false, utf8("x")));
      assertThat(RawClient.type(raw.readPacket())).isEqualTo(PUBACK);
    }
  }

  // ---------------------------------------------------------------- SUBSCRIBE

  @ParameterizedTest(name = "filter {0}")
  @CsvSource({"a/#/b, MQTT-4.7.1-2", "a#, MQTT-4.7.1-2", "a+, MQTT-4.7.1-3", "a/+b/c, MQTT-4.7.1-3"})
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] MQTT 3.1.1: SUBSCRIBE with an invalid topic filter closes the "
      + "connection")
  void mqtt_4_7_1_invalidFilterClosesAnMqtt311Connection(String filter, String statement) throws Exception {
    long before = errors("TOPIC_FILTER_INVALID");
    try (RawClient raw = connected(4)) {
      raw.send(BadPackets.subscribe(4, 0x82, 1, filter));
      expectCloseWithoutReply(raw);
    }
    expectCounted("TOPIC_FILTER_INVALID", before);
  }

  @ParameterizedTest(name = "filter {0}")
  @ValueSource(strings = {"a/#/b", "a#", "a+", "a/+b/c"})
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] MQTT 5: an invalid topic filter gets SUBACK 0x8F (Topic Filter "
      + "invalid) for that filter only; the connection stays up")
  void mqtt5_4_7_1_invalidFilterGetsSubAck0x8f(String filter) throws Exception {
    try (RawClient raw = connected(5)) {
      raw.send(BadPackets.subscribe(5, 0x82, 9, "good/+", filter));
      byte[] subAck = raw.readPacket();
      assertThat(RawClient.type(subAck)).isEqualTo(SUBACK);
      assertThat(BadPackets.subAckCode(5, subAck, 0)).isEqualTo(0x00);
      assertThat(BadPackets.subAckCode(5, subAck, 1)).isEqualTo(0x8F);
      raw.send(BadPackets.pingReq());
      assertThat(raw.readPacket()).containsExactly(0xD0, 0x00);
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.8.3-3] (MQTT 5: [MQTT-3.8.3-2]) a SUBSCRIBE without any topic filter is a protocol "
      + "violation: MQTT 5 DISCONNECT 0x82, MQTT 3.1.1 close")
  void mqtt_3_8_3_3_subscribeWithoutFiltersIsAProtocolViolation(int level) throws Exception {
    long before = errors("PROTOCOL_ERROR");
    try (RawClient raw = connected(level)) {
      raw.send(BadPackets.subscribe(level, 0x82, 1));
      expectViolation(level, raw, 0x82);
    }
    expectCounted("PROTOCOL_ERROR", before);
  }

  // ---------------------------------------------------------------- MQTT 5 topic alias

  @org.junit.jupiter.api.Test
  @DisplayName("[MQTT-3.3.2-9] MQTT 5: a Topic Alias above the Topic Alias Maximum the broker announced (10 by "
      + "default) gets DISCONNECT 0x94 (Topic Alias invalid)")
  void mqtt5_3_3_2_9_topicAliasAboveTheMaximumIsRefused() throws Exception {
    long before = errors("TOPIC_ALIAS_INVALID");
    try (RawClient raw = connected(5)) {
      raw.send(BadPackets.publishV5("alias/topic", 0, 0, BadPackets.twoByteProperty(BadPackets.PROP_TOPIC_ALIAS, 11),
          utf8("x")));
      expectViolation(5, raw, 0x94);
    }
    expectCounted("TOPIC_ALIAS_INVALID", before);
  }

  // ---------------------------------------------------------------- helpers

  private static void expectMalformed(int level, byte[] bytes) throws Exception {
    long before = errors("MALFORMED_PACKET");
    try (RawClient raw = connected(level)) {
      raw.send(bytes);
      expectViolation(level, raw, 0x81);
    }
    expectCounted("MALFORMED_PACKET", before);
  }

  /** MQTT 5: DISCONNECT with {@code reason}, then close. MQTT 3.x: close without a reply. */
  private static void expectViolation(int level, RawClient raw, int reason) throws IOException {
    if (level == 5) {
      byte[] p = nextPacketOrClose(raw);
      assertThat(p).as("a DISCONNECT before the close").isNotNull();
      assertThat(RawClient.type(p)).isEqualTo(DISCONNECT);
      assertThat(BadPackets.disconnectReason(p)).as("DISCONNECT reason code").isEqualTo(reason);
      assertThat(raw.closedWithin(CLOSE_WAIT)).as("closed after DISCONNECT").isTrue();
    } else {
      expectCloseWithoutReply(raw);
    }
  }

  private static void expectCloseWithoutReply(RawClient raw) throws IOException {
    byte[] p = nextPacketOrClose(raw);
    assertThat(p).as("no reply before the close").isNull();
  }

  /** The next packet, or null when the broker closed the connection; fails if neither happens in time. */
  private static byte[] nextPacketOrClose(RawClient raw) throws IOException {
    try {
      return raw.readPacket();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the broker neither replied nor closed the connection within 5s", e);
    } catch (IOException e) {
      return null; // end of stream or reset: closed
    }
  }

  private static RawClient connected(int level) throws IOException {
    return connected(broker, level, "raw-" + level + "-" + IDS.incrementAndGet());
  }

  private static RawClient connected(TestBroker b, int level, String id) throws IOException {
    RawClient raw = new RawClient(b.host(), b.port());
    raw.send(BadPackets.connect(level, id, 0x02, 60, null, null));
    byte[] ack = raw.readPacket();
    assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
    assertThat(BadPackets.connAckCode(ack)).isZero();
    return raw;
  }

  /** A QoS 1 PUBLISH of exactly {@code total} bytes, fixed header included. */
  private static byte[] publishOfTotalSize(int level, int total) {
    byte[] empty = RawClient.publish(level, "size", 1, 1, false, new byte[0]);
    byte[] p = RawClient.publish(level, "size", 1, 1, false, new byte[total - empty.length]);
    if (p.length != total) {
      // the remaining length grew by a byte: one byte less of payload
      p = RawClient.publish(level, "size", 1, 1, false, new byte[total - empty.length - (p.length - total)]);
    }
    return p;
  }

  private static long errors(String reason) {
    return broker.broker().metrics().protocolErrors(reason);
  }

  private static void expectCounted(String reason, long before) {
    await().atMost(CLOSE_WAIT).untilAsserted(() -> assertThat(errors(reason)).isGreaterThan(before));
  }

  private static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
