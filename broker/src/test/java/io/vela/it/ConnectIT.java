package io.vela.it;

import static io.vela.it.BadPackets.CONNACK;
import static io.vela.it.BadPackets.DISCONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttClientIdentifier;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CONNECT / CONNACK, client identifiers, authentication refusals, takeover, connect timeout and keep-alive. */
class ConnectIT {

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  // ---------------------------------------------------------------- the three protocol versions

  @ParameterizedTest(name = "Paho MQTT {0}")
  @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
  @DisplayName("Paho connects with MQTT 3.1 (MQIsdp, level 3) and 3.1.1 and its session works")
  void pahoConnectsWithMqtt31And311(int version) throws Exception {
    String id = "paho-" + version;
    MqttClient paho = new MqttClient(broker.uri(), id, new MemoryPersistence());
    paho.setTimeToWait(5000);
    try {
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(version);
      options.setCleanSession(true);
      options.setConnectionTimeout(5);
      paho.connect(options);
      assertThat(paho.isConnected()).isTrue();
      assertThat(broker.broker().registry().hasSession(id)).isTrue();
      // a QoS 1 publish completes only when the broker's PUBACK arrives: the connection is fully usable
      paho.publish("connect/paho", "x".getBytes(StandardCharsets.UTF_8), 1, false);
      paho.disconnect(5000);
    } finally {
      paho.close(true);
    }
  }

  @Test
  @DisplayName("HiveMQ client connects with MQTT 3.1.1: CONNACK return code 0, no session present")
  void hivemqConnectsWithMqtt311() {
    Mqtt3BlockingClient client = v3("connect-v3").buildBlocking();
    Mqtt3ConnAck ack = client.connect();
    try {
      assertThat(ack.getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      assertThat(ack.isSessionPresent()).isFalse();
      assertThat(broker.broker().registry().hasSession("connect-v3")).isTrue();
    } finally {
      client.disconnect();
    }
  }

  @Test
  @DisplayName("HiveMQ client connects with MQTT 5: CONNACK reason code 0x00, no session present")
  void hivemqConnectsWithMqtt5() {
    Mqtt5BlockingClient client = v5("connect-v5").buildBlocking();
    Mqtt5ConnAck ack = client.connect();
    try {
      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(ack.isSessionPresent()).isFalse();
      assertThat(ack.getAssignedClientIdentifier()).isEmpty();
      assertThat(broker.broker().registry().hasSession("connect-v5")).isTrue();
    } finally {
      client.disconnect();
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {2, 6})
  @DisplayName("[MQTT-3.1.2-2] an unsupported protocol level gets CONNACK return code 0x01, then the connection is "
      + "closed")
  void mqtt_3_1_2_2_unsupportedProtocolLevelIsRefusedWithReturnCode1(int level) throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(level, "bad-level", 0x02, 30, null, null));
      byte[] ack = raw.readPacket();
      assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
      assertThat(ack).containsExactly(0x20, 0x02, 0x00, 0x01);
      assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
    }
  }

  @Test
  @DisplayName("MQTT 3.1: an empty client id is rejected with return code 0x02, then the connection is closed")
  void mqtt31EmptyClientIdIsRejected() throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(3, "", 0x02, 30, null, null));
      assertThat(raw.readPacket()).containsExactly(0x20, 0x02, 0x00, 0x02);
      assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("packets sent right behind CONNECT, before the CONNACK arrived, are processed after it in order")
  void packetsPipelinedBehindConnectAreProcessed(int level) throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      byte[] subscribe = BadPackets.subscribe(level, 0x82, 1, "pipelined/" + level);
      subscribe[subscribe.length - 1] = 1; // QoS 1
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      burst.writeBytes(BadPackets.connect(level, "pipelined-" + level, 0x02, 30, null, null));
      burst.writeBytes(subscribe);
      burst.writeBytes(RawClient.publish(level, "pipelined/" + level, 1, 2, false, bytes("early")));
      raw.send(burst.toByteArray());

      byte[] ack = raw.readPacket();
      assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
      assertThat(BadPackets.connAckCode(ack)).isZero();
      assertThat(RawClient.type(raw.readPacket())).isEqualTo(BadPackets.SUBACK);
      // the broker's PUBACK and the delivery of the message to ourselves, in either order
      byte[] first = raw.readPacket();
      byte[] second = raw.readPacket();
      assertThat(List.of(RawClient.type(first), RawClient.type(second)))
          .containsExactlyInAnyOrder(BadPackets.PUBACK, BadPackets.PUBLISH);
      byte[] delivered = RawClient.type(first) == BadPackets.PUBLISH ? first : second;
      assertThat(BadPackets.publishPayload(level, delivered)).isEqualTo(bytes("early"));
    }
  }

  // ---------------------------------------------------------------- session present

  @Test
  @DisplayName("[MQTT-3.2.2-1] [MQTT-3.2.2-2] session present is 1 when a clean session 0 client resumes its session, "
      + "0 with clean session 1; MQTT 3.1 has no such flag and always gets 0")
  void mqtt_3_2_2_2_sessionPresentReflectsAStoredSession() throws Exception {
    Mqtt3BlockingClient first = v3("present-v3").buildBlocking();
    assertThat(first.connectWith().cleanSession(false).send().isSessionPresent()).isFalse();
    first.disconnect();
    Mqtt3BlockingClient again = v3("present-v3").buildBlocking();
    assertThat(again.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
    again.disconnect();
    Mqtt3BlockingClient clean = v3("present-v3").buildBlocking();
    assertThat(clean.connectWith().cleanSession(true).send().isSessionPresent()).isFalse();
    clean.disconnect();

    // MQTT 3.1 (level 3): the acknowledge flags byte is reserved and stays 0 even when a session is resumed
    for (int round = 0; round < 2; round++) {
      try (RawClient raw = new RawClient(broker.host(), broker.port())) {
        raw.send(BadPackets.connect(3, "present-v31", 0x00, 30, null, null));
        byte[] ack = raw.readPacket();
        assertThat(ack).containsExactly(0x20, 0x02, 0x00, 0x00);
        raw.send(new byte[] {(byte) 0xE0, 0});
        assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
      }
    }
    assertThat(broker.broker().registry().hasSession("present-v31")).isTrue();
  }

  // ---------------------------------------------------------------- client identifiers

  @Test
  @DisplayName("[MQTT-3.1.3-6] MQTT 3.1.1: an empty client id with clean session 1 is accepted and gets a unique id")
  void mqtt_3_1_3_6_emptyClientIdWithCleanSessionIsAccepted() {
    Mqtt3BlockingClient a = Mqtt3Client.builder().serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
    Mqtt3BlockingClient b = Mqtt3Client.builder().serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
    assertThat(a.getConfig().getClientIdentifier()).isEmpty();
    assertThat(a.connectWith().cleanSession(true).send().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    assertThat(b.connectWith().cleanSession(true).send().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    try (Mqtt3BlockingClient.Mqtt3Publishes inbox = a.publishes(MqttGlobalPublishFilter.ALL)) {
      // two sessions, not one taking over the other: a still works after b connected (a taken-over connection
      // would get no SUBACK) and receives what b publishes
      a.subscribeWith().topicFilter("empty-id/a").qos(MqttQos.AT_LEAST_ONCE).send();
      b.publishWith().topic("empty-id/a").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
      assertThat(inbox.receive(5, TimeUnit.SECONDS)).isPresent();
      assertThat(a.getState().isConnected()).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.3-8] MQTT 3.1.1: an empty client id with clean session 0 gets CONNACK return code 0x02, "
      + "then the connection is closed")
  void mqtt_3_1_3_8_emptyClientIdWithCleanSession0IsRejected() throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(4, "", 0x00, 30, null, null));
      assertThat(raw.readPacket()).containsExactly(0x20, 0x02, 0x00, 0x02);
      assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
    }
  }

  @Test
  @DisplayName("[MQTT-3.2.2-16] MQTT 5: an empty client id is answered with an Assigned Client Identifier, unique "
      + "per connection and used for the session")
  void mqtt5_3_2_2_16_emptyClientIdGetsAnAssignedClientIdentifier() {
    Mqtt5BlockingClient a = Mqtt5Client.builder().serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
    Mqtt5BlockingClient b = Mqtt5Client.builder().serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
    Mqtt5ConnAck ackA = a.connect();
    Mqtt5ConnAck ackB = b.connect();
    try {
      String idA = ackA.getAssignedClientIdentifier().map(MqttClientIdentifier::toString).orElseThrow();
      String idB = ackB.getAssignedClientIdentifier().map(MqttClientIdentifier::toString).orElseThrow();
      assertThat(idA).isNotEmpty().isNotEqualTo(idB);
      assertThat(broker.broker().registry().hasSession(idA)).isTrue();
      assertThat(broker.broker().registry().hasSession(idB)).isTrue();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.3-5] a client id longer than mqtt.max-client-id-length is refused: MQTT 5 CONNACK 0x85, "
      + "MQTT 3.1.1 return code 0x02; one of exactly the maximum length is accepted")
  void mqtt_3_1_3_5_clientIdLongerThanTheConfiguredMaximumIsRefused() {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.maxClientIdLength = 23)) {
      String longest = "x".repeat(23);
      String tooLong = "y".repeat(24);

      Mqtt5BlockingClient ok = v5(b, longest).buildBlocking();
      assertThat(ok.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      ok.disconnect();

      Mqtt5ConnAckException v5 = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> v5(b, tooLong).buildBlocking().connect());
      assertThat(v5.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      assertThat(v5.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x85);

      Mqtt3ConnAckException v3 = catchThrowableOfType(Mqtt3ConnAckException.class,
          () -> v3(b, tooLong).buildBlocking().connect());
      assertThat(v3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED);
      assertThat(b.broker().registry().hasSession(tooLong)).isFalse();
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.3-6] [MQTT-3.2.2-16] with mqtt.max-client-id-length=23 (the least a server must allow) "
      + "clients without an id are still accepted, and an MQTT 5 client can resume its session with the id it was "
      + "assigned")
  void mqtt_3_1_3_6_assignedClientIdsFitTheSmallestAllowedMaximum() {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.maxClientIdLength = 23)) {
      Mqtt3BlockingClient v3 = Mqtt3Client.builder().serverHost(b.host()).serverPort(b.port()).buildBlocking();
      assertThat(v3.connect().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      v3.disconnect();

      Mqtt5BlockingClient anonymous = Mqtt5Client.builder().serverHost(b.host()).serverPort(b.port())
          .buildBlocking();
      Mqtt5ConnAck ack = anonymous.connectWith().sessionExpiryInterval(60).send();
      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      String assigned = ack.getAssignedClientIdentifier().map(MqttClientIdentifier::toString).orElseThrow();
      assertThat(assigned).hasSizeLessThanOrEqualTo(23).matches("[0-9a-zA-Z]+");
      anonymous.disconnect();

      Mqtt5BlockingClient resumed = v5(b, assigned).buildBlocking();
      Mqtt5ConnAck again = resumed.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
      assertThat(again.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(again.isSessionPresent()).isTrue();
      resumed.disconnect();
    }
  }

  // ---------------------------------------------------------------- authentication

  @Test
  @DisplayName("allow-anonymous=false: MQTT 5 without user name gets CONNACK 0x86, MQTT 3.1.1 return code 0x05; a "
      + "client with a user name is accepted")
  void anonymousClientsAreRefusedWhenNotAllowed() {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.allowAnonymous = false)) {
      Mqtt5ConnAckException v5 = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> v5(b, "anon-v5").buildBlocking().connect());
      assertThat(v5.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(v5.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x86);

      Mqtt3ConnAckException v3 = catchThrowableOfType(Mqtt3ConnAckException.class,
          () -> v3(b, "anon-v3").buildBlocking().connect());
      assertThat(v3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
      assertThat(v3.getMqttMessage().getReturnCode().getCode()).isEqualTo(5);
      assertThat(b.broker().metrics().connectionsRefused.sum()).isEqualTo(2);

      Mqtt5BlockingClient named = v5(b, "named-v5").simpleAuth().username("alice").applySimpleAuth().buildBlocking();
      assertThat(named.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      named.disconnect();
    }
  }

  @Test
  @DisplayName("[MQTT-4.12.0-1] MQTT 5: a CONNECT with an Authentication Method the broker does not support gets "
      + "CONNACK 0x8C (Bad authentication method)")
  void mqtt_4_12_0_1_unsupportedAuthenticationMethodIsRefused() {
    RecordingAuth auth = new RecordingAuth();
    Mqtt5BlockingClient client = v5("enhanced-auth").enhancedAuth(auth).buildBlocking();
    Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class, client::connect);
    assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD);
    assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x8C);
    assertThat(auth.rejected).succeedsWithin(Duration.ofSeconds(5));
    assertThat(broker.broker().registry().hasSession("enhanced-auth")).isFalse();
  }

  // ---------------------------------------------------------------- session takeover

  @Test
  @DisplayName("[MQTT-3.1.4-3] MQTT 5: a second connection with the same client id makes the broker send the first "
      + "one DISCONNECT 0x8E (Session taken over); the new connection works")
  void mqtt5_3_1_4_3_takeoverSendsDisconnect0x8eToTheOldConnection() throws Exception {
    CompletableFuture<MqttClientDisconnectedContext> oldGone = new CompletableFuture<>();
    Mqtt5BlockingClient old = v5("takeover-v5").addDisconnectedListener(oldGone::complete).buildBlocking();
    old.connect();
    Mqtt5BlockingClient fresh = v5("takeover-v5").buildBlocking();
    fresh.connect();
    try {
      MqttClientDisconnectedContext ctx = oldGone.get(5, TimeUnit.SECONDS);
      assertThat(ctx.getSource()).isEqualTo(MqttDisconnectSource.SERVER);
      assertThat(ctx.getCause()).isInstanceOf(Mqtt5DisconnectException.class);
      Mqtt5Disconnect disconnect = ((Mqtt5DisconnectException) ctx.getCause()).getMqttMessage();
      assertThat(disconnect.getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
      assertWorks(fresh, "takeover/v5");
    } finally {
      fresh.disconnect();
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.4-2] MQTT 3.1.1: a second connection with the same client id closes the first one; the new "
      + "connection works")
  void mqtt_3_1_4_2_takeoverClosesTheOldConnection() throws Exception {
    CompletableFuture<MqttClientDisconnectedContext> oldGone = new CompletableFuture<>();
    Mqtt3BlockingClient old = v3("takeover-v3").addDisconnectedListener(oldGone::complete).buildBlocking();
    old.connect();
    Mqtt3BlockingClient fresh = v3("takeover-v3").buildBlocking();
    fresh.connect();
    try {
      MqttClientDisconnectedContext ctx = oldGone.get(5, TimeUnit.SECONDS);
      assertThat(ctx.getSource()).isEqualTo(MqttDisconnectSource.SERVER);
      assertThat(ctx.getCause()).isInstanceOf(ConnectionClosedException.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> !old.getState().isConnected());
      try (Mqtt3BlockingClient.Mqtt3Publishes publishes = fresh.publishes(MqttGlobalPublishFilter.ALL)) {
        fresh.subscribeWith().topicFilter("takeover/v3").qos(MqttQos.AT_LEAST_ONCE).send();
        fresh.publishWith().topic("takeover/v3").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("after")).send();
        assertThat(publishes.receive(5, TimeUnit.SECONDS)).hasValueSatisfying(
            p -> assertThat(p.getPayloadAsBytes()).isEqualTo(bytes("after")));
      }
    } finally {
      fresh.disconnect();
    }
  }

  // ---------------------------------------------------------------- connect timeout

  @Test
  @DisplayName("a TCP connection that never sends (all of) a CONNECT is closed after mqtt.connect-timeout-seconds")
  void connectionWithoutConnectIsClosedAfterTheConnectTimeout() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.connectTimeoutSeconds = 1)) {
      long start = System.nanoTime(); // before the sockets open: the broker's timers start at accept
      try (RawClient silent = new RawClient(b.host(), b.port());
           RawClient partial = new RawClient(b.host(), b.port())) {
        byte[] connect = RawClient.connect(4, "partial", 30);
        partial.send(Arrays.copyOf(connect, connect.length - 3)); // bytes arrive, but never a whole CONNECT
        assertThat(silent.closedWithin(Duration.ofSeconds(5))).isTrue();
        assertThat(partial.closedWithin(Duration.ofSeconds(5))).isTrue();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMs).isBetween(950L, 5000L);
        assertThat(b.broker().metrics().protocolErrors("CONNECT_TIMEOUT")).isEqualTo(2);
      }
    }
  }

  // ---------------------------------------------------------------- keep-alive

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.1.2-24] (MQTT 5: [MQTT-3.1.2-22]) a client silent for 1.5 x its keep-alive (1s) is "
      + "disconnected after 1.5s, MQTT 5 with DISCONNECT 0x8D (Keep alive timeout) first")
  void mqtt_3_1_2_24_silentClientIsDisconnectedAfterOneAndAHalfKeepAlives(int level) throws Exception {
    long before = broker.broker().metrics().protocolErrors("KEEP_ALIVE_TIMEOUT");
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      long start = System.nanoTime(); // before CONNECT: the broker's timer cannot have started earlier
      raw.send(BadPackets.connect(level, "keepalive-" + level, 0x02, 1, null, null));
      byte[] ack = raw.readPacket();
      assertThat(BadPackets.connAckCode(ack)).isZero();
      if (level == 5) {
        byte[] disconnect = raw.readPacket();
        assertThat(RawClient.type(disconnect)).isEqualTo(DISCONNECT);
        assertThat(BadPackets.disconnectReason(disconnect)).isEqualTo(0x8D);
      }
      assertThat(raw.closedWithin(CLOSE_WAIT)).isTrue();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // not before 1.5 x 1 s (the exact 1500 ms, not rounded to seconds, is SessionFlowTest's); the upper bound
      // only says it happened, with room for a slow machine
      assertThat(elapsedMs).isBetween(1450L, 5000L);
    }
    assertThat(broker.broker().metrics().protocolErrors("KEEP_ALIVE_TIMEOUT")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("[MQTT-3.1.2-23] a client that sends PINGREQ within its keep-alive stays connected well past 1.5 x "
      + "keep-alive")
  void mqtt_3_1_2_23_pingingClientStaysConnected() {
    Mqtt5BlockingClient client = v5("keepalive-pinging").buildBlocking();
    client.connectWith().keepAlive(3).send();
    try {
      // the client pings every 0.9 x 3 s; 1.5 x 3 s of silence would end it: stay connected for twice that
      await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(12))
          .until(() -> client.getState().isConnected());
    } finally {
      client.disconnect();
    }
  }

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("[MQTT-3.12.4-1] the broker answers PINGREQ with PINGRESP")
  void mqtt_3_12_4_1_pingReqGetsPingResp(int level) throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(BadPackets.connect(level, "ping-" + level, 0x02, 30, null, null));
      assertThat(BadPackets.connAckCode(raw.readPacket())).isZero();
      raw.send(BadPackets.pingReq());
      assertThat(raw.readPacket()).containsExactly(0xD0, 0x00);
      raw.send(BadPackets.pingReq());
      assertThat(raw.readPacket()).containsExactly(0xD0, 0x00);
    }
  }

  @Test
  @DisplayName("[MQTT-3.2.2-21] MQTT 5: with mqtt.max-keep-alive-seconds=5 a client asking 60s (or 0 = none) gets "
      + "Server Keep Alive 5; one asking 3s gets no Server Keep Alive")
  void mqtt5_3_2_2_21_serverKeepAliveCapsTheClientsKeepAlive() {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.maxKeepAliveSeconds = 5)) {
      Mqtt5BlockingClient asks60 = v5(b, "ka-60").buildBlocking();
      assertThat(asks60.connectWith().keepAlive(60).send().getServerKeepAlive()).hasValue(5);
      asks60.disconnect();

      Mqtt5BlockingClient asks0 = v5(b, "ka-0").buildBlocking();
      assertThat(asks0.connectWith().noKeepAlive().send().getServerKeepAlive()).hasValue(5);
      asks0.disconnect();

      Mqtt5BlockingClient asks3 = v5(b, "ka-3").buildBlocking();
      assertThat(asks3.connectWith().keepAlive(3).send().getServerKeepAlive()).isEmpty();
      asks3.disconnect();
    }
  }

  // ---------------------------------------------------------------- CONNACK properties

  @Test
  @DisplayName("MQTT 5 CONNACK properties reflect the configuration: Receive Maximum, Maximum Packet Size, "
      + "Retain Available, Maximum QoS, Shared Subscription Available, Topic Alias Maximum")
  void mqtt5ConnAckPropertiesReflectTheConfiguration() {
    try (TestBroker b = TestBroker.start(c -> {
      c.mqtt.receiveMaximum = 7;
      c.mqtt.maxPacketSize = 4096;
      c.mqtt.retainAvailable = false;
      c.mqtt.maxQos = 1;
      c.mqtt.sharedSubscriptions.enabled = false;
      c.mqtt.topicAliasMaximum = 3;
    })) {
      Mqtt5BlockingClient client = v5(b, "connack-props").buildBlocking();
      Mqtt5ConnAckRestrictions r = client.connect().getRestrictions();
      client.disconnect();
      assertThat(r.getReceiveMaximum()).isEqualTo(7);
      assertThat(r.getMaximumPacketSize()).isEqualTo(4096);
      assertThat(r.isRetainAvailable()).isFalse();
      assertThat(r.getMaximumQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
      assertThat(r.isSharedSubscriptionAvailable()).isFalse();
      assertThat(r.isWildcardSubscriptionAvailable()).isTrue();
      assertThat(r.areSubscriptionIdentifiersAvailable()).isTrue();
      assertThat(r.getTopicAliasMaximum()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("MQTT 5: a Session Expiry Interval above mqtt.max-session-expiry-seconds is capped and the CONNACK says "
      + "so; one within the limit gets no Session Expiry Interval in the CONNACK")
  void mqtt5SessionExpiryAboveTheMaximumIsCappedInConnAck() {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.maxSessionExpirySeconds = 60)) {
      Mqtt5BlockingClient asksHour = v5(b, "expiry-3600").buildBlocking();
      assertThat(asksHour.connectWith().sessionExpiryInterval(3600).send().getSessionExpiryInterval()).hasValue(60);
      asksHour.disconnect();

      Mqtt5BlockingClient asksForever = v5(b, "expiry-never").buildBlocking();
      assertThat(asksForever.connectWith().noSessionExpiry().send().getSessionExpiryInterval()).hasValue(60);
      asksForever.disconnect();

      Mqtt5BlockingClient asksLess = v5(b, "expiry-30").buildBlocking();
      assertThat(asksLess.connectWith().sessionExpiryInterval(30).send().getSessionExpiryInterval()).isEmpty();
      asksLess.disconnect();
    }
  }

  @Test
  @DisplayName("MQTT 5 CONNACK properties with the default configuration: Receive Maximum 100, Maximum Packet Size "
      + "1 MiB, Retain Available, Maximum QoS 2, Shared Subscription Available")
  void mqtt5ConnAckPropertiesWithDefaults() {
    Mqtt5BlockingClient client = v5("connack-defaults").buildBlocking();
    Mqtt5ConnAckRestrictions r = client.connect().getRestrictions();
    client.disconnect();
    assertThat(r.getReceiveMaximum()).isEqualTo(100);
    assertThat(r.getMaximumPacketSize()).isEqualTo(1024 * 1024);
    assertThat(r.isRetainAvailable()).isTrue();
    assertThat(r.getMaximumQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
    assertThat(r.isSharedSubscriptionAvailable()).isTrue();
  }

  @Test
  @DisplayName("[MQTT-3.1.2-24] [MQTT-3.1.2-25] MQTT 5: a message larger than the client's Maximum Packet Size is not "
      + "sent to it and counts as delivered, at every QoS; smaller ones keep flowing")
  void mqtt5_3_1_2_25_messagesAboveTheClientsMaximumPacketSizeAreSkipped() throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      byte[] maxPacketSize64 = {0x27, 0, 0, 0, 64};
      raw.send(BadPackets.connect(5, "small-packets", 0x02, 60, maxPacketSize64, null));
      assertThat(BadPackets.connAckCode(raw.readPacket())).isZero();
      byte[] subscribe = BadPackets.subscribe(5, 0x82, 1, "small/#");
      subscribe[subscribe.length - 1] = 2; // QoS 2
      raw.send(subscribe);
      assertThat(RawClient.type(raw.readPacket())).isEqualTo(BadPackets.SUBACK);

      Mqtt5BlockingClient pub = v5("small-packets-pub").buildBlocking();
      pub.connect();
      try {
        byte[] big = new byte[100];
        // more oversized QoS 1 and more QoS 2 messages than the in-flight window (32): if either waited for an
        // acknowledgement that cannot come, the small messages behind them would never be sent
        for (int i = 0; i < 120; i++) {
          MqttQos qos = MqttQos.fromCode(i % 3);
          pub.publishWith().topic("small/big").qos(qos).payload(big).send();
        }
        // PUBLISH to us on "small/ok" at QoS 1 without properties: 1 + 1 + (2 + 8) + 2 + 1 = 15 bytes + payload
        pub.publishWith().topic("small/ok").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[50]).send(); // 65 bytes
        pub.publishWith().topic("small/ok").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[49]).send(); // 64 bytes
        byte[] next = raw.readPacket();
        assertThat(RawClient.type(next)).isEqualTo(BadPackets.PUBLISH);
        assertThat(next).hasSize(64);
        assertThat(BadPackets.publishPayload(5, next)).hasSize(49);
      } finally {
        pub.disconnect();
      }
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.2-24] MQTT 5: a DISCONNECT to a client with a small Maximum Packet Size leaves out the "
      + "Reason String rather than exceed it")
  void mqtt5_3_1_2_24_disconnectReasonStringIsLeftOutWhenTooLarge() throws Exception {
    try (RawClient small = new RawClient(broker.host(), broker.port());
         RawClient large = new RawClient(broker.host(), broker.port())) {
      small.send(BadPackets.connect(5, "tiny-packets", 0x02, 60, new byte[] {0x27, 0, 0, 0, 16}, null));
      large.send(BadPackets.connect(5, "normal-packets", 0x02, 60, null, null));
      assertThat(BadPackets.connAckCode(small.readPacket())).isZero();
      assertThat(BadPackets.connAckCode(large.readPacket())).isZero();
      byte[] wildcardTopic = RawClient.publish(5, "a/+", 0, 0, false, bytes("x"));
      small.send(wildcardTopic);
      large.send(wildcardTopic);

      byte[] withoutReason = small.readPacket();
      assertThat(RawClient.type(withoutReason)).isEqualTo(DISCONNECT);
      assertThat(BadPackets.disconnectReason(withoutReason)).isEqualTo(0x90);
      assertThat(withoutReason.length).isLessThanOrEqualTo(16);
      byte[] withReason = large.readPacket();
      assertThat(BadPackets.disconnectReason(withReason)).isEqualTo(0x90);
      assertThat(withReason.length).as("the Reason String is there when it fits").isGreaterThan(16);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder v5(String id) {
    return v5(broker, id);
  }

  private static com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder v5(TestBroker b, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port());
  }

  private static com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder v3(String id) {
    return v3(broker, id);
  }

  private static com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder v3(TestBroker b, String id) {
    return Mqtt3Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Subscribes, publishes to itself at QoS 1 and receives it. */
  static void assertWorks(Mqtt5BlockingClient client, String topic) throws InterruptedException {
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
      client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ping")).send();
      Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow(
          () -> new AssertionError("no message on " + topic + " within 5s"));
      assertThat(got.getPayloadAsBytes()).isEqualTo(bytes("ping"));
    }
  }

  /** An enhanced-auth mechanism the broker does not know; records the rejection. */
  private static final class RecordingAuth implements Mqtt5EnhancedAuthMechanism {
    final CompletableFuture<Mqtt5ConnAck> rejected = new CompletableFuture<>();

    @Override
    public MqttUtf8String getMethod() {
      return MqttUtf8String.of("SCRAM-SHA-256");
    }

    @Override
    public int getTimeout() {
      return 5;
    }

    @Override
    public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                          Mqtt5EnhancedAuthBuilder authBuilder) {
      authBuilder.data(bytes("client-first"));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder authBuilder) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                 Mqtt5AuthBuilder authBuilder) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
      rejected.complete(connAck);
    }

    @Override
    public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
    }

    @Override
    public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
      rejected.completeExceptionally(cause);
    }

    @Override
    public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }
  }
}
