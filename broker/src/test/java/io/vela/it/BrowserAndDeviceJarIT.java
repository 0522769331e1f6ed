package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end promise, on the real runnable jar: browser-style clients (MQTT.js over ws and wss) and a
 * device-style client (TLS with a client certificate) exchange messages through one running broker process.
 */
class BrowserAndDeviceJarIT {

  private static final Path JAR = Path.of("target", "vela-broker.jar");
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir
  Path dir;

  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  @DisplayName("MQTT.js over ws and over wss and a device on TLS with a client certificate exchange messages "
      + "through one running vela process")
  void browsersAndDeviceShareOneBroker() throws Exception {
    TestPki.Issued serverCa = TestPki.ca("Vela e2e server CA");
    TestPki.Issued deviceCa = TestPki.ca("Vela e2e device CA");
    TestPki.Files2 server = TestPki.server(serverCa, "vela-e2e").write(dir, "server");
    Path deviceCaFile = dir.resolve("devices-ca.crt");
    deviceCa.writeCert(deviceCaFile);
    Path serverCaFile = dir.resolve("server-ca.crt");
    serverCa.writeCert(serverCaFile);
    String tls = "    tls:\n      cert: " + server.cert() + "\n      key: " + server.key() + "\n";
    Path config = dir.resolve("vela.yaml");
    Files.writeString(config, "listeners:\n"
        + "  tcp:\n    bind: 127.0.0.1\n    port: 0\n"
        + "  devices:\n    type: tls\n    bind: 127.0.0.1\n    port: 0\n" + tls
        + "      ca: " + deviceCaFile + "\n      client-auth: required\n"
        + "  ws:\n    type: ws\n    bind: 127.0.0.1\n    port: 0\n"
        + "  wss:\n    type: wss\n    bind: 127.0.0.1\n    port: 0\n" + tls
        + "mqtt:\n  allow-anonymous: true\n"
        + "event-loops: 2\nsys:\n  enabled: false\n");
    ProcessBuilder pb = new ProcessBuilder(JAVA.toString(), "-Xmx256m", "-jar", JAR.toString(), "-c",
        config.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("VELA_"));
    pb.redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.redirectErrorStream(true);
    process = pb.start();

    int devicesPort = port("devices");
    int wsPort = port("ws");
    int wssPort = port("wss");

    Mqtt5BlockingClient device = Mqtt5Client.builder().identifier("device-e2e").serverHost("127.0.0.1")
        .serverPort(devicesPort)
        .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(serverCa.trustManagerFactory())
            .keyManagerFactory(TestPki.client(deviceCa, "device-e2e").keyManagerFactory()).build())
        .buildBlocking();
    device.connect();
    try {
      MqttJsIT.exchangeWith(device, "ws://127.0.0.1:" + wsPort + "/mqtt", Map.of());
      MqttJsIT.exchangeWith(device, "wss://127.0.0.1:" + wssPort + "/mqtt",
          Map.of("NODE_EXTRA_CA_CERTS", serverCaFile.toAbsolutePath().toString()));
    } finally {
      device.disconnect();
    }
    assertThat(process.isAlive()).isTrue();
  }

  /** The port of a listener, from the start-up line the broker prints for it. */
  private int port(String listener) {
    Pattern line = Pattern.compile("listener " + listener + ": MQTT over \\S+ on 127\\.0\\.0\\.1:(\\d+)");
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("vela exited: " + output());
      }
      Matcher m = line.matcher(output());
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }, p -> p > 0);
  }

  private String output() throws IOException {
    Path file = dir.resolve("stdout.txt");
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
