package io.vela.it;

import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.vela.api.ManagedComponent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The extension SPI end to end: an extension found on the class path ({@link EchoExtension}) gets its config section,
 * subscribes through the broker's own routing, publishes as the broker and shows up as a managed component; clients
 * are real MQTT 5 clients.
 */
class ExtensionIT {

  static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start(c -> c.extensions.put("test-echo",
        new JsonObject().put("filter", "ext/in/#").put("prefix", "echoed/")));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  @DisplayName("a client's PUBLISH reaches the extension's subscriber and what the extension publishes reaches clients")
  void routesBothWays() {
    try (PubSubClients clients = new PubSubClients(broker)) {
      Mqtt5BlockingClient sub = clients.v5Connected(PubSubClients.unique("ext-sub"));
      PubSubClients.Inbox inbox = PubSubClients.inbox(sub);
      sub.subscribeWith().topicFilter("echoed/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = clients.v5Connected(PubSubClients.unique("ext-pub"));
      pub.publishWith().topic("ext/in/a").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("one")).send();
      pub.publishWith().topic("ext/other").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("not for it")).send();
      pub.publishWith().topic("ext/in/b/c").qos(MqttQos.AT_MOST_ONCE).payload(utf8("two")).send();

      PubSubClients.Received first = inbox.next();
      PubSubClients.Received second = inbox.next();
      assertThat(List.of(first.topic(), second.topic())).containsExactly("echoed/ext/in/a", "echoed/ext/in/b/c");
      assertThat(first.text()).isEqualTo("one");
      assertThat(first.qos()).isEqualTo(1);
      assertThat(second.qos()).isZero();
    }
  }

  @Test
  @DisplayName("the extension is a managed component whose stop and start take effect on routing")
  void componentStopsAndStarts() throws Exception {
    List<ManagedComponent> components = broker.broker().context().components();
    assertThat(components).extracting(ManagedComponent::name).containsExactly("echo");
    ManagedComponent echo = components.get(0);
    assertThat(echo.status().getString("state")).isEqualTo("running");
    try (PubSubClients clients = new PubSubClients(broker)) {
      Mqtt5BlockingClient sub = clients.v5Connected(PubSubClients.unique("ext-sub"));
      PubSubClients.Inbox inbox = PubSubClients.inbox(sub);
      sub.subscribeWith().topicFilter("echoed/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = clients.v5Connected(PubSubClients.unique("ext-pub"));

      echo.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(echo.status().getString("state")).isEqualTo("stopped");
      long before = echo.status().getLong("echoed");
      pub.publishWith().topic("ext/in/while-stopped").qos(MqttQos.AT_LEAST_ONCE).send();
      List<PubSubClients.Received> got = inbox.settle("marker",
          () -> pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).send());
      assertThat(got).isEmpty();
      assertThat(echo.status().getLong("echoed")).isEqualTo(before);

      echo.start().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      pub.publishWith().topic("ext/in/again").qos(MqttQos.AT_LEAST_ONCE).send();
      assertThat(inbox.next().topic()).isEqualTo("echoed/ext/in/again");
      await().atMost(PubSubClients.WAIT).until(() -> echo.status().getLong("echoed") == before + 1);
    }
  }

  @Test
  @DisplayName("an invalid filter from an extension is refused with IllegalArgumentException, not routed")
  void invalidFilterRefused() {
    EchoExtension other = new EchoExtension();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> broker.broker().context()
            .subscribe(other, "bad/#/filter", io.vela.api.SubscriptionOptions.qos(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad/#/filter");
  }
}
