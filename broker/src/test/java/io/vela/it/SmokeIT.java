package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeIT {

  static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void aMqtt5SubscriberReceivesWhatAPublisherSends() throws Exception {
    Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("smoke-sub").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("smoke-pub").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    sub.connect();
    pub.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter("smoke/+").qos(MqttQos.EXACTLY_ONCE).send();
      pub.publishWith().topic("smoke/1").qos(MqttQos.AT_LEAST_ONCE).payload("hi".getBytes(StandardCharsets.UTF_8))
          .send();
      Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(got.getTopic().toString()).isEqualTo("smoke/1");
      assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
      assertThat(got.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
    } finally {
      pub.disconnect();
      sub.disconnect();
    }
  }
}
