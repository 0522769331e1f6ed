package io.vela.it;

import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.vela.VelaBroker;
import io.vela.config.ConfigLoader;
import io.vela.config.VelaConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * docs/authentication.md, "Worked example: Keycloak", against a real Keycloak (26.7.3, started once for this class by
 * {@link KeycloakServer}): the realm is the one the page describes (client {@code mqtt-broker} as the audience,
 * device clients with the client credentials grant, an Audience mapper and an {@code mqtt_acl} claim mapper), Vela
 * runs in this JVM with the YAML block of that section read from the page itself, and every token comes from
 * Keycloak's token endpoint. What is asserted is what a user checks: the device connects with the token as its
 * password (MQTT 5 and 3.1.1), the claim's rules allow and deny with the documented reason codes, a token for
 * another audience is refused, and a key rotated through the admin REST API is picked up without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakIT {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(KeycloakIT.class);

  static final String REALM = "iot";
  /** The value of the mqtt_acl claim in the docs (step 3); the test checks the page still shows it. */
  static final String ACL_CLAIM = "[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"devices/${clientid}/#\"}]";
  /** Where the page's YAML names the issuer; replaced by the test Keycloak's address. */
  static final String DOCS_HOST = "https://keycloak.example.com";

  static final String BROKER_SECRET = UUID.randomUUID().toString();
  /**
   * Client id → secret: device-1 (Hardcoded claim), device-2 (User Attribute), device-text (Claim JSON Type String,
   * the mistake), other-app (no Audience mapper).
   */
  static final Map<String, String> SECRETS = Map.of("device-1", UUID.randomUUID().toString(),
      "device-2", UUID.randomUUID().toString(), "device-text", UUID.randomUUID().toString(),
      "other-app", UUID.randomUUID().toString());

  static KeycloakServer keycloak;
  static VelaBroker broker;
  static String docsYaml;
  static long brokerStartedNanos;
  static int minRefetchSeconds;
  static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  static long classStartNanos;
  static long keycloakReadyNanos;

  @BeforeAll
  static void start() throws Exception {
    classStartNanos = System.nanoTime();
    docsYaml = keycloakSection();
    LOGS.start();
    root().addAppender(LOGS);
    long timeout = Long.getLong("keycloak.start-timeout-seconds", 360);
    keycloak = KeycloakServer.start(realm(), Duration.ofSeconds(timeout));
    keycloakReadyNanos = System.nanoTime();
    LOG.info("Keycloak ready after {} s", TimeUnit.NANOSECONDS.toSeconds(keycloakReadyNanos - classStartNanos));
    VelaConfig config = docsConfig(Map.of());
    minRefetchSeconds = config.auth.providers.get("keycloak").jwksMinRefetchSeconds;
    broker = VelaBroker.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    brokerStartedNanos = System.nanoTime();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (broker != null) {
        broker.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      root().detachAppender(LOGS);
      if (keycloak != null) {
        List<ProcessHandle> tree = keycloak.processTree();
        keycloak.close();
        assertThat(tree).as("Keycloak's processes after close").noneMatch(ProcessHandle::isAlive);
        assertThat(KeycloakServer.home().resolve("data")).as("the run's Keycloak data").doesNotExist();
      }
      LOG.info("whole class {} s", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - classStartNanos));
    }
  }

  static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  // ---------------------------------------------------------------- the docs' setup

  /** The "Worked example: Keycloak" section of docs/authentication.md. */
  static String docsSection() throws Exception {
    String md = Files.readString(Path.of("..", "docs", "authentication.md"));
    int from = md.indexOf("#### Worked example: Keycloak");
    assertThat(from).as("docs/authentication.md has the Keycloak section").isPositive();
    int to = md.indexOf("\n#### ", from + 1);
    return md.substring(from, to < 0 ? md.length() : to);
  }

  /** The YAML block of that section, exactly as a user would copy it. */
  static String keycloakSection() throws Exception {
    String section = docsSection();
    assertThat(section).as("the docs show the claim value the realm uses").contains(ACL_CLAIM);
    assertThat(section).as("the docs name this test").contains("KeycloakIT");
    int start = section.indexOf("```yaml\n");
    assertThat(start).as("a YAML block in the Keycloak section").isPositive();
    start += "```yaml\n".length();
    String yaml = section.substring(start, section.indexOf("```", start));
    assertThat(yaml).contains(DOCS_HOST + "/realms/" + REALM);
    return yaml;
  }

  /**
   * The docs' YAML with the issuer host replaced by the test Keycloak and the default TCP listener moved to a free
   * port of 127.0.0.1 (environment overrides, as a deployment would do), plus {@code env}.
   */
  static VelaConfig docsConfig(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("VELA_LISTENERS__TCP__BIND", "127.0.0.1");
    all.put("VELA_LISTENERS__TCP__PORT", "0");
    VelaConfig config = ConfigLoader.parse(docsYaml.replace(DOCS_HOST, keycloak.baseUrl()),
        "docs/authentication.md (Worked example: Keycloak)", all);
    config.eventLoops = 2;
    config.shutdownTimeoutSeconds = 5;
    return config;
  }

  /**
   * Realm {@code iot} as the docs set it up: {@code mqtt-broker} only names the audience (confidential, so its
   * credentials also serve introspection); device-1 gets the ACL from a Hardcoded claim mapper, device-2 from a User
   * Attribute mapper reading its service-account user; other-app has the same claim but no Audience mapper.
   */
  static JsonObject realm() {
    JsonArray clients = new JsonArray()
        .add(client("mqtt-broker", BROKER_SECRET, false, new JsonArray()))
        .add(client("device-1", SECRETS.get("device-1"), true, new JsonArray()
            .add(audienceMapper())
            .add(mapper("mqtt_acl", "oidc-hardcoded-claim-mapper", new JsonObject()
                .put("claim.name", "mqtt_acl").put("claim.value", ACL_CLAIM).put("jsonType.label", "JSON")
                .put("access.token.claim", "true").put("id.token.claim", "false")))))
        .add(client("device-2", SECRETS.get("device-2"), true, new JsonArray()
            .add(audienceMapper())
            .add(mapper("mqtt_acl", "oidc-usermodel-attribute-mapper", new JsonObject()
                .put("user.attribute", "mqtt_acl").put("claim.name", "mqtt_acl").put("jsonType.label", "JSON")
                .put("access.token.claim", "true").put("id.token.claim", "false")))))
        .add(client("device-text", SECRETS.get("device-text"), true, new JsonArray()
            .add(audienceMapper())
            .add(mapper("mqtt_acl", "oidc-hardcoded-claim-mapper", new JsonObject()
                .put("claim.name", "mqtt_acl").put("claim.value", ACL_CLAIM).put("jsonType.label", "String")
                .put("access.token.claim", "true")))))
        .add(client("other-app", SECRETS.get("other-app"), true, new JsonArray()
            .add(mapper("mqtt_acl", "oidc-hardcoded-claim-mapper", new JsonObject()
                .put("claim.name", "mqtt_acl").put("claim.value", ACL_CLAIM).put("jsonType.label", "JSON")
                .put("access.token.claim", "true")))));
    JsonArray users = new JsonArray().add(new JsonObject()
        .put("username", "service-account-device-2").put("enabled", true)
        .put("serviceAccountClientId", "device-2")
        .put("attributes", new JsonObject().put("mqtt_acl", new JsonArray().add(ACL_CLAIM))));
    return new JsonObject().put("realm", REALM).put("enabled", true).put("clients", clients).put("users", users);
  }

  static JsonObject client(String id, String secret, boolean serviceAccount, JsonArray mappers) {
    return new JsonObject().put("clientId", id).put("enabled", true).put("protocol", "openid-connect")
        .put("publicClient", false).put("secret", secret).put("serviceAccountsEnabled", serviceAccount)
        .put("standardFlowEnabled", false).put("directAccessGrantsEnabled", false)
        .put("protocolMappers", mappers);
  }

  static JsonObject audienceMapper() {
    return mapper("audience mqtt-broker", "oidc-audience-mapper", new JsonObject()
        .put("included.client.audience", "mqtt-broker").put("access.token.claim", "true")
        .put("id.token.claim", "false"));
  }

  static JsonObject mapper(String name, String type, JsonObject config) {
    return new JsonObject().put("name", name).put("protocol", "openid-connect").put("protocolMapper", type)
        .put("config", config);
  }

  // ---------------------------------------------------------------- tokens and clients

  static String token(String clientId) throws Exception {
    return keycloak.clientCredentialsToken(REALM, clientId, SECRETS.get(clientId));
  }

  static JsonObject part(String jwt, int i) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]), StandardCharsets.UTF_8));
  }

  static List<String> audiences(JsonObject claims) {
    Object aud = claims.getValue("aud");
    if (aud instanceof JsonArray a) {
      return a.stream().map(String::valueOf).toList();
    }
    return aud == null ? List.of() : List.of(String.valueOf(aud));
  }

  /** The realm's signature keys now (JWKS entries with use=sig), by kid. */
  static Set<String> signatureKids() throws Exception {
    JsonArray keys = keycloak.getJson("/realms/" + REALM + "/protocol/openid-connect/certs").getJsonArray("keys");
    return keys.stream().map(JsonObject.class::cast).filter(k -> "sig".equals(k.getString("use")))
        .map(k -> k.getString("kid")).collect(Collectors.toSet());
  }

  static Mqtt5BlockingClient v5(VelaBroker b, String clientId) {
    return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
        .serverPort(b.port("tcp")).buildBlocking();
  }

  static Mqtt5BlockingClient connectedV5(VelaBroker b, String clientId, String token) {
    Mqtt5BlockingClient c = v5(b, clientId);
    assertThat(c.connectWith().simpleAuth().password(utf8(token)).applySimpleAuth().send().getReasonCode())
        .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    return c;
  }

  static Mqtt5ConnAckReasonCode connectCode(VelaBroker b, String token) {
    Mqtt5BlockingClient c = v5(b, unique("kc"));
    try {
      Mqtt5ConnAckReasonCode code = c.connectWith().simpleAuth().password(utf8(token)).applySimpleAuth().send()
          .getReasonCode();
      c.disconnect();
      return code;
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  /**
   * The claim's rules on a connected MQTT 5 client: its own devices/ID/ tree works end to end (subscribe, publish
   * QoS 1, the message comes back), another device's is denied: PUBACK 0x87 and SUBACK 0x87.
   */
  static void ownTreeOnly(Mqtt5BlockingClient c, String id) throws Exception {
    assertThat(c.subscribeWith().topicFilter("devices/" + id + "/#").qos(MqttQos.AT_LEAST_ONCE).send()
        .getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    try (var publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
      assertThat(pubAck(c.publishWith().topic("devices/" + id + "/up").qos(MqttQos.AT_LEAST_ONCE)
          .payload(utf8("22.5")).send())).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      var got = publishes.receive(10, TimeUnit.SECONDS);
      assertThat(got).as("the allowed message, routed back to the subscription").isPresent();
      assertThat(got.get().getTopic().toString()).isEqualTo("devices/" + id + "/up");
      assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("22.5");
    }
    assertThatThrownBy(() -> c.publishWith().topic("devices/someone-else/up").qos(MqttQos.AT_LEAST_ONCE)
        .payload(utf8("x")).send())
        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e ->
            assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
    assertThatThrownBy(() -> c.subscribeWith().topicFilter("devices/someone-else/#").send())
        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e ->
            assertThat(e.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
    assertThatThrownBy(() -> c.subscribeWith().topicFilter("devices/#").send()).as("a filter wider than the rule")
        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e ->
            assertThat(e.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
  }

  static Mqtt5PubAckReasonCode pubAck(Mqtt5PublishResult result) {
    assertThat(result).isInstanceOf(Mqtt5PublishResult.Mqtt5Qos1Result.class);
    return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode();
  }

  static List<ILoggingEvent> logged() {
    synchronized (LOGS) {
      return new ArrayList<>(LOGS.list);
    }
  }

  // ---------------------------------------------------------------- what a user checks

  @Test
  @Order(1)
  @DisplayName("the docs' YAML against Keycloak's discovery: the broker loads exactly the realm's signature key(s) "
      + "(the RSA-OAEP encryption key is skipped) and logs no warning")
  void docsConfigLoadsTheRealmKeys() throws Exception {
    JsonObject jwks = keycloak.getJson("/realms/" + REALM + "/protocol/openid-connect/certs");
    assertThat(jwks.getJsonArray("keys").stream().map(JsonObject.class::cast))
        .as("Keycloak's JWKS lists an encryption key").anyMatch(k -> "enc".equals(k.getString("use"))
            && "RSA-OAEP".equals(k.getString("alg")));
    Set<String> sig = signatureKids();
    String enc = jwks.getJsonArray("keys").stream().map(JsonObject.class::cast)
        .filter(k -> "enc".equals(k.getString("use"))).findFirst().orElseThrow().getString("kid");
    List<String> loaded = logged().stream().filter(e -> e.getLoggerName().equals("io.vela.auth.JwksVerifier"))
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("auth provider keycloak:")).toList();
    assertThat(loaded).as("key-set loads at start").hasSize(1);
    assertThat(loaded.get(0)).contains(sig.size() + " key(s) loaded from " + keycloak.baseUrl() + "/realms/"
        + REALM + "/protocol/openid-connect/certs (discovery)").contains(sig).doesNotContain(enc);
    assertThat(logged()).as("warnings of the auth code (Vela's and vertx-auth's) while starting against Keycloak")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && (e.getLoggerName().startsWith("io.vela.auth.")
            || e.getLoggerName().startsWith("io.vertx.ext.auth.")));
  }

  @Test
  @Order(2)
  @DisplayName("MQTT 5: the client credentials token as password connects (0x00); its mqtt_acl rules let the "
      + "device publish to and subscribe on devices/ID/#, anything else gets PUBACK 0x87 / SUBACK 0x87")
  void mqtt5DeviceWithToken() throws Exception {
    String token = token("device-1");
    JsonObject claims = part(token, 1);
    assertThat(audiences(claims)).contains("mqtt-broker");
    assertThat(claims.getString("iss")).isEqualTo(keycloak.baseUrl() + "/realms/" + REALM);
    int lifespan = new JsonObject(keycloak.admin("GET", "/realms/" + REALM, null, 200).orElseThrow())
        .getInteger("accessTokenLifespan");
    assertThat(lifespan).as("Keycloak's default access token lifespan (the docs say 5 minutes)").isEqualTo(300);
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(lifespan);
    assertThat(claims.getValue("mqtt_acl")).as("Claim JSON Type JSON gives a JSON array, not a string")
        .isEqualTo(new JsonArray(ACL_CLAIM));
    String id = unique("sensor");
    long publishDenied = broker.metrics().aclPublishDenied.sum();
    long subscribeDenied = broker.metrics().aclSubscribeDenied.sum();
    Mqtt5BlockingClient c = connectedV5(broker, id, token);
    ownTreeOnly(c, id);
    c.disconnect();
    assertThat(broker.metrics().aclPublishDenied.sum()).isEqualTo(publishDenied + 1);
    assertThat(broker.metrics().aclSubscribeDenied.sum()).isEqualTo(subscribeDenied + 2);
  }

  @Test
  @Order(3)
  @DisplayName("MQTT 3.1.1: user name any text, token as password connects; own tree works end to end, another "
      + "device's filter gets SUBACK 0x80")
  void mqtt311DeviceWithToken() throws Exception {
    String id = unique("sensor3");
    Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1")
        .serverPort(broker.port("tcp")).buildBlocking();
    c.connectWith().simpleAuth().username("device-1").password(utf8(token("device-1"))).applySimpleAuth().send();
    assertThat(c.subscribeWith().topicFilter("devices/" + id + "/#").qos(MqttQos.AT_LEAST_ONCE).send()
        .getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
    long publishDenied = broker.metrics().aclPublishDenied.sum();
    try (var publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
      // 3.1.1 has no negative PUBACK: the denied one is acknowledged and dropped, the connection stays
      c.publishWith().topic("devices/someone-else/up").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("no")).send();
      c.publishWith().topic("devices/" + id + "/up").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("on")).send();
      var got = publishes.receive(10, TimeUnit.SECONDS);
      assertThat(got).isPresent();
      assertThat(got.get().getTopic().toString()).isEqualTo("devices/" + id + "/up");
    }
    assertThat(broker.metrics().aclPublishDenied.sum()).as("the denied PUBLISH").isEqualTo(publishDenied + 1);
    assertThatThrownBy(() -> c.subscribeWith().topicFilter("devices/someone-else/#").send())
        .isInstanceOfSatisfying(Mqtt3SubAckException.class, e ->
            assertThat(e.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
    assertThat(c.getState().isConnected()).isTrue();
    c.disconnect();
  }

  @Test
  @Order(4)
  @DisplayName("User Attribute mapper (the attribute on the client's service-account user) gives the same claim, "
      + "aud as a plain string: the device connects and its rules apply")
  void userAttributeMapper() throws Exception {
    String token = token("device-2");
    JsonObject claims = part(token, 1);
    // its service-account user was imported without Keycloak's default roles, so no "account" audience: a plain
    // string, the other form of aud
    assertThat(claims.getValue("aud")).isEqualTo("mqtt-broker");
    assertThat(claims.getValue("mqtt_acl")).isEqualTo(new JsonArray(ACL_CLAIM));
    String id = unique("meter");
    Mqtt5BlockingClient c = connectedV5(broker, id, token);
    ownTreeOnly(c, id);
    c.disconnect();
  }

  @Test
  @Order(5)
  @DisplayName("a token of the same realm and key but for another audience (client without the Audience mapper) "
      + "is refused: CONNACK 0x86, MQTT 3.1.1 return code 4")
  void otherAudienceRefused() throws Exception {
    String token = token("other-app");
    JsonObject claims = part(token, 1);
    assertThat(audiences(claims)).as("Keycloak's default audience only").doesNotContain("mqtt-broker");
    assertThat(claims.getString("iss")).isEqualTo(keycloak.baseUrl() + "/realms/" + REALM);
    assertThat(claims.getValue("mqtt_acl")).as("same ACL claim: only the audience differs").isNotNull();
    assertThat(signatureKids()).contains(part(token, 0).getString("kid"));
    assertThat(connectCode(broker, token)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    Mqtt3BlockingClient c3 = MqttClient.builder().useMqttVersion3().identifier(unique("other3"))
        .serverHost("127.0.0.1").serverPort(broker.port("tcp")).buildBlocking();
    assertThatThrownBy(() -> c3.connectWith().simpleAuth().username("other-app").password(utf8(token))
        .applySimpleAuth().send()).isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
    assertThat(connectCode(broker, "not-a-token")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  @Order(6)
  @DisplayName("the claim mapper with Claim JSON Type String (not JSON) puts the rules in a text: CONNACK 0x87, "
      + "MQTT 3.1.1 return code 5")
  void claimTypeStringRefused() throws Exception {
    String token = token("device-text");
    assertThat(part(token, 1).getValue("mqtt_acl")).isEqualTo(ACL_CLAIM);
    assertThat(connectCode(broker, token)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    Mqtt3BlockingClient c3 = MqttClient.builder().useMqttVersion3().identifier(unique("text3"))
        .serverHost("127.0.0.1").serverPort(broker.port("tcp")).buildBlocking();
    assertThatThrownBy(() -> c3.connectWith().simpleAuth().username("device-text").password(utf8(token))
        .applySimpleAuth().send()).isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
  }

  @Test
  @Order(7)
  @DisplayName("introspection mode with mqtt-broker's own credentials (docs step 1): a device token connects and "
      + "its claim rules apply; another audience's token and an unknown string get 0x86")
  void introspectionMode() throws Exception {
    VelaConfig config = docsConfig(Map.of("VELA_AUTH__PROVIDERS__KEYCLOAK__MODE", "introspection",
        "VELA_AUTH__PROVIDERS__KEYCLOAK__CLIENT_ID", "mqtt-broker",
        "VELA_AUTH__PROVIDERS__KEYCLOAK__CLIENT_SECRET", BROKER_SECRET));
    VelaBroker intro = VelaBroker.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      String id = unique("intro");
      Mqtt5BlockingClient c = connectedV5(intro, id, token("device-1"));
      ownTreeOnly(c, id);
      c.disconnect();
      assertThat(connectCode(intro, token("other-app"))).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(connectCode(intro, "opaque-" + UUID.randomUUID()))
          .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    } finally {
      intro.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(8)
  @DisplayName("key rotation through Keycloak's admin REST API (a new rsa-generated provider of higher priority): "
      + "a token with the new kid is accepted by the running broker, connected devices stay, old tokens still work")
  void keyRotation() throws Exception {
    String oldToken = token("device-1");
    String oldKid = part(oldToken, 0).getString("kid");
    String stayingId = unique("staying");
    Mqtt5BlockingClient staying = connectedV5(broker, stayingId, oldToken);
    staying.subscribeWith().topicFilter("devices/" + stayingId + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

    String realmId = new JsonObject(keycloak.admin("GET", "/realms/" + REALM, null, 200).orElseThrow())
        .getString("id");
    JsonArray providers = new JsonArray(keycloak.admin("GET", "/realms/" + REALM
        + "/components?type=org.keycloak.keys.KeyProvider", null, 200).orElseThrow());
    int highest = providers.stream().map(JsonObject.class::cast)
        .filter(p -> "rsa-generated".equals(p.getString("providerId")))
        .mapToInt(p -> Integer.parseInt(p.getJsonObject("config").getJsonArray("priority").getString(0)))
        .max().orElseThrow();
    Set<String> before = signatureKids();
    keycloak.admin("POST", "/realms/" + REALM + "/components", new JsonObject()
        .put("name", "rsa-rotated").put("providerId", "rsa-generated")
        .put("providerType", "org.keycloak.keys.KeyProvider").put("parentId", realmId)
        .put("config", new JsonObject().put("priority", new JsonArray().add(String.valueOf(highest + 100)))), 201);
    Set<String> after = signatureKids();
    assertThat(after).containsAll(before).hasSize(before.size() + 1);

    String newToken = token("device-1");
    String newKid = part(newToken, 0).getString("kid");
    assertThat(newKid).as("Keycloak signs with the new key").isNotEqualTo(oldKid).isIn(after).isNotIn(before);

    // Vela refetches the key set for an unknown kid at most once per jwks-min-refetch-seconds; the last fetch was
    // the one at start, so a token arriving sooner than that after start would be refused (documented). Wait until
    // that interval is over (usually already the case this late in the class).
    long refetchAllowedNanos = brokerStartedNanos + TimeUnit.SECONDS.toNanos(minRefetchSeconds) + 500_000_000L;
    await().atMost(Duration.ofSeconds(minRefetchSeconds + 5L)).pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() - refetchAllowedNanos > 0);

    String id = unique("rotated");
    Mqtt5BlockingClient rotated = connectedV5(broker, id, newToken);
    ownTreeOnly(rotated, id);
    rotated.disconnect();
    assertThat(logged().stream().map(ILoggingEvent::getFormattedMessage))
        .as("the new key came from a refetch for the unknown kid")
        .anyMatch(m -> m.contains("(unknown kid " + newKid + ")") && m.contains(newKid) && m.contains(oldKid));

    assertThat(staying.getState().isConnected()).as("a device connected before the rotation").isTrue();
    try (var publishes = staying.publishes(MqttGlobalPublishFilter.ALL)) {
      assertThat(pubAck(staying.publishWith().topic("devices/" + stayingId + "/up").qos(MqttQos.AT_LEAST_ONCE)
          .payload(utf8("still here")).send())).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(publishes.receive(10, TimeUnit.SECONDS)).as("its own message, after the rotation").isPresent();
    }
    staying.disconnect();
    assertThat(connectCode(broker, oldToken)).as("a token signed with the old key, still in the JWKS")
        .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
  }
}
