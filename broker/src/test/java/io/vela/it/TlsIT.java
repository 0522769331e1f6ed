package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.VelaBroker;
import io.vela.api.AuthResult;
import io.vela.bus.Addresses;
import io.vela.config.ConfigException;
import io.vela.config.ListenerConfig;
import io.vela.config.TlsConfig;
import io.vela.config.VelaConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS listeners with a test CA generated at test time: pub/sub over TLS (MQTT 3.1.1 and 5) and across TLS and TCP,
 * protocol versions, client certificates (required, optional, from another CA), the certificate name as user name,
 * per-listener anonymous access, start-up errors for bad files, and certificate reload while clients stay connected.
 */
class TlsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  static Path dir;

  static TestPki.Issued ca;
  static TestPki.Issued clientCa;
  static TestPki.Issued otherCa;
  static TestPki.Files2 server;
  static Path clientCaFile;
  static TestBroker broker;
  /** User name each client id authenticated with. */
  static final Map<String, String> usernames = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    ca = TestPki.ca("Vela test server CA");
    clientCa = TestPki.ca("Vela test device CA");
    otherCa = TestPki.ca("Somebody else's CA");
    server = TestPki.server(ca, "vela-server").write(dir, "server");
    clientCaFile = dir.resolve("client-ca.crt");
    clientCa.writeCert(clientCaFile);
    broker = TestBroker.start(c -> {
      c.mqtt.allowAnonymous = false; // TCP needs a user name ...
      c.listeners.put("tls", tls(t -> { }, l -> l.allowAnonymous = true)); // ... this TLS listener does not
      c.listeners.put("mtls", tls(t -> {
        t.ca = clientCaFile.toString();
        t.clientAuth = TlsConfig.ClientAuth.REQUIRED;
      }, l -> l.allowAnonymous = true));
      c.listeners.put("optional", tls(t -> { // inherits allow-anonymous false: the certificate is the user name
        t.ca = clientCaFile.toString();
        t.clientAuth = TlsConfig.ClientAuth.OPTIONAL;
        t.cnAsUsername = true;
      }, l -> { }));
      c.listeners.put("tls13", tls(t -> t.protocols = List.of("TLSv1.3"), l -> l.allowAnonymous = true));
    });
    broker.broker().registry().authenticator(credentials -> {
      usernames.put(credentials.clientId(), String.valueOf(credentials.username()));
      return Future.succeededFuture(AuthResult.ALLOWED);
    });
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static ListenerConfig tls(Consumer<TlsConfig> tlsSettings, Consumer<ListenerConfig> settings) {
    return tlsListener(server, tlsSettings, settings);
  }

  static ListenerConfig tlsListener(TestPki.Files2 files, Consumer<TlsConfig> tlsSettings,
                                    Consumer<ListenerConfig> settings) {
    ListenerConfig l = new ListenerConfig();
    l.type = "tls";
    l.bind = "127.0.0.1";
    l.port = 0;
    l.tls = new TlsConfig();
    l.tls.cert = files.cert().toString();
    l.tls.key = files.key().toString();
    tlsSettings.accept(l.tls);
    settings.accept(l);
    return l;
  }

  static String id(String prefix) {
    return prefix + "-" + IDS.incrementAndGet();
  }

  static MqttClientSslConfig ssl(TestPki.Issued trusted, TestPki.Issued clientCert) throws Exception {
    com.hivemq.client.mqtt.MqttClientSslConfigBuilder b = MqttClientSslConfig.builder().trustManagerFactory(trusted.trustManagerFactory());
    if (clientCert != null) {
      b.keyManagerFactory(clientCert.keyManagerFactory());
    }
    return b.build();
  }

  static Mqtt5BlockingClient v5(TestBroker b, String listener, String id, TestPki.Issued clientCert)
      throws Exception {
    return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.broker().port(listener))
        .sslConfig(ssl(ca, clientCert)).buildBlocking();
  }

  /** The certificate a fresh TLS connection to the port is shown, with the given protocol versions enabled. */
  static X509Certificate serverCertificate(int port, String... protocols) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    TrustManagerFactory tmf = ca.trustManagerFactory();
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      if (protocols.length > 0) {
        s.setEnabledProtocols(protocols);
      }
      s.startHandshake();
      if (protocols.length > 0) {
        assertThat(s.getSession().getProtocol()).isEqualTo(protocols[0]);
      }
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  static Mqtt5Publish receive(Mqtt5Publishes publishes) throws InterruptedException {
    Optional<Mqtt5Publish> p = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(p).as("a message within %s", WAIT).isPresent();
    return p.get();
  }

  // ---------------------------------------------------------------- pub/sub

  @Test
  @DisplayName("MQTT 5 and 3.1.1 over TLS: pub/sub on the TLS listener and across TLS and TCP both ways")
  void pubSubOverTlsAndAcrossTransports() throws Exception {
    Mqtt5BlockingClient tls5 = v5(broker, "tls", id("tls5"), null);
    Mqtt3BlockingClient tls3 = Mqtt3Client.builder().identifier(id("tls3")).serverHost("127.0.0.1")
        .serverPort(broker.broker().port("tls")).sslConfig(ssl(ca, null)).buildBlocking();
    Mqtt5BlockingClient tcp = Mqtt5Client.builder().identifier(id("tcp")).serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    try (Mqtt5Publishes in5 = tls5.publishes(MqttGlobalPublishFilter.ALL);
         Mqtt3BlockingClient.Mqtt3Publishes in3 = tls3.publishes(MqttGlobalPublishFilter.ALL);
         Mqtt5Publishes inTcp = tcp.publishes(MqttGlobalPublishFilter.ALL)) {
      tls5.connect();
      tls3.connect();
      tcp.connectWith().simpleAuth().username("tcp-user").applySimpleAuth().send();
      tls5.subscribeWith().topicFilter("tls/in/#").qos(MqttQos.AT_LEAST_ONCE).send();
      tls3.subscribeWith().topicFilter("tls/in/#").qos(MqttQos.AT_LEAST_ONCE).send();
      tcp.subscribeWith().topicFilter("tcp/in/#").qos(MqttQos.AT_LEAST_ONCE).send();

      tcp.publishWith().topic("tls/in/1").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("from tcp")).send();
      assertThat(new String(receive(in5).getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from tcp");
      Optional<com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish> got3 =
          in3.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(got3).isPresent();
      assertThat(new String(got3.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from tcp");

      tls3.publishWith().topic("tcp/in/3").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("from tls 3.1.1")).send();
      tls5.publishWith().topic("tcp/in/5").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("from tls 5")).send();
      assertThat(List.of(receive(inTcp), receive(inTcp)).stream().map(p -> p.getTopic().toString()))
          .containsExactlyInAnyOrder("tcp/in/3", "tcp/in/5");
    } finally {
      tls5.disconnect();
      tls3.disconnect();
      tcp.disconnect();
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- protocol versions

  @Test
  @DisplayName("TLS 1.3 and 1.2 are accepted by default, TLS 1.1 is refused; protocols: [TLSv1.3] refuses 1.2")
  void protocolVersions() throws Exception {
    int port = broker.broker().port("tls");
    assertThat(serverCertificate(port, "TLSv1.3").getSubjectX500Principal().getName()).contains("CN=vela-server");
    assertThat(serverCertificate(port, "TLSv1.2").getSubjectX500Principal().getName()).contains("CN=vela-server");
    assertThatThrownBy(() -> serverCertificate(port, "TLSv1.1")).isInstanceOf(SSLException.class);
    int only13 = broker.broker().port("tls13");
    assertThat(serverCertificate(only13, "TLSv1.3")).isNotNull();
    assertThatThrownBy(() -> serverCertificate(only13, "TLSv1.2")).isInstanceOf(SSLException.class);
  }

  // ---------------------------------------------------------------- client certificates

  @Test
  @DisplayName("client-auth required: no certificate and a certificate from another CA fail, a good one connects")
  void clientCertificateRequired() throws Exception {
    assertThatThrownBy(() -> v5(broker, "mtls", id("nocert"), null).connect()).isNotNull();
    assertThatThrownBy(() -> v5(broker, "mtls", id("othercert"), TestPki.client(otherCa, "intruder")).connect())
        .isNotNull();
    String id = id("device");
    Mqtt5BlockingClient good = v5(broker, "mtls", id, TestPki.client(clientCa, "device-7"));
    assertThat(good.connect().getReasonCode().isError()).isFalse();
    good.disconnect();
    assertThat(usernames.get(id)).as("cn-as-username is off here").isEqualTo("null");
  }

  @Test
  @DisplayName("client-auth optional with cn-as-username and anonymous off: a certificate is the user name (CN, "
      + "else first SAN; it overrides the one sent); without one the client is anonymous and refused")
  void optionalClientCertificateAsUsername() throws Exception {
    String withCn = id("cn");
    Mqtt5BlockingClient c1 = v5(broker, "optional", withCn, TestPki.client(clientCa, "sensor-42"));
    c1.connect();
    c1.disconnect();
    assertThat(usernames.get(withCn)).isEqualTo("sensor-42");

    String claimed = id("claims");
    Mqtt5BlockingClient c2 = v5(broker, "optional", claimed, TestPki.client(clientCa, "sensor-43"));
    c2.connectWith().simpleAuth().username("admin").applySimpleAuth().send();
    c2.disconnect();
    assertThat(usernames.get(claimed)).isEqualTo("sensor-43");

    String sanOnly = id("san");
    Mqtt5BlockingClient c3 = v5(broker, "optional", sanOnly, TestPki.clientSanOnly(clientCa, "gw.example.org"));
    c3.connect();
    c3.disconnect();
    assertThat(usernames.get(sanOnly)).isEqualTo("gw.example.org");

    Mqtt5BlockingClient noCert = v5(broker, "optional", id("nocert"), null);
    assertThatThrownBy(() -> noCert.connectWith().simpleAuth().username("admin").applySimpleAuth().send())
        .isInstanceOf(Mqtt5ConnAckException.class);

    assertThatThrownBy(() -> v5(broker, "optional", id("other"), TestPki.client(otherCa, "x")).connect())
        .as("optional still checks a certificate that is presented").isNotNull();
  }

  @Test
  @DisplayName("a TLS client that goes on sending after the broker disconnected it still reads the DISCONNECT "
      + "(0x81), then close_notify and a normal end of stream, not a reset")
  void disconnectedTlsClientStillSendingGetsItsReasonCode() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, ca.trustManagerFactory().getTrustManagers(), null);
    String id = id("tls-linger");
    try (RawClient raw = new RawClient(ctx.getSocketFactory().createSocket("127.0.0.1",
        broker.broker().port("tls")))) {
      raw.send(RawClient.connect(5, id, 60));
      assertThat(RawClient.type(raw.readPacket())).isEqualTo(2); // CONNACK
      raw.send(new byte[] {(byte) 0xC1, 0x00}); // PINGREQ with a reserved flag: Malformed Packet
      await().atMost(WAIT).until(() -> !broker.broker().registry().isOnline(id));
      for (int i = 0; i < 20; i++) {
        raw.send(new byte[] {(byte) 0xC0, 0x00});
      }
      byte[] p = raw.readPacket();
      assertThat(RawClient.type(p)).isEqualTo(14); // DISCONNECT
      assertThat(BadPackets.disconnectReason(p)).isEqualTo(0x81);
      assertThat(raw.endsNormallyWithin(WAIT)).as("end of stream, not a reset").isTrue();
    }
  }

  @Test
  @DisplayName("allow-anonymous per listener: anonymous on the TLS listener that allows it, refused on TCP "
      + "(mqtt.allow-anonymous false)")
  void allowAnonymousPerListener() throws Exception {
    Mqtt5BlockingClient tls = v5(broker, "tls", id("anon-tls"), null);
    assertThat(tls.connect().getReasonCode().isError()).isFalse();
    tls.disconnect();
    Mqtt5BlockingClient tcp = Mqtt5Client.builder().identifier(id("anon-tcp")).serverHost("127.0.0.1")
        .serverPort(broker.port()).buildBlocking();
    assertThatThrownBy(tcp::connect).isInstanceOf(Mqtt5ConnAckException.class);
  }

  @Test
  @DisplayName("a certificate from another CA that the client presents anyway is refused in required and "
      + "optional mode; the same raw client with a good certificate gets its CONNACK")
  void foreignCertificatePresentedAnywayIsRefused() throws Exception {
    TestPki.Issued foreign = TestPki.client(otherCa, "intruder");
    assertThat(rawConnectOverTls(broker.broker().port("mtls"), foreign)).isEqualTo(-1);
    assertThat(rawConnectOverTls(broker.broker().port("optional"), foreign)).isEqualTo(-1);
    assertThat(rawConnectOverTls(broker.broker().port("mtls"), TestPki.client(clientCa, "raw-device")))
        .isEqualTo(0x20);
  }

  /**
   * CONNECT over TLS from a client that presents {@code cert} whatever CAs the server asks for (the JDK's own key
   * manager would send nothing); returns the first byte of the answer, -1 when the broker ends the connection.
   */
  static int rawConnectOverTls(int port, TestPki.Issued cert) throws Exception {
    javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
        return new String[] {"me"};
      }

      @Override
      public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
        return "me";
      }

      @Override
      public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return new X509Certificate[] {cert.cert()};
      }

      @Override
      public java.security.PrivateKey getPrivateKey(String alias) {
        return cert.keys().getPrivate();
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new javax.net.ssl.KeyManager[] {km}, ca.trustManagerFactory().getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      try {
        s.startHandshake();
        s.getOutputStream().write(RawClient.connect(4, id("raw"), 30));
        s.getOutputStream().flush();
        return s.getInputStream().read();
      } catch (java.io.IOException refused) {
        return -1;
      }
    }
  }

  // ---------------------------------------------------------------- start-up errors

  static Throwable startFailure(ListenerConfig listener) {
    VelaConfig c = VelaConfig.forTests();
    c.eventLoops = 2;
    c.listeners.put("secure", listener);
    ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
        () -> VelaBroker.start(c).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(e).as("the broker must not start").isNotNull();
    return e.getCause();
  }

  @Test
  @DisplayName("start-up errors name the key and the file: missing certificate, key of another certificate, "
      + "a file that is not PEM, a missing CA file")
  void badFilesFailTheStart() throws Exception {
    Path missing = dir.resolve("nope.crt");
    assertThat(startFailure(tlsListener(new TestPki.Files2(missing, server.key()), t -> { }, l -> { })))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'listeners.secure.tls.cert'").hasMessageContaining(missing.toString())
        .hasMessageContaining("not found");

    TestPki.Files2 other = TestPki.server(ca, "other").write(dir, "other");
    assertThat(startFailure(tlsListener(new TestPki.Files2(server.cert(), other.key()), t -> { }, l -> { })))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'listeners.secure.tls.key'").hasMessageContaining(other.key().toString())
        .hasMessageContaining("does not belong to the certificate");

    Path garbage = dir.resolve("garbage.crt");
    Files.writeString(garbage, "hello\n");
    assertThat(startFailure(tlsListener(new TestPki.Files2(garbage, server.key()), t -> { }, l -> { })))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'listeners.secure.tls.cert'").hasMessageContaining("no PEM certificate");

    assertThat(startFailure(tlsListener(server, t -> {
      t.ca = dir.resolve("no-ca.crt").toString();
      t.clientAuth = TlsConfig.ClientAuth.REQUIRED;
    }, l -> { })))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'listeners.secure.tls.ca'").hasMessageContaining("no-ca.crt");
  }

  // ---------------------------------------------------------------- reload

  @Test
  @DisplayName("reload on request (event bus): a connected client stays up, new connections get the new "
      + "certificate; bad new files are refused and the current certificate stays")
  void reloadOnRequest(@TempDir Path own) throws Exception {
    TestPki.Issued first = TestPki.server(ca, "vela-first");
    TestPki.Files2 files = first.write(own, "server");
    try (TestBroker b = TestBroker.start(c -> c.listeners.put("tls", tlsListener(files, t -> { }, l -> { })))) {
      int port = b.broker().port("tls");
      assertThat(serverCertificate(port).getSerialNumber()).isEqualTo(first.cert().getSerialNumber());
      AtomicInteger disconnects = new AtomicInteger();
      Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id("stays")).serverHost("127.0.0.1").serverPort(port)
          .sslConfig(ssl(ca, null)).addDisconnectedListener(ctx -> disconnects.incrementAndGet()).buildBlocking();
      try (Mqtt5Publishes in = client.publishes(MqttGlobalPublishFilter.ALL)) {
        client.connect();
        client.subscribeWith().topicFilter("reload/#").qos(MqttQos.AT_LEAST_ONCE).send();

        TestPki.Issued second = TestPki.server(ca, "vela-second");
        second.write(own, "server");
        assertThat(reload(b, "tls").getString("tls")).isEqualTo("reloaded");
        assertThat(serverCertificate(port).getSerialNumber()).isEqualTo(second.cert().getSerialNumber());
        assertThat(reload(b, null).getString("tls")).as("same files again").isEqualTo("unchanged");

        // bad files: the key of another certificate
        TestPki.Issued third = TestPki.server(ca, "vela-third");
        third.writeCert(files.cert());
        assertThatThrownBy(() -> reload(b, "tls")).hasRootCauseInstanceOf(ReplyException.class)
            .hasMessageContaining("does not belong to the certificate");
        assertThat(serverCertificate(port).getSerialNumber()).isEqualTo(second.cert().getSerialNumber());

        assertThatThrownBy(() -> reload(b, "nope")).hasMessageContaining("no running TLS listener named nope");

        client.publishWith().topic("reload/after").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("still here")).send();
        assertThat(receive(in).getTopic().toString()).isEqualTo("reload/after");
        assertThat(client.getState().isConnected()).isTrue();
        assertThat(disconnects).hasValue(0);
      } finally {
        client.disconnect();
      }
    }
  }

  static JsonObject reload(TestBroker b, String listener) throws Exception {
    return b.broker().vertx().eventBus().<JsonObject>request(Addresses.TLS_RELOAD, listener)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
  }

  @Test
  @DisplayName("reload on file change (reload-interval-seconds): new connections get the new certificate, a "
      + "connected client stays up")
  void reloadOnFileChange(@TempDir Path own) throws Exception {
    TestPki.Issued first = TestPki.server(ca, "vela-first");
    TestPki.Files2 files = first.write(own, "server");
    try (TestBroker b = TestBroker.start(c -> c.listeners.put("tls",
        tlsListener(files, t -> t.reloadIntervalSeconds = 1, l -> { })))) {
      int port = b.broker().port("tls");
      assertThat(serverCertificate(port).getSerialNumber()).isEqualTo(first.cert().getSerialNumber());
      AtomicInteger disconnects = new AtomicInteger();
      Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(id("stays")).serverHost("127.0.0.1")
          .serverPort(port).sslConfig(ssl(ca, null)).addDisconnectedListener(ctx -> disconnects.incrementAndGet())
          .buildBlocking();
      try (Mqtt5Publishes in = client.publishes(MqttGlobalPublishFilter.ALL)) {
        client.connect();
        client.subscribeWith().topicFilter("watch/#").qos(MqttQos.AT_LEAST_ONCE).send();
        TestPki.Issued second = TestPki.server(ca, "vela-second");
        second.write(own, "server");
        BigInteger expected = second.cert().getSerialNumber();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
            .until(() -> serverCertificate(port).getSerialNumber().equals(expected));
        client.publishWith().topic("watch/after").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("still here")).send();
        assertThat(receive(in).getTopic().toString()).isEqualTo("watch/after");
        assertThat(disconnects).hasValue(0);
      } finally {
        client.disconnect();
      }
    }
  }
}
