package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.config.ListenerConfig;
import io.vela.config.WebSocketConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MQTT.js, the client browser apps use, run in Node over WebSocket against the in-process broker, exchanging
 * messages with a HiveMQ client on TCP. The Node package (src/test/node, mqtt pinned, lock file committed) is
 * installed once with {@code npm ci} into target/node-test, so nothing generated lands in the source tree.
 */
class MqttJsIT {

  private static final Path SOURCE = Path.of("src", "test", "node");
  private static final Path WORK = Path.of("target", "node-test");
  private static final long RUN_SECONDS = 60;

  @BeforeAll
  static void installMqttJs() throws Exception {
    Files.createDirectories(WORK);
    for (String f : List.of("package.json", "package-lock.json", "mqttjs-test.mjs")) {
      Files.copy(SOURCE.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(WORK.resolve("node_modules").resolve("mqtt"))) {
      return;
    }
    Process npm = start(List.of("npm", "ci", "--no-audit", "--no-fund"));
    List<String> output = new ArrayList<>();
    Thread reader = drain(npm, output, line -> { });
    if (!npm.waitFor(300, TimeUnit.SECONDS)) {
      npm.destroyForcibly();
      fail("npm ci did not finish within 300 s");
    }
    reader.join(5000);
    assertThat(npm.exitValue()).as("npm ci in %s:%n%s", WORK.toAbsolutePath(), String.join("\n", output)).isZero();
  }

  @ParameterizedTest(name = "websocket.compression={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("MQTT.js over ws (MQTT 3.1.1 and 5): subscribe, publish QoS 0/1/2, and exchange messages with a TCP "
      + "client both ways; with compression on, permessage-deflate carries a large payload")
  void mqttJsOverWebSocket(boolean compression) throws Exception {
    try (TestBroker b = TestBroker.start(c -> {
      ListenerConfig ws = new ListenerConfig();
      ws.type = "ws";
      ws.bind = "127.0.0.1";
      ws.port = 0;
      ws.websocket = new WebSocketConfig();
      ws.websocket.compression = compression;
      c.listeners.put("ws", ws);
    })) {
      exchangeWithTcpPeer(b, "ws://127.0.0.1:" + b.broker().port("ws") + "/mqtt", Map.of());
    }
  }

  @org.junit.jupiter.api.Test
  @DisplayName("MQTT.js over wss (MQTT 3.1.1 and 5), trusting a CA made at test time: the same exchange with a TCP "
      + "client both ways")
  void mqttJsOverSecureWebSocket() throws Exception {
    Path dir = Files.createTempDirectory("vela-wss-");
    TestPki.Issued ca = TestPki.ca("Vela MQTT.js CA");
    TestPki.Files2 server = TestPki.server(ca, "vela-wss").write(dir, "server");
    Path caFile = dir.resolve("ca.crt");
    ca.writeCert(caFile);
    try (TestBroker b = TestBroker.start(c -> {
      ListenerConfig wss = new ListenerConfig();
      wss.type = "wss";
      wss.bind = "127.0.0.1";
      wss.port = 0;
      wss.websocket = new WebSocketConfig();
      wss.tls = new io.vela.config.TlsConfig();
      wss.tls.cert = server.cert().toString();
      wss.tls.key = server.key().toString();
      c.listeners.put("wss", wss);
    })) {
      // Node trusts the test CA through NODE_EXTRA_CA_CERTS, as an operator's own CA would be trusted
      exchangeWithTcpPeer(b, "wss://127.0.0.1:" + b.broker().port("wss") + "/mqtt",
          Map.of("NODE_EXTRA_CA_CERTS", caFile.toAbsolutePath().toString()));
    }
  }

  /**
   * Runs mqttjs-test.mjs against {@code url}: MQTT.js (3.1.1, then 5) talks to itself at QoS 0/1/2 and exchanges
   * messages both ways with a HiveMQ client on the broker's TCP listener.
   */
  private static void exchangeWithTcpPeer(TestBroker b, String url, Map<String, String> env) throws Exception {
    Mqtt5BlockingClient tcp = MqttClient.builder().useMqttVersion5().identifier("tcp-peer")
        .serverHost(b.host()).serverPort(b.port()).buildBlocking();
    tcp.connect();
    exchangeWith(tcp, url, env);
    tcp.disconnect();
  }

  /**
   * Installs MQTT.js (once) and runs mqttjs-test.mjs against {@code url}, with {@code peer} (a connected client on
   * any listener) answering it.
   */
  static void exchangeWith(Mqtt5BlockingClient tcp, String url, Map<String, String> env) throws Exception {
    installMqttJs();
    try (Mqtt5BlockingClient.Mqtt5Publishes fromJs = tcp.publishes(MqttGlobalPublishFilter.ALL)) {
      tcp.subscribeWith().topicFilter("js/+/to-tcp").qos(MqttQos.AT_LEAST_ONCE).send();
      Process node = start(List.of("node", "mqttjs-test.mjs", url), env);
      List<String> output = Collections.synchronizedList(new ArrayList<>());
      try {
        Thread reader = drain(node, output, line -> {
          if (line.startsWith("READY ")) {
            String v = line.substring("READY ".length()).trim();
            tcp.publishWith().topic("js/" + v + "/from-tcp").qos(MqttQos.AT_LEAST_ONCE)
                .payload(("hello mqtt.js v" + v + " from tcp").getBytes(StandardCharsets.UTF_8)).send();
          }
        });
        boolean finished = node.waitFor(RUN_SECONDS, TimeUnit.SECONDS);
        reader.join(5000);
        String log = String.join("\n", output);
        assertThat(finished).as("node finished within %d s:%n%s", RUN_SECONDS, log).isTrue();
        assertThat(node.exitValue()).as("node exit code; output:%n%s", log).isZero();
        assertThat(output).contains("GOT 4", "GOT 5", "OK");
      } finally {
        node.destroyForcibly();
      }
      List<String> received = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Mqtt5Publish p = fromJs.receive(5, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError(
            "the TCP subscriber did not get both MQTT.js messages, got " + received));
        received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
      }
      assertThat(received).containsExactlyInAnyOrder("hello tcp from mqtt.js v4", "hello tcp from mqtt.js v5");
    }
  }

  /** Starts a command in target/node-test; a missing Node.js fails the test with a clear message. */
  private static Process start(List<String> command) {
    return start(command, Map.of());
  }

  private static Process start(List<String> command, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true);
      pb.environment().putAll(env);
      return pb.start();
    } catch (IOException e) {
      throw new AssertionError("cannot run '" + command.get(0) + "': Node.js 18+ and npm must be on the PATH for "
          + "the MQTT.js tests (bin/test installs them) - " + e.getMessage(), e);
    }
  }

  /** Reads the process output line by line on a daemon thread, keeping it for failure messages. */
  private static Thread drain(Process p, List<String> lines, java.util.function.Consumer<String> onLine) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          onLine.accept(line);
        }
      } catch (IOException e) {
        lines.add("(output unreadable: " + e.getMessage() + ")");
      }
    }, "node-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
