package io.vela.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Prometheus scrape and the health endpoints, with real MQTT clients making the numbers move. */
class ConsoleMetricsIT {

  static ConsoleBroker broker;

  @BeforeAll
  static void start() {
    broker = ConsoleBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  /** Sample lines of the text exposition format: name{labels} value. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$",
      Pattern.MULTILINE);

  static Map<String, Double> scrape() {
    HttpResponse<String> r = broker.send(broker.request("/metrics").GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    Map<String, Double> out = new HashMap<>();
    Matcher m = SAMPLE.matcher(r.body());
    while (m.find()) {
      out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return out;
  }

  @Test
  @DisplayName("vela_* metrics move when clients connect and publish; Vert.x and JVM metrics are there too")
  void scrapeMoves() {
    Map<String, Double> before = scrape();
    assertThat(before).containsKeys("vela_connections", "vela_messages_received_total{qos=\"1\"}",
        "vela_bytes_received_total", "vela_messages_sent_total{qos=\"0\"}", "vela_auth_failures_total",
        "vela_queued_messages");
    assertThat(before.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
    assertThat(before.keySet()).anyMatch(k -> k.startsWith("vela_listener_up{"));

    Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("metrics-sub").serverHost("127.0.0.1")
        .serverPort(broker.mqttPort()).buildBlocking();
    Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("metrics-pub").serverHost("127.0.0.1")
        .serverPort(broker.mqttPort()).buildBlocking();
    sub.connect();
    pub.connect();
    try {
      sub.subscribeWith().topicFilter("metrics/#").qos(MqttQos.AT_LEAST_ONCE).send();
      int n = 25;
      for (int i = 0; i < n; i++) {
        pub.publishWith().topic("metrics/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[100]).send();
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Map<String, Double> after = scrape();
        assertThat(after.get("vela_connections")).isEqualTo(before.get("vela_connections") + 2);
        String q1 = "{qos=\"1\"}";
        assertThat(after.get("vela_messages_received_total" + q1))
            .isGreaterThanOrEqualTo(before.get("vela_messages_received_total" + q1) + n);
        assertThat(after.get("vela_messages_sent_total" + q1))
            .isGreaterThanOrEqualTo(before.get("vela_messages_sent_total" + q1) + n);
        assertThat(after.get("vela_messages_received_total{qos=\"2\"}"))
            .isEqualTo(before.get("vela_messages_received_total{qos=\"2\"}"));
        assertThat(after.get("vela_bytes_received_total"))
            .isGreaterThanOrEqualTo(before.get("vela_bytes_received_total") + n * 100);
        assertThat(after.get("vela_subscriptions")).isGreaterThanOrEqualTo(1);
        assertThat(after.get("vela_listener_connections{listener=\"tcp\",type=\"tcp\"}"))
            .isGreaterThanOrEqualTo(2);
        // per listener: all of it came through the tcp listener, none through ws
        String tcp = "{listener=\"tcp\",type=\"tcp\"}";
        String ws = "{listener=\"ws\",type=\"ws\"}";
        assertThat(after.get("vela_listener_messages_received_total" + tcp))
            .isGreaterThanOrEqualTo(before.getOrDefault("vela_listener_messages_received_total" + tcp, 0.0) + n);
        assertThat(after.get("vela_listener_messages_sent_total" + tcp))
            .isGreaterThanOrEqualTo(before.getOrDefault("vela_listener_messages_sent_total" + tcp, 0.0) + n);
        assertThat(after.get("vela_listener_bytes_received_total" + tcp))
            .isGreaterThanOrEqualTo(before.getOrDefault("vela_listener_bytes_received_total" + tcp, 0.0) + n * 100);
        assertThat(after.get("vela_listener_messages_received_total" + ws))
            .isEqualTo(before.getOrDefault("vela_listener_messages_received_total" + ws, 0.0));
      });
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  }

  @Test
  @DisplayName("a bridge's numeric status fields become vela_bridge_* gauges; a failed bridge makes /health/ready "
      + "DOWN (503) until it recovers; /health/live stays UP")
  void bridgeMetricsAndHealth() {
    HttpResponse<String> ready = broker.send(broker.request("/health/ready").GET().build());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getString("outcome")).isEqualTo("UP");

    FakeBridge bridge = new FakeBridge("metrics-bridge", new JsonObject().put("buffered", 3).put("lag", 42L));
    broker.broker.context().register(bridge);
    try {
      Map<String, Double> m = scrape();
      assertThat(m).containsEntry("vela_bridge_up{kind=\"test-bridge\",name=\"metrics-bridge\"}", 1.0)
          .containsEntry("vela_bridge_lag{kind=\"test-bridge\",name=\"metrics-bridge\"}", 42.0)
          .containsEntry("vela_bridge_buffered{kind=\"test-bridge\",name=\"metrics-bridge\"}", 3.0);

      bridge.state = "failed";
      HttpResponse<String> down = broker.send(broker.request("/health/ready").GET().build());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("metrics-bridge");
      assertThat(broker.send(broker.request("/health/live").GET().build()).statusCode()).isEqualTo(200);
      assertThat(scrape()).containsEntry("vela_bridge_up{kind=\"test-bridge\",name=\"metrics-bridge\"}", 0.0);

      bridge.state = "running";
      assertThat(broker.send(broker.request("/health/ready").GET().build()).statusCode()).isEqualTo(200);
    } finally {
      broker.broker.context().unregister("metrics-bridge");
    }
  }

  @Test
  @DisplayName("while the broker stops, /health/ready turns DOWN")
  void readyDownWhileStopping() {
    ConsoleBroker other = ConsoleBroker.start();
    try {
      assertThat(other.send(other.request("/health/ready").GET().build()).statusCode()).isEqualTo(200);
    } finally {
      var stopping = other.broker.stop();
      // the console stops first; until then, ready must already say DOWN (or the listener is gone)
      try {
        HttpResponse<String> r = other.send(other.request("/health/ready").GET().build());
        assertThat(r.statusCode()).isEqualTo(503);
      } catch (IllegalStateException gone) {
        assertThat(gone.getCause()).isInstanceOf(java.io.IOException.class);
      }
      stopping.toCompletionStage().toCompletableFuture().join();
    }
  }
}
