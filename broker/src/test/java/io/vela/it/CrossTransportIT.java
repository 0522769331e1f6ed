package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.config.ListenerConfig;
import io.vela.config.TlsConfig;
import io.vela.config.WebSocketConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One broker with all four listener kinds (tcp, tls, ws, wss): a client on any of them reaches subscribers on every
 * other, because every transport feeds the same session and routing core.
 */
class CrossTransportIT {

  static TestBroker broker;
  static TestPki.Issued ca;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("vela-cross-");
    ca = TestPki.ca("Vela cross-transport CA");
    TestPki.Files2 server = TestPki.server(ca, "vela-cross").write(dir, "server");
    broker = TestBroker.start(c -> {
      c.listeners.put("tls", listener("tls", server));
      c.listeners.put("ws", listener("ws", null));
      c.listeners.put("wss", listener("wss", server));
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static ListenerConfig listener(String type, TestPki.Files2 tlsFiles) {
    ListenerConfig l = new ListenerConfig();
    l.type = type;
    l.bind = "127.0.0.1";
    l.port = 0;
    if (tlsFiles != null) {
      l.tls = new TlsConfig();
      l.tls.cert = tlsFiles.cert().toString();
      l.tls.key = tlsFiles.key().toString();
    }
    if (type.startsWith("ws")) {
      l.websocket = new WebSocketConfig();
    }
    return l;
  }

  private static Mqtt5BlockingClient client(String listener, String id) throws Exception {
    Mqtt5ClientBuilder b = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
        .serverPort(broker.broker().port(listener));
    if (listener.equals("tls") || listener.equals("wss")) {
      b = b.sslConfig(MqttClientSslConfig.builder().trustManagerFactory(ca.trustManagerFactory()).build());
    }
    if (listener.startsWith("ws")) {
      b = b.webSocketConfig(MqttWebSocketConfig.builder().serverPath("mqtt").subprotocol("mqtt").build());
    }
    return b.buildBlocking();
  }

  @Test
  @DisplayName("a QoS 1 message published on any of tcp, tls, ws and wss reaches subscribers on all four")
  void everyListenerReachesEveryOther() throws Exception {
    List<String> listeners = List.of("tcp", "tls", "ws", "wss");
    Map<String, Mqtt5BlockingClient> clients = new LinkedHashMap<>();
    Map<String, Mqtt5BlockingClient.Mqtt5Publishes> inboxes = new LinkedHashMap<>();
    try {
      for (String l : listeners) {
        Mqtt5BlockingClient c = client(l, "cross-" + l);
        c.connect();
        clients.put(l, c);
        inboxes.put(l, c.publishes(MqttGlobalPublishFilter.ALL));
        c.subscribeWith().topicFilter("cross/#").qos(MqttQos.AT_LEAST_ONCE).send();
      }
      for (String from : listeners) {
        clients.get(from).publishWith().topic("cross/" + from).qos(MqttQos.AT_LEAST_ONCE)
            .payload(("via " + from).getBytes(StandardCharsets.UTF_8)).send();
      }
      for (String to : listeners) {
        Set<String> got = new HashSet<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
          Mqtt5Publish p = inboxes.get(to).receive(5, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError(
              "the " + to + " subscriber got only " + order));
          String payload = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
          got.add(payload);
          order.add(payload);
        }
        assertThat(got).as("received on %s", to)
            .containsExactlyInAnyOrder("via tcp", "via tls", "via ws", "via wss");
      }
    } finally {
      inboxes.values().forEach(Mqtt5BlockingClient.Mqtt5Publishes::close);
      clients.values().forEach(Mqtt5BlockingClient::disconnect);
    }
  }
}
