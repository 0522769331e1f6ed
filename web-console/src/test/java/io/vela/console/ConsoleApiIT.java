package io.vela.console;

import static io.vela.console.ConsoleBroker.ADMIN_KEY;
import static io.vela.console.ConsoleBroker.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The REST API over real HTTP (java.net.http) against a broker in this JVM, with real MQTT 5 clients (HiveMQ client)
 * so that clients, sessions, subscriptions and retained messages exist.
 */
class ConsoleApiIT {

  static ConsoleBroker broker;
  final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    broker = ConsoleBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @AfterEach
  void disconnect() {
    for (Mqtt5BlockingClient c : clients) {
      if (c.getState().isConnected()) {
        c.disconnect();
      }
    }
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  Mqtt5BlockingClient client(String id) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
        .serverPort(broker.mqttPort()).buildBlocking();
    clients.add(c);
    return c;
  }

  Mqtt5BlockingClient connected(String id) {
    Mqtt5BlockingClient c = client(id);
    c.connect();
    return c;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static List<String> ids(JsonObject page, String field) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("data").forEach(o -> out.add(((JsonObject) o).getString(field)));
    return out;
  }

  @Test
  @DisplayName("a connected client is listed with its details and subscriptions, found by search, paged, and kicked")
  void clientsListDetailsKick() {
    String prefix = unique("api-client");
    Mqtt5BlockingClient a = connected(prefix + "-a");
    connected(prefix + "-b");
    connected(prefix + "-c");
    a.subscribeWith().topicFilter("sensors/+/temp").qos(MqttQos.AT_LEAST_ONCE).send();

    HttpResponse<String> list = broker.get("/api/v1/clients?q=" + prefix, ADMIN_KEY);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonObject page = json(list);
    assertThat(ids(page, "clientId")).containsExactly(prefix + "-a", prefix + "-b", prefix + "-c");
    assertThat(page.getJsonObject("meta").getInteger("count")).isEqualTo(3);

    JsonObject second = json(broker.get("/api/v1/clients?q=" + prefix + "&limit=2&page=2", ADMIN_KEY));
    assertThat(ids(second, "clientId")).containsExactly(prefix + "-c");
    assertThat(second.getJsonObject("meta").getInteger("count")).isEqualTo(3);

    JsonObject details = json(broker.get("/api/v1/clients/" + enc(prefix + "-a"), ADMIN_KEY));
    assertThat(details.getBoolean("connected")).isTrue();
    assertThat(details.getString("protocol")).isEqualTo("5.0");
    assertThat(details.getString("remoteAddress")).contains("127.0.0.1");
    assertThat(details.getString("connectedAt")).isNotNull();
    assertThat(details.getJsonArray("subscriptions")).hasSize(1);
    assertThat(details.getJsonArray("subscriptions").getJsonObject(0).getString("filter"))
        .isEqualTo("sensors/+/temp");
    assertThat(details.getJsonArray("subscriptions").getJsonObject(0).getInteger("qos")).isEqualTo(1);

    JsonObject subs = json(broker.get("/api/v1/subscriptions?clientId=" + enc(prefix + "-a"), ADMIN_KEY));
    assertThat(ids(subs, "filter")).containsExactly("sensors/+/temp");

    HttpResponse<String> kick = broker.call("POST", "/api/v1/clients/" + enc(prefix + "-b") + "/kick", ADMIN_KEY,
        null);
    assertThat(kick.statusCode()).isEqualTo(200);
    Mqtt5BlockingClient b = clients.get(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> b.getState() == MqttClientState.DISCONNECTED);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        ids(json(broker.get("/api/v1/clients?q=" + prefix, ADMIN_KEY)), "clientId")
            .equals(List.of(prefix + "-a", prefix + "-c")));

    HttpResponse<String> again = broker.call("POST", "/api/v1/clients/" + enc(prefix + "-b") + "/kick",
        ADMIN_KEY, null);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(again).getString("detail")).contains(prefix + "-b");
    assertThat(broker.get("/api/v1/clients/nobody-" + prefix, ADMIN_KEY).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("an offline persistent session is listed under /sessions (not /clients) and can be deleted")
  void offlineSessions() throws Exception {
    String id = unique("api-persistent");
    Mqtt5BlockingClient c = client(id);
    c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
    c.subscribeWith().topicFilter("offline/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
    c.disconnect();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        !json(broker.get("/api/v1/sessions?q=" + id, ADMIN_KEY)).getJsonArray("data").isEmpty()
            && !json(broker.get("/api/v1/sessions?q=" + id, ADMIN_KEY)).getJsonArray("data").getJsonObject(0)
            .getBoolean("connected"));
    assertThat(json(broker.get("/api/v1/clients?q=" + id, ADMIN_KEY)).getJsonArray("data")).isEmpty();
    assertThat(json(broker.get("/api/v1/clients?q=" + id + "&connected=false", ADMIN_KEY))
        .getJsonArray("data")).hasSize(1);

    // a message for the offline session is queued
    broker.call("POST", "/api/v1/publish", ADMIN_KEY, new JsonObject().put("topic", "offline/" + id)
        .put("payload", "while away").put("qos", 1));
    JsonObject session = json(broker.get("/api/v1/clients/" + enc(id), ADMIN_KEY));
    assertThat(session.getInteger("queued")).isEqualTo(1);
    assertThat(session.getLong("sessionExpirySeconds")).isEqualTo(3600);

    assertThat(broker.call("DELETE", "/api/v1/sessions/" + enc(id), ADMIN_KEY, null).statusCode()).isEqualTo(204);
    assertThat(broker.get("/api/v1/clients/" + enc(id), ADMIN_KEY).statusCode()).isEqualTo(404);
    assertThat(broker.call("DELETE", "/api/v1/sessions/" + enc(id), ADMIN_KEY, null).statusCode()).isEqualTo(404);

    // the client comes back to a fresh session: nothing queued, session not present
    Mqtt5BlockingClient back = client(id);
    assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent()).isFalse();
  }

  @Test
  @DisplayName("retained messages: listed, read with payload (topic URL-encoded), cleared")
  void retained() {
    String topic = "api-retained/" + unique("t") + "/state";
    Mqtt5BlockingClient pub = connected(unique("api-ret-pub"));
    pub.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE)
        .payload("on".getBytes(StandardCharsets.UTF_8)).send();

    JsonObject list = json(broker.get("/api/v1/retained?q=" + enc(topic), ADMIN_KEY));
    assertThat(ids(list, "topic")).containsExactly(topic);
    JsonObject one = json(broker.get("/api/v1/retained/" + enc(topic), ADMIN_KEY));
    assertThat(one.getString("payloadText")).isEqualTo("on");
    assertThat(one.getString("payloadBase64")).isEqualTo("b24=");
    assertThat(one.getInteger("qos")).isEqualTo(1);

    assertThat(broker.call("DELETE", "/api/v1/retained/" + enc(topic), ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    assertThat(broker.get("/api/v1/retained/" + enc(topic), ADMIN_KEY).statusCode()).isEqualTo(404);
    // a new subscriber gets nothing retained
    Mqtt5BlockingClient sub = connected(unique("api-ret-sub"));
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter(topic).send();
      sub.subscribeWith().topicFilter("marker/" + topic).send();
      pub.publishWith().topic("marker/" + topic).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt5Publish> first = publishes.receive(20, TimeUnit.SECONDS);
      assertThat(first).isPresent();
      assertThat(first.get().getTopic().toString()).isEqualTo("marker/" + topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @DisplayName("POST /publish reaches an MQTT subscriber (UTF-8 and base64 payloads, retain)")
  void publish() throws Exception {
    String topic = "api-publish/" + unique("t");
    Mqtt5BlockingClient sub = connected(unique("api-pub-sub"));
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter(topic + "/#").qos(MqttQos.EXACTLY_ONCE).send();
      HttpResponse<String> r = broker.call("POST", "/api/v1/publish", ADMIN_KEY, new JsonObject()
          .put("topic", topic + "/text").put("payload", "héllo").put("qos", 2));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r).getInteger("delivered")).isEqualTo(1);
      broker.call("POST", "/api/v1/publish", ADMIN_KEY, new JsonObject().put("topic", topic + "/bin")
          .put("payload", "AAEC").put("encoding", "base64").put("retain", true));

      Mqtt5Publish text = publishes.receive(20, TimeUnit.SECONDS).orElseThrow();
      assertThat(text.getTopic().toString()).isEqualTo(topic + "/text");
      assertThat(new String(text.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("héllo");
      assertThat(text.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
      Mqtt5Publish bin = publishes.receive(20, TimeUnit.SECONDS).orElseThrow();
      assertThat(bin.getPayloadAsBytes()).containsExactly(0, 1, 2);
    }
    assertThat(json(broker.get("/api/v1/retained/" + enc(topic + "/bin"), ADMIN_KEY)).getString("payloadBase64"))
        .isEqualTo("AAEC");
  }

  @Test
  @DisplayName("bad input is a 400 problem naming the field")
  void badInput() {
    record Case(JsonObject body, String field) {
    }
    List<Case> cases = List.of(
        new Case(new JsonObject().put("payload", "x"), "topic"),
        new Case(new JsonObject().put("topic", "a/+/b"), "topic"),
        new Case(new JsonObject().put("topic", "a").put("qos", 3), "qos"),
        new Case(new JsonObject().put("topic", "a").put("qos", "1"), "qos"),
        new Case(new JsonObject().put("topic", "a").put("retain", "yes"), "retain"),
        new Case(new JsonObject().put("topic", "a").put("encoding", "hex"), "encoding"),
        new Case(new JsonObject().put("topic", "a").put("encoding", "base64").put("payload", "***"), "payload"));
    for (Case c : cases) {
      HttpResponse<String> r = broker.call("POST", "/api/v1/publish", ADMIN_KEY, c.body());
      assertThat(r.statusCode()).as(c.body().encode()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonObject p = json(r);
      assertThat(p.getString("field")).as(c.body().encode()).isEqualTo(c.field());
      assertThat(p.getInteger("status")).isEqualTo(400);
      assertThat(p.getString("detail")).contains(c.field());
    }
    HttpResponse<String> notJson = broker.send(broker.request("/api/v1/publish")
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{topic:")).build());
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).getString("field")).isEqualTo("body");
    HttpResponse<String> badPage = broker.get("/api/v1/clients?limit=0", ADMIN_KEY);
    assertThat(badPage.statusCode()).isEqualTo(400);
    assertThat(json(badPage).getString("field")).isEqualTo("limit");
    HttpResponse<String> badBan = broker.call("POST", "/api/v1/bans", ADMIN_KEY,
        new JsonObject().put("kind", "ip").put("value", "not-an-ip"));
    assertThat(badBan.statusCode()).isEqualTo(400);
    assertThat(json(badBan).getString("field")).isEqualTo("value");
    HttpResponse<String> unknown = broker.get("/api/v1/nothing-here", ADMIN_KEY);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  @DisplayName("a client-id ban disconnects the client and refuses it until the ban is lifted")
  void bans() {
    String id = unique("api-banned");
    Mqtt5BlockingClient c = connected(id);
    HttpResponse<String> add = broker.call("POST", "/api/v1/bans", ADMIN_KEY, new JsonObject()
        .put("kind", "client-id").put("value", id).put("reason", "test").put("durationSeconds", 3600));
    assertThat(add.statusCode()).isEqualTo(201);
    assertThat(json(add).getString("expiresAt")).isNotNull();
    await().atMost(Duration.ofSeconds(20)).until(() -> c.getState() == MqttClientState.DISCONNECTED);
    assertThat(ids(json(broker.get("/api/v1/bans", ADMIN_KEY)), "value")).contains(id);
    Mqtt5BlockingClient again = client(id);
    try {
      again.connect();
      throw new AssertionError("a banned client id connected");
    } catch (Mqtt5ConnAckException e) {
      assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x8A);
    }

    HttpResponse<String> cidr = broker.call("POST", "/api/v1/bans", ADMIN_KEY, new JsonObject()
        .put("kind", "cidr").put("value", "203.0.113.0/24"));
    assertThat(cidr.statusCode()).isEqualTo(201);
    assertThat(broker.call("DELETE", "/api/v1/bans/cidr/" + enc("203.0.113.0/24"), ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    assertThat(broker.call("DELETE", "/api/v1/bans/client-id/" + enc(id), ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    assertThat(broker.call("DELETE", "/api/v1/bans/client-id/" + enc(id), ADMIN_KEY, null).statusCode())
        .isEqualTo(404);
    client(id).connect();
  }

  @Test
  @DisplayName("listeners show their bound ports; broker info and stats answer")
  void listenersAndInfo() {
    JsonArray listeners = json(broker.get("/api/v1/listeners", ADMIN_KEY)).getJsonArray("data");
    assertThat(listeners).hasSize(2);
    JsonObject tcp = listeners.getJsonObject(0);
    assertThat(tcp.getString("name")).isEqualTo("tcp");
    assertThat(tcp.getInteger("port")).isEqualTo(broker.mqttPort());
    assertThat(tcp.getString("state")).isEqualTo("running");
    JsonObject ws = listeners.getJsonObject(1);
    assertThat(ws.getString("type")).isEqualTo("ws");
    assertThat(ws.getInteger("port")).isEqualTo(broker.wsPort());
    assertThat(ws.getString("path")).isEqualTo("/mqtt");
    connected(unique("api-listener"));
    await().atMost(Duration.ofSeconds(20)).until(() -> json(broker.get("/api/v1/listeners", ADMIN_KEY))
        .getJsonArray("data").getJsonObject(0).getInteger("connections") >= 1);
    // traffic per listener: a PUBLISH over tcp counts on tcp only
    long tcpIn = tcp.getLong("messagesIn");
    long wsIn = ws.getLong("messagesIn");
    Mqtt5BlockingClient pub = connected(unique("api-listener-pub"));
    pub.publishWith().topic("listeners/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[10]).send();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonArray now = json(broker.get("/api/v1/listeners", ADMIN_KEY)).getJsonArray("data");
      assertThat(now.getJsonObject(0).getLong("messagesIn")).isEqualTo(tcpIn + 1);
      assertThat(now.getJsonObject(0).getLong("bytesIn")).isGreaterThan(tcp.getLong("bytesIn"));
      assertThat(now.getJsonObject(1).getLong("messagesIn")).isEqualTo(wsIn);
    });

    JsonObject info = json(broker.get("/api/v1/broker", ADMIN_KEY));
    assertThat(info.getString("name")).isEqualTo("vela");
    assertThat(info.getBoolean("started")).isTrue();
    connected(unique("api-stats"));
    JsonObject stats = json(broker.get("/api/v1/stats", ADMIN_KEY));
    assertThat(stats.getLong("connections")).isPositive();
    assertThat(stats.getLong("connectionsTotal")).isGreaterThanOrEqualTo(stats.getLong("connections"));
  }

  /** A component the test steers (the Kafka bridge registers the same way). */
  @Test
  @DisplayName("bridges: status listed, stopped and started through the API")
  void bridges() {
    FakeBridge bridge = new FakeBridge("test-bridge", new JsonObject().put("forwarded", 7L));
    broker.broker.context().register(bridge);
    try {
      JsonObject list = json(broker.get("/api/v1/bridges", ADMIN_KEY));
      assertThat(ids(list, "name")).containsExactly("test-bridge");
      assertThat(list.getJsonArray("data").getJsonObject(0).getJsonObject("status").getLong("forwarded"))
          .isEqualTo(7);
      HttpResponse<String> stop = broker.call("POST", "/api/v1/bridges/test-bridge/stop", ADMIN_KEY, null);
      assertThat(stop.statusCode()).isEqualTo(200);
      assertThat(json(stop).getString("state")).isEqualTo("stopped");
      assertThat(bridge.state).isEqualTo("stopped");
      assertThat(json(broker.call("POST", "/api/v1/bridges/test-bridge/start", ADMIN_KEY, null)).getString("state"))
          .isEqualTo("running");
      assertThat(broker.call("POST", "/api/v1/bridges/nope/start", ADMIN_KEY, null).statusCode()).isEqualTo(404);
    } finally {
      broker.broker.context().unregister("test-bridge");
    }
  }
}
