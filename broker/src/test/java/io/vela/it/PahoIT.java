package io.vela.it;

import static io.vela.it.PubSubClients.WAIT;
import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Eclipse Paho mqttv3 speaking MQTT 3.1 (level 3) and 3.1.1 (level 4) to the broker. */
class PahoIT {

  static TestBroker broker;
  final List<MqttClient> created = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeClients() throws MqttException {
    for (MqttClient c : created) {
      if (c.isConnected()) {
        c.disconnect(1000);
      }
      c.close(true);
    }
  }

  /** One message as Paho delivered it. */
  record Arrived(String topic, String payload, int qos, boolean retained) {
  }

  /** A Paho client and everything it received. */
  record Paho(MqttClient client, LinkedBlockingQueue<Arrived> inbox, MqttConnectOptions options) {

    Arrived next() throws InterruptedException {
      Arrived a = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(a).as("a message within " + WAIT).isNotNull();
      return a;
    }

    void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
      client.publish(topic, utf8(payload), qos, retained);
    }
  }

  private Paho paho(int version, String clientId, boolean cleanSession) throws MqttException {
    MqttClient client = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
    created.add(client);
    LinkedBlockingQueue<Arrived> inbox = new LinkedBlockingQueue<>();
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
        // asserted through isConnected() where it matters
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        inbox.add(new Arrived(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(),
            message.isRetained()));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {
        // blocking publish already waits for it
      }
    });
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(version);
    options.setCleanSession(cleanSession);
    options.setAutomaticReconnect(false);
    options.setConnectionTimeout(5);
    options.setKeepAliveInterval(30);
    return new Paho(client, inbox, options);
  }

  private Paho connected(int version, String clientId) throws MqttException {
    Paho p = paho(version, clientId, true);
    p.client().connect(p.options());
    return p;
  }

  @DisplayName("[MQTT-4.5.0-1] Paho publishes and receives at QoS 0, 1 and 2")
  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
  void publishAndReceiveEveryQos(int version) throws Exception {
    String base = unique("paho");
    Paho sub = connected(version, unique("psub"));
    sub.client().subscribe(base + "/#", 2);
    Paho pub = connected(version, unique("ppub"));

    for (int qos = 0; qos <= 2; qos++) {
      pub.publish(base + "/q" + qos, "payload " + qos, qos, false);
    }

    for (int qos = 0; qos <= 2; qos++) {
      assertThat(sub.next()).isEqualTo(new Arrived(base + "/q" + qos, "payload " + qos, qos, false));
    }
  }

  @DisplayName("[MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-8] [MQTT-3.3.1-10] Paho: a retained message reaches a "
      + "later subscriber with RETAIN set; an empty retained message clears it")
  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
  void retained(int version) throws Exception {
    String topic = unique("paho-retained");
    Paho pub = connected(version, unique("ppub"));
    pub.publish(topic, "kept", 1, true);

    Paho first = connected(version, unique("psub"));
    first.client().subscribe(topic, 1);
    assertThat(first.next()).isEqualTo(new Arrived(topic, "kept", 1, true));

    pub.client().publish(topic, new byte[0], 1, true);
    Paho second = connected(version, unique("psub"));
    second.client().subscribe(topic, 1);
    pub.publish(topic, "live", 1, false);
    assertThat(second.next()).isEqualTo(new Arrived(topic, "live", 1, false));
  }

  @DisplayName("[MQTT-3.1.2-8] Paho: the will is published when the client drops the connection without "
      + "DISCONNECT")
  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
  void willOnForcedClose(int version) throws Exception {
    String willTopic = unique("paho-will");
    Paho watcher = connected(version, unique("pwatch"));
    watcher.client().subscribe(willTopic, 2);
    Paho dying = paho(version, unique("pdying"), true);
    dying.options().setWill(willTopic, utf8("paho is gone"), 1, false);
    dying.client().connect(dying.options());

    dying.client().disconnectForcibly(0, 1000, false);

    assertThat(watcher.next()).isEqualTo(new Arrived(willTopic, "paho is gone", 1, false));
  }

  @DisplayName("[MQTT-3.1.2-4] [MQTT-3.1.2-5] Paho with CleanSession=0 gets the QoS 1 message published while it "
      + "was offline")
  @ParameterizedTest(name = "MQTT {0}")
  @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
  void persistentSessionReceivesQueuedMessages(int version) throws Exception {
    String topic = unique("paho-offline");
    Paho sub = paho(version, unique("ppers"), false);
    assertThat(sub.client().connectWithResult(sub.options()).getSessionPresent()).isFalse();
    sub.client().subscribe(topic, 1);
    sub.client().disconnect(1000);

    Paho pub = connected(version, unique("ppub"));
    pub.publish(topic, "while you were away", 1, false);
    boolean present = sub.client().connectWithResult(sub.options()).getSessionPresent();

    assertThat(sub.next()).isEqualTo(new Arrived(topic, "while you were away", 1, false));
    // MQTT 3.1 has no Session Present flag: it is always 0 there
    assertThat(present).isEqualTo(version == MqttConnectOptions.MQTT_VERSION_3_1_1);
  }
}
