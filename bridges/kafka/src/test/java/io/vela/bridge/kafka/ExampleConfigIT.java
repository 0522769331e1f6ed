package io.vela.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.VelaBroker;
import io.vela.config.ConfigLoader;
import io.vela.config.VelaConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** conf/examples/kafka-bridge.yaml, as shipped, against a real Kafka. */
class ExampleConfigIT {

  @Test
  void theExampleBridgesTelemetryToKafkaAndCommandsFromKafka() throws Exception {
    KafkaTestServer kafka = KafkaTestServer.shared();
    Path example = Path.of(System.getProperty("user.dir")).resolve("../../conf/examples/kafka-bridge.yaml");
    VelaConfig config = ConfigLoader.parse(Files.readString(example), example.toString(),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
    config.listeners.get("tcp").bind = "127.0.0.1";
    config.listeners.get("tcp").port = 0;
    config.eventLoops = 2;
    VelaBroker broker = VelaBroker.start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    try {
      int port = broker.port("tcp");
      Mqtt5BlockingClient device = Mqtt5Client.builder().identifier("device-42").serverHost("127.0.0.1")
          .serverPort(port).buildBlocking();
      device.connect();
      device.subscribeWith().topicFilter("commands/device-42").qos(MqttQos.AT_LEAST_ONCE).send();
      device.publishWith().topic("telemetry/device-42/temp").qos(MqttQos.AT_LEAST_ONCE)
          .payload("21.5".getBytes(StandardCharsets.UTF_8)).send();
      List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.readUntil(kafka.bootstrapServers(),
          "mqtt.telemetry", l -> !l.isEmpty(), Duration.ofSeconds(90));
      assertThat(records).hasSize(1);
      assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("device-42");
      assertThat(new String(records.get(0).headers().lastHeader("mqtt_topic").value(), StandardCharsets.UTF_8))
          .isEqualTo("telemetry/device-42/temp");
      assertThat(records.get(0).value()).isEqualTo("21.5".getBytes(StandardCharsets.UTF_8));

      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = device.publishes(MqttGlobalPublishFilter.ALL)) {
        // start-offset latest: the consumer must have its partition before the command is written
        Optional<Mqtt5Publish> command = Optional.empty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (command.isEmpty() && System.nanoTime() < deadline) {
          KafkaRecords.write(kafka.bootstrapServers(), "mqtt.commands", "device-42".getBytes(StandardCharsets.UTF_8),
              "reboot".getBytes(StandardCharsets.UTF_8));
          command = publishes.receive(5, TimeUnit.SECONDS);
        }
        assertThat(command).isPresent();
        assertThat(command.get().getTopic().toString()).isEqualTo("commands/device-42");
        assertThat(command.get().getPayloadAsBytes()).isEqualTo("reboot".getBytes(StandardCharsets.UTF_8));
      }
      device.disconnect();
    } finally {
      broker.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
