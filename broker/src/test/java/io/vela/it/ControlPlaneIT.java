package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.vela.bus.Addresses;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The event-bus control plane. */
class ControlPlaneIT {

  static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static boolean kick(String clientId) throws Exception {
    return broker.broker().vertx().eventBus().<Boolean>request(Addresses.CLIENT_KICK, clientId)
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
  }

  @Test
  @DisplayName("a kick on the event bus disconnects an MQTT 5 client with 0x98 Administrative action")
  void kickDisconnectsWithAdministrativeAction() throws Exception {
    AtomicReference<Throwable> cause = new AtomicReference<>();
    Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("kick-me").serverHost(broker.host())
        .serverPort(broker.port())
        .addDisconnectedListener(ctx -> cause.compareAndSet(null, ctx.getCause()))
        .buildBlocking();
    client.connect();
    assertThat(kick("kick-me")).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> cause.get() != null);
    assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
    assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonCode())
        .isEqualTo(Mqtt5DisconnectReasonCode.ADMINISTRATIVE_ACTION);
  }

  @Test
  void kickingAnUnknownClientAnswersFalse() throws Exception {
    assertThat(kick("nobody-here")).isFalse();
  }
}
