package io.vela.it;

import static io.vela.it.PubSubClients.WAIT;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.vela.VelaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The $SYS/broker/... status topics, published every second in this test broker. */
class SysTopicsIT {

  static final String SYS = "$SYS/broker/";

  static TestBroker broker;
  PubSubClients clients;
  /** The latest payload per $SYS topic, as a subscriber to $SYS/# sees it. */
  final Map<String, String> latest = new ConcurrentHashMap<>();
  /** Payloads that arrived with RETAIN=1, right at SUBSCRIBE. */
  final Map<String, String> retained = new ConcurrentHashMap<>();
  /** Every payload seen on $SYS/broker/version, in order. */
  final List<String> versions = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start(cfg -> cfg.sys.intervalSeconds = 1);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void watchSys() {
    clients = new PubSubClients(broker);
    Mqtt5BlockingClient watcher = clients.v5(unique("sys-watcher"));
    watcher.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> {
      String topic = p.getTopic().toString();
      String value = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
      if (p.isRetain()) {
        retained.put(topic, value);
      }
      latest.put(topic, value);
      if (topic.equals(SYS + "version")) {
        versions.add(value);
      }
    });
    watcher.connect();
    watcher.subscribeWith().topicFilter("$SYS/#").qos(MqttQos.AT_MOST_ONCE).send();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  private long number(String topic) {
    return Long.parseLong(latest.get(SYS + topic).replace(" seconds", ""));
  }

  private boolean has(String topic) {
    return latest.containsKey(SYS + topic);
  }

  @DisplayName("$SYS status is retained: a new subscriber gets every topic at once")
  @Test
  void statusIsRetained() {
    await().atMost(WAIT).until(() -> retained.containsKey(SYS + "version") && retained.containsKey(SYS + "uptime")
        && retained.containsKey(SYS + "clients/connected") && retained.containsKey(SYS + "messages/received")
        && retained.containsKey(SYS + "bytes/received"));
  }

  @DisplayName("$SYS/broker/version names the broker and its version")
  @Test
  void version() {
    await().atMost(WAIT).until(() -> has("version"));
    assertThat(latest.get(SYS + "version")).isEqualTo("vela " + VelaBroker.version());
  }

  @DisplayName("$SYS/broker/uptime counts seconds and goes up")
  @Test
  void uptime() {
    await().atMost(WAIT).until(() -> has("uptime"));
    assertThat(latest.get(SYS + "uptime")).matches("\\d+ seconds");
    long first = number("uptime");
    await().atMost(Duration.ofSeconds(4)).until(() -> number("uptime") > first);
  }

  @DisplayName("$SYS/broker/clients/connected follows the number of connected clients")
  @Test
  void connectedClients() {
    await().atMost(WAIT).until(() -> has("clients/connected") && number("clients/connected") == 1);

    Mqtt5BlockingClient a = clients.v5Connected(unique("a"));
    Mqtt5BlockingClient b = clients.v5Connected(unique("b"));
    await().atMost(WAIT).until(() -> number("clients/connected") == 3);

    a.disconnect();
    b.disconnect();
    await().atMost(WAIT).until(() -> number("clients/connected") == 1);
  }

  @DisplayName("$SYS/broker/messages/received counts PUBLISH packets received from clients; bytes/received and "
      + "bytes/sent count traffic")
  @Test
  void messageAndByteCounters() {
    await().atMost(WAIT).until(() -> has("messages/received") && has("bytes/received") && has("bytes/sent"));
    long before = number("messages/received");
    Mqtt5BlockingClient pub = clients.v5Connected(unique("pub"));

    for (int i = 0; i < 3; i++) {
      pub.publishWith().topic(unique("counted")).qos(MqttQos.AT_LEAST_ONCE).payload(utf8("x")).send();
    }

    await().atMost(WAIT).until(() -> number("messages/received") >= before + 3);
    assertThat(number("bytes/received")).isPositive();
    assertThat(number("bytes/sent")).isPositive();
  }

  @DisplayName("$SYS/broker/protocol-errors/<reason> counts connections closed for a protocol violation")
  @Test
  void protocolErrorsByReason() throws Exception {
    try (RawClient raw = new RawClient(broker.host(), broker.port())) {
      raw.send(RawClient.connect(4, unique("garbage"), 30));
      assertThat(RawClient.type(raw.readPacket())).isEqualTo(2);
      raw.send(new byte[] {(byte) 0xF0, 0}); // reserved packet type 15 in MQTT 3.1.1
      assertThat(raw.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
    await().atMost(WAIT).until(() -> has("protocol-errors/MALFORMED_PACKET")
        && number("protocol-errors/MALFORMED_PACKET") >= 1);
  }

  @DisplayName("clients cannot publish to $SYS: a v5 QoS 1 PUBLISH is answered 0x87 Not authorized and not routed")
  @Test
  void clientsCannotPublishToSys() {
    await().atMost(WAIT).until(() -> has("version"));
    Mqtt5BlockingClient pub = clients.v5Connected(unique("forger"));

    Mqtt5PubAckException refused = catchThrowableOfType(Mqtt5PubAckException.class,
        () -> pub.publishWith().topic(SYS + "version").qos(MqttQos.AT_LEAST_ONCE).retain(true)
            .payload(utf8("forged")).send());

    assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    // two more status rounds: anything routed before the PUBACK has reached the watcher by then
    int seenSoFar = versions.size();
    await().atMost(WAIT).until(() -> versions.size() >= seenSoFar + 2);
    assertThat(versions).containsOnly("vela " + VelaBroker.version());
  }
}
