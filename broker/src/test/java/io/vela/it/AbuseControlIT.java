package io.vela.it;

import static io.vela.it.BadPackets.CONNACK;
import static io.vela.it.BadPackets.DISCONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.vela.api.AuthResult;
import io.vela.auth.BanList;
import io.vela.config.BanConfig;
import io.vela.config.LimitsConfig;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Abuse control: publish and byte rates (throttle or disconnect), the per-IP connection rate, flapping detection, the
 * ban list (configuration and API) and bans after repeated authentication failures.
 */
class AbuseControlIT {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private static Mqtt5BlockingClient v5(TestBroker b, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port()).buildBlocking();
  }

  private static Mqtt3BlockingClient v3(TestBroker b, String id) {
    return Mqtt3Client.builder().identifier(id).serverHost(b.host()).serverPort(b.port()).buildBlocking();
  }

  private static BanConfig ban(java.util.function.Consumer<BanConfig> set) {
    BanConfig b = new BanConfig();
    set.accept(b);
    return b;
  }

  // ---------------------------------------------------------------- publish and byte rates

  @ParameterizedTest(name = "protocol level {0}")
  @ValueSource(ints = {4, 5})
  @DisplayName("limits.publish-rate with action disconnect: a burst past publish-burst gets MQTT 5 DISCONNECT 0x96 "
      + "Message rate too high (MQTT 3.1.1: close)")
  void publishRateDisconnects(int level) throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      c.limits.publishRate = 1;
      c.limits.publishBurst = 5;
      c.limits.rateLimitAction = LimitsConfig.RateLimitAction.DISCONNECT;
    }); RawClient raw = new RawClient(b.host(), b.port())) {
      raw.send(RawClient.connect(level, "rate-" + level, 30));
      assertThat(BadPackets.connAckCode(raw.readPacket())).isZero();
      // one write holding all 10 PUBLISHes: the broker closes after the 6th, so separate writes could hit a reset
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 10; i++) {
        burst.write(RawClient.publish(level, "rate/t", 0, 0, false, new byte[1]));
      }
      raw.send(burst.toByteArray());
      if (level == 5) {
        byte[] d = raw.readPacket();
        assertThat(RawClient.type(d)).isEqualTo(DISCONNECT);
        assertThat(BadPackets.disconnectReason(d)).isEqualTo(0x96);
      }
      assertThat(raw.closedWithin(WAIT)).isTrue();
      assertThat(b.broker().metrics().rejections("publish-rate")).isEqualTo(1);
      // the 6th (or, on a very slow machine, a later one) was refused and nothing after it was read
      assertThat(b.broker().metrics().publishReceived()).isBetween(6L, 9L);
    }
  }

  @Test
  @DisplayName("limits.byte-rate with action disconnect: payload bytes past byte-burst get DISCONNECT 0x96")
  void byteRateDisconnects() throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      c.limits.byteRate = 100;
      c.limits.byteBurst = 1000;
      c.limits.rateLimitAction = LimitsConfig.RateLimitAction.DISCONNECT;
    }); RawClient raw = new RawClient(b.host(), b.port())) {
      raw.send(RawClient.connect(5, "bytes", 30));
      raw.readPacket();
      raw.send(RawClient.publish(5, "rate/b", 0, 0, false, new byte[600]));
      raw.send(RawClient.publish(5, "rate/b", 0, 0, false, new byte[600]));
      byte[] d = raw.readPacket();
      assertThat(RawClient.type(d)).isEqualTo(DISCONNECT);
      assertThat(BadPackets.disconnectReason(d)).isEqualTo(0x96);
      assertThat(b.broker().metrics().rejections("byte-rate")).isEqualTo(1);
      assertThat(b.broker().metrics().rejections("publish-rate")).isZero();
    }
  }

  @Test
  @DisplayName("limits.publish-rate with action throttle (the default): a fast publisher is slowed to the rate by not "
      + "reading from it; nothing is lost and it stays connected")
  void publishRateThrottles() throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      c.limits.publishRate = 10;
      c.limits.publishBurst = 1;
    })) {
      Mqtt5BlockingClient sub = v5(b, "throttle-sub");
      Mqtt5BlockingClient pub = v5(b, "throttle-pub");
      // the publish flow is registered before subscribing, so the client cannot drop an early message
      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        sub.connect();
        sub.subscribeWith().topicFilter("throttle/t").qos(MqttQos.AT_LEAST_ONCE).send();
        pub.connect();
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
          pub.publishWith().topic("throttle/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {(byte) i}).send();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        // 1 message from the full bucket, then 10 more at 10/s: the PUBACKs cannot all come back in under ~1 s
        assertThat(elapsedMs).isGreaterThanOrEqualTo(900);
        for (int i = 0; i < 11; i++) {
          assertThat(publishes.receive(5, TimeUnit.SECONDS)).isPresent();
        }
      }
      assertThat(pub.getState().isConnected()).isTrue();
      assertThat(b.broker().metrics().rejections("publish-rate")).isGreaterThan(0);
      pub.disconnect();
      sub.disconnect();
    }
  }

  // ---------------------------------------------------------------- connections per IP, flapping

  @Test
  @DisplayName("limits.connections-per-ip-per-second: sockets past the burst are closed at accept, before CONNECT")
  void connectionRatePerIp() throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      c.limits.connectionsPerIpPerSecond = 1;
      c.limits.connectionsPerIpBurst = 2;
    })) {
      List<RawClient> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          sockets.add(new RawClient(b.host(), b.port()));
        }
        // five sockets in quick succession, a budget of two plus one per second: some are refused whatever the load
        await().atMost(WAIT).until(() -> b.broker().metrics().rejections("ip-connection-rate") >= 1);
        int closed = 0;
        for (int i = 0; i < sockets.size(); i++) {
          RawClient s = sockets.get(i);
          try {
            s.send(RawClient.connect(4, "ip-rate-" + i, 30));
            assertThat(BadPackets.connAckCode(s.readPacket())).isZero();
          } catch (IOException e) {
            closed++; // two event loops accept in turn: which sockets are refused is not fixed, how many is
          }
        }
        assertThat((long) closed).isEqualTo(b.broker().metrics().rejections("ip-connection-rate")).isBetween(1L, 3L);
      } finally {
        for (RawClient s : sockets) {
          s.close();
        }
      }
    }
  }

  @Test
  @DisplayName("flapping: the max-connects-th CONNECT of one client id within the window is refused with 0x8A Banned, "
      + "and so is the next; other client ids are unaffected")
  void flappingBansTheClientId() {
    try (TestBroker b = TestBroker.start(c -> {
      c.limits.flapping.maxConnects = 3;
      c.limits.flapping.windowSeconds = 600;
      c.limits.flapping.banSeconds = 600;
    })) {
      for (int i = 0; i < 2; i++) {
        Mqtt5BlockingClient c = v5(b, "flappy");
        c.connect();
        c.disconnect();
      }
      for (int i = 0; i < 2; i++) {
        Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class, () -> v5(b, "flappy").connect());
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BANNED);
      }
      Mqtt3ConnAckException v3 = catchThrowableOfType(Mqtt3ConnAckException.class, () -> v3(b, "flappy").connect());
      assertThat(v3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
      assertThat(b.broker().metrics().rejections("flapping")).isEqualTo(1);
      assertThat(b.broker().metrics().rejections("banned-client-id")).isEqualTo(2);
      assertThat(b.broker().registry().guard().bans().clientId("flappy")).isNotNull();
      Mqtt5BlockingClient other = v5(b, "steady");
      other.connect();
      other.disconnect();
    }
  }

  // ---------------------------------------------------------------- ban list

  @Test
  @DisplayName("bans from configuration: a banned client id or user name gets MQTT 5 CONNACK 0x8A Banned, MQTT 3.1.1 "
      + "return code 5")
  void configuredBans() {
    try (TestBroker b = TestBroker.start(c -> {
      c.bans.add(ban(x -> x.clientId = "evil"));
      c.bans.add(ban(x -> {
        x.username = "mallory";
        x.seconds = 3600L;
      }));
    })) {
      Mqtt5ConnAckException byId = catchThrowableOfType(Mqtt5ConnAckException.class, () -> v5(b, "evil").connect());
      assertThat(byId.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x8A);
      Mqtt3ConnAckException byId3 = catchThrowableOfType(Mqtt3ConnAckException.class, () -> v3(b, "evil").connect());
      assertThat(byId3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
      Mqtt5ConnAckException byUser = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> v5(b, "fine-id").connectWith().simpleAuth().username("mallory").applySimpleAuth().send());
      assertThat(byUser.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BANNED);
      assertThat(b.broker().metrics().rejections("banned-client-id")).isEqualTo(2);
      assertThat(b.broker().metrics().rejections("banned-username")).isEqualTo(1);
      Mqtt5BlockingClient ok = v5(b, "fine-id");
      ok.connectWith().simpleAuth().username("alice").applySimpleAuth().send();
      ok.disconnect();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ip", "cidr"})
  @DisplayName("a banned IP address or address block is closed at accept, before it can send CONNECT")
  void bannedAddressClosedAtAccept(String kind) throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.bans.add(ban(x -> {
      if (kind.equals("ip")) {
        x.ip = "127.0.0.1";
      } else {
        x.cidr = "127.0.0.0/8";
      }
    }))); RawClient raw = new RawClient(b.host(), b.port())) {
      assertThat(raw.closedWithin(WAIT)).isTrue();
      assertThat(b.broker().metrics().rejections("banned-ip")).isEqualTo(1);
      assertThat(b.broker().registry().sessionCount()).isZero();
    }
  }

  @Test
  @DisplayName("BanList API: a ban added at runtime applies to the next CONNECT; removing it lets the client in again")
  void banListApi() throws Exception {
    try (TestBroker b = TestBroker.start()) {
      BanList bans = b.broker().registry().guard().bans();
      bans.add(BanList.Kind.CLIENT_ID, "api-banned", System.currentTimeMillis() + 3_600_000, "test");
      try (RawClient raw = new RawClient(b.host(), b.port())) {
        raw.send(RawClient.connect(5, "api-banned", 30));
        byte[] ack = raw.readPacket();
        assertThat(RawClient.type(ack)).isEqualTo(CONNACK);
        assertThat(BadPackets.connAckCode(ack)).isEqualTo(0x8A);
        assertThat(raw.closedWithin(WAIT)).isTrue();
      }
      assertThat(bans.remove(BanList.Kind.CLIENT_ID, "api-banned")).isTrue();
      Mqtt5BlockingClient c = v5(b, "api-banned");
      assertThat(c.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      c.disconnect();
    }
  }

  @Test
  @DisplayName("limits.auth-failure-ban: max-failures failed authentications from one address ban it; its next "
      + "sockets are closed at accept")
  void authFailuresBanTheAddress() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.limits.authFailureBan.maxFailures = 3)) {
      b.broker().registry().authenticator(cr -> Future.succeededFuture("good".equals(cr.username())
          ? AuthResult.ALLOWED : AuthResult.denied(AuthResult.Outcome.BAD_CREDENTIALS, "wrong password")));
      for (int i = 0; i < 3; i++) {
        Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class,
            () -> v5(b, "guesser").connectWith().simpleAuth().username("bad").applySimpleAuth().send());
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      }
      assertThat(b.broker().metrics().rejections("auth-failure-ban")).isEqualTo(1);
      try (RawClient raw = new RawClient(b.host(), b.port())) {
        assertThat(raw.closedWithin(WAIT)).isTrue();
      }
      assertThat(b.broker().metrics().rejections("banned-ip")).isEqualTo(1);
      assertThat(b.broker().registry().guard().bans().list()).singleElement()
          .satisfies(ban -> assertThat(ban.kind()).isEqualTo(BanList.Kind.IP));
    }
  }
}
