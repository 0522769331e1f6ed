package io.vela.it;

import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static io.vela.it.V5Packets.PROP_AUTHENTICATION_DATA;
import static io.vela.it.V5Packets.PROP_AUTHENTICATION_METHOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import io.vela.api.AuthExchange;
import io.vela.api.AuthStep;
import io.vela.api.Credentials;
import io.vela.api.EnhancedAuthenticator;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 enhanced authentication and re-authentication (spec 4.12) through the {@link EnhancedAuthenticator} SPI, with
 * a test-only challenge/response method: the client says "hello", the broker challenges, "response" passes.
 */
class EnhancedAuthIT {

  static final String METHOD = "test-challenge";
  static final String BROKEN = "test-broken";
  static TestBroker broker;
  PubSubClients clients;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
    broker.broker().registry().registerEnhancedAuthenticator(new TestChallenge());
    broker.broker().registry().registerEnhancedAuthenticator(new EnhancedAuthenticator() {
      @Override
      public String method() {
        return BROKEN;
      }

      @Override
      public AuthExchange newExchange(Credentials credentials) {
        return new AuthExchange() {
          @Override
          public Future<AuthStep> start(byte[] authData) {
            return Future.failedFuture(new IllegalStateException("identity provider down (test)"));
          }

          @Override
          public Future<AuthStep> continueWith(byte[] authData) {
            return start(authData);
          }
        };
      }
    });
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void openClients() {
    clients = new PubSubClients(broker);
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  @Test
  @DisplayName("[MQTT-4.12.0-2] [MQTT-4.12.0-5] CONNECT with an Authentication Method: the broker answers AUTH 0x18 with "
      + "its challenge, the client AUTH 0x18, then CONNACK 0x00 carrying the same method and the final data")
  void mqtt5_4_12_0_2_challengeResponseAtConnect() throws Exception {
    RawClient raw = authenticated(unique("eauth"));
    raw.send(BadPackets.pingReq());
    assertThat(raw.readPacket()).containsExactly(0xD0, 0x00);
  }

  @Test
  @DisplayName("[MQTT-4.12.0-4] a wrong answer to the challenge gets CONNACK 0x87 (Not authorized) and the connection "
      + "is closed")
  void mqtt5_4_12_0_4_failedExchangeIsRefused() throws Exception {
    RawClient raw = clients.raw();
    raw.send(connectWithMethod(unique("eauth-bad")));
    expectAuth(raw, 0x18, "challenge");
    raw.send(V5Packets.auth(0x18, METHOD, utf8("wrong")));
    RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
    assertThat(ack.reasonCode()).isEqualTo(0x87);
    assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  @DisplayName("an authenticator whose future fails gets CONNACK 0x88 (Server unavailable), not a success")
  void failingAuthenticatorIsServerUnavailable() throws Exception {
    RawClient raw = clients.raw();
    raw.send(V5Packets.connect(unique("eauth-broken"), V5Packets.stringProperty(PROP_AUTHENTICATION_METHOD, BROKEN)));
    assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isEqualTo(0x88);
    assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  @DisplayName("an exchange the client never finishes ends with the connect timeout: closed without a CONNACK")
  void unfinishedExchangeEndsWithTheConnectTimeout() throws Exception {
    try (TestBroker b = TestBroker.start(c -> c.mqtt.connectTimeoutSeconds = 2)) {
      // registered before the socket opens: the connect timeout runs from accept
      b.broker().registry().registerEnhancedAuthenticator(new TestChallenge());
      try (RawClient raw = new RawClient(b.host(), b.port())) {
        raw.send(connectWithMethod(unique("eauth-slow")));
        expectAuth(raw, 0x18, "challenge");
        assertThat(raw.closedWithin(Duration.ofSeconds(10))).as("closed by the connect timeout").isTrue();
      }
    }
  }

  @Test
  @DisplayName("[MQTT-3.1.2-33] a PUBLISH before the exchange ends is a protocol error: closed without a CONNACK")
  void mqtt5_3_1_2_33_onlyAuthBeforeConnack() throws Exception {
    RawClient raw = clients.raw();
    raw.send(connectWithMethod(unique("eauth-early")));
    expectAuth(raw, 0x18, "challenge");
    raw.send(V5Packets.publish("eauth/early", 0, 0, utf8("x")));
    assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  @DisplayName("[MQTT-4.12.1-1] re-authentication: AUTH 0x19 with the CONNECT's method starts the same exchange, which "
      + "ends in AUTH 0x00 with the method; the connection carries on")
  void mqtt5_4_12_1_1_reauthentication() throws Exception {
    RawClient raw = authenticated(unique("eauth-re"));
    raw.send(V5Packets.auth(0x19, METHOD, utf8("hello")));
    expectAuth(raw, 0x18, "challenge");
    raw.send(V5Packets.auth(0x18, METHOD, utf8("response")));
    expectAuth(raw, 0x00, "welcome");
    raw.send(BadPackets.pingReq());
    assertThat(raw.readPacket()).containsExactly(0xD0, 0x00);
  }

  @Test
  @DisplayName("[MQTT-4.12.1-2] a failed re-authentication gets DISCONNECT 0x87 and the connection is closed")
  void mqtt5_4_12_1_2_failedReauthenticationDisconnects() throws Exception {
    RawClient raw = authenticated(unique("eauth-re-bad"));
    raw.send(V5Packets.auth(0x19, METHOD, utf8("hello")));
    expectAuth(raw, 0x18, "challenge");
    raw.send(V5Packets.auth(0x18, METHOD, utf8("wrong")));
    expectDisconnect(raw, 0x87);
  }

  @Test
  @DisplayName("[MQTT-4.12.1-1] re-authentication with another Authentication Method is a protocol error: DISCONNECT "
      + "0x82")
  void mqtt5_4_12_1_1_reauthenticationWithAnotherMethodIsAProtocolError() throws Exception {
    RawClient raw = authenticated(unique("eauth-re-other"));
    raw.send(V5Packets.auth(0x19, "other-method", utf8("hello")));
    expectDisconnect(raw, 0x82);
  }

  @Test
  @DisplayName("[MQTT-4.12.0-7] AUTH from a client that sent no Authentication Method at CONNECT is a protocol error: "
      + "DISCONNECT 0x82")
  void mqtt5_4_12_0_7_authWithoutMethodAtConnectIsAProtocolError() throws Exception {
    RawClient raw = clients.raw();
    raw.send(V5Packets.connect(unique("eauth-none")));
    RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.property(PROP_AUTHENTICATION_METHOD)).as("[MQTT-4.12.0-6] no method in CONNACK").isNull();
    raw.send(V5Packets.auth(0x19, METHOD, utf8("hello")));
    expectDisconnect(raw, 0x82);
  }

  @Test
  @DisplayName("[MQTT-4.12.0-2] [MQTT-4.12.1-1] interop: the HiveMQ client's enhanced auth connects through the "
      + "challenge and re-authenticates with reauth()")
  void mqtt5_4_12_hivemqEnhancedAuthAndReauth() throws Exception {
    ClientMechanism mechanism = new ClientMechanism();
    Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(unique("eauth-hive")).serverHost(broker.host())
        .serverPort(broker.port()).enhancedAuth(mechanism).buildBlocking();
    Mqtt5ConnAck ack = client.connect();
    try {
      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(ack.getEnhancedAuth()).isPresent();
      assertThat(ack.getEnhancedAuth().get().getMethod().toString()).isEqualTo(METHOD);
      assertThat(text(ack.getEnhancedAuth().get().getData().orElseThrow())).isEqualTo("welcome");
      client.toAsync().reauth().get(5, TimeUnit.SECONDS);
      assertThat(mechanism.reauthenticated).succeedsWithin(Duration.ofSeconds(5))
          .extracting(Mqtt5Auth::getReasonCode).isEqualTo(Mqtt5AuthReasonCode.SUCCESS);
      assertThat(mechanism.challenges).containsExactly("challenge", "challenge");
    } finally {
      client.disconnect();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] connectWithMethod(String clientId) {
    return V5Packets.connect(clientId, V5Packets.stringProperty(PROP_AUTHENTICATION_METHOD, METHOD),
        V5Packets.binaryProperty(PROP_AUTHENTICATION_DATA, utf8("hello")));
  }

  /** A raw client through the whole exchange, CONNACK checked. */
  private RawClient authenticated(String clientId) throws IOException {
    RawClient raw = clients.raw();
    raw.send(connectWithMethod(clientId));
    expectAuth(raw, 0x18, "challenge");
    raw.send(V5Packets.auth(0x18, METHOD, utf8("response")));
    RawPackets.ConnAck ack = RawPackets.connAck(raw.readPacket(), 5);
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.property(PROP_AUTHENTICATION_METHOD)).as("method in CONNACK").isEqualTo(METHOD);
    assertThat(text((byte[]) ack.property(PROP_AUTHENTICATION_DATA))).as("data in CONNACK").isEqualTo("welcome");
    return raw;
  }

  private static void expectAuth(RawClient raw, int reason, String data) throws IOException {
    V5Packets.Auth auth = V5Packets.parseAuth(raw.readPacket());
    assertThat(auth.reasonCode()).as("AUTH reason code").isEqualTo(reason);
    assertThat(auth.method()).as("AUTH method").isEqualTo(METHOD);
    assertThat(auth.data()).as("AUTH data").isEqualTo(data);
  }

  private static void expectDisconnect(RawClient raw, int reason) throws IOException {
    byte[] p = raw.readPacket();
    assertThat(RawClient.type(p)).as("packet type").isEqualTo(RawPackets.DISCONNECT);
    assertThat(RawPackets.disconnectReason(p)).as("DISCONNECT reason code").isEqualTo(reason);
    assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static String text(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    return text(bytes);
  }

  /** The broker side: "hello" starts, "challenge" is sent, "response" passes with "welcome". */
  static final class TestChallenge implements EnhancedAuthenticator {
    @Override
    public String method() {
      return METHOD;
    }

    @Override
    public AuthExchange newExchange(Credentials credentials) {
      return new AuthExchange() {
        @Override
        public Future<AuthStep> start(byte[] authData) {
          return Future.succeededFuture("hello".equals(text(authData)) ? AuthStep.challenge(utf8("challenge"))
              : AuthStep.failure("no hello"));
        }

        @Override
        public Future<AuthStep> continueWith(byte[] authData) {
          return Future.succeededFuture("response".equals(text(authData)) ? AuthStep.success(utf8("welcome"))
              : AuthStep.failure("wrong response"));
        }
      };
    }
  }

  /** The HiveMQ client side of the same method. */
  private static final class ClientMechanism implements Mqtt5EnhancedAuthMechanism {
    final List<String> challenges = new CopyOnWriteArrayList<>();
    final CompletableFuture<Mqtt5Auth> reauthenticated = new CompletableFuture<>();

    @Override
    public MqttUtf8String getMethod() {
      return MqttUtf8String.of(METHOD);
    }

    @Override
    public int getTimeout() {
      return 5;
    }

    @Override
    public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                          Mqtt5EnhancedAuthBuilder authBuilder) {
      authBuilder.data(utf8("hello"));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder authBuilder) {
      authBuilder.data(utf8("hello"));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                 Mqtt5AuthBuilder authBuilder) {
      challenges.add(auth.getData().map(EnhancedAuthIT::text).orElse(null));
      authBuilder.data(utf8("response"));
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
      reauthenticated.complete(auth);
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
    }

    @Override
    public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
      reauthenticated.completeExceptionally(new AssertionError("re-authentication rejected: " + disconnect));
    }

    @Override
    public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    @Override
    public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
      reauthenticated.completeExceptionally(cause);
    }
  }
}
