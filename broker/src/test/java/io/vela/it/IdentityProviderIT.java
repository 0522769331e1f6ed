package io.vela.it;

import static io.vela.it.PubSubClients.unique;
import static io.vela.it.PubSubClients.utf8;
import static io.vela.it.V5Packets.PROP_AUTHENTICATION_DATA;
import static io.vela.it.V5Packets.PROP_AUTHENTICATION_METHOD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.vela.config.AuthProviderConfig;
import io.vela.config.ListenerConfig;
import io.vela.config.VelaConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Authentication and authorization against a real OAuth2 / OpenID Connect server (mock-oauth2-server, started on a
 * free port for this class): tokens are obtained from it over HTTP (client credentials grant); only the attack rows
 * (alg none, HS256 with the RSA public key, bad signature) craft tokens from real ones. Every row asserts the reason
 * code a client sees.
 */
class IdentityProviderIT {

  static final String ISSUER_ID = "vela";
  static final String AUDIENCE = "mqtt-broker";
  static final String BEARER = "bearer";
  static final String HMAC_SECRET = "a shared secret of at least thirty-two bytes";

  static MockOAuth2Server idp;
  static TestBroker broker;
  static Vertx vertx;
  static HttpServer jwksProxy;
  /** What the rotation listener's key-set URL serves: the IdP's JWKS of one or more issuers, or null = HTTP 503. */
  static final AtomicReference<JsonObject> servedJwks = new AtomicReference<>();
  /** Key-set requests the proxy answered, by path. */
  static final Map<String, java.util.concurrent.atomic.AtomicInteger> jwksRequests =
      new java.util.concurrent.ConcurrentHashMap<>();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    vertx = Vertx.vertx();
    servedJwks.set(jwks("rot-a"));
    jwksProxy = vertx.createHttpServer().requestHandler(req -> {
      jwksRequests.computeIfAbsent(req.path(), p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
      JsonObject body = req.path().equals("/limited") || req.path().equals("/periodic") ? jwks("rot-a")
          : servedJwks.get();
      if (body == null) {
        req.response().setStatusCode(503).end();
      } else {
        req.response().putHeader("Content-Type", "application/json").end(body.encode());
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    dir = Files.createTempDirectory("vela-idp-it");
    Path users = dir.resolve("users");
    io.vela.auth.UsersFile.put(users, "alice", io.vela.auth.PasswordHash.hash("wonderland".toCharArray(), 10_000));
    Path acl = dir.resolve("acl");
    Files.writeString(acl, "allow all files/%u/#  user:alice\n");
    broker = TestBroker.start(c -> configure(c, users, acl));
  }

  static void configure(VelaConfig c, Path users, Path acl) {
    c.mqtt.allowAnonymous = false;
    c.limits.authFailureBan.maxFailures = 10_000; // this class refuses many tokens from one address on purpose
    AuthProviderConfig files = new AuthProviderConfig();
    files.type = AuthProviderConfig.Type.FILE;
    files.file = users.toString();
    AuthProviderConfig oidc = new AuthProviderConfig();
    oidc.type = AuthProviderConfig.Type.OIDC;
    oidc.issuer = idp.issuerUrl(ISSUER_ID).toString();
    oidc.audience = List.of(AUDIENCE);
    oidc.clockSkewSeconds = 5;
    AuthProviderConfig rotating = new AuthProviderConfig();
    rotating.type = AuthProviderConfig.Type.JWT;
    rotating.jwksUrl = "http://127.0.0.1:" + jwksProxy.actualPort() + "/jwks";
    rotating.jwksMinRefetchSeconds = 0;
    rotating.fetchAttempts = 1;
    rotating.usernameClaim = "device_id";
    AuthProviderConfig limited = new AuthProviderConfig();
    limited.type = AuthProviderConfig.Type.JWT;
    limited.jwksUrl = "http://127.0.0.1:" + jwksProxy.actualPort() + "/limited";
    limited.jwksMinRefetchSeconds = 3600;
    limited.jwksRefreshSeconds = 0;
    AuthProviderConfig introspection = new AuthProviderConfig();
    introspection.type = AuthProviderConfig.Type.OIDC;
    introspection.issuer = idp.issuerUrl(ISSUER_ID).toString();
    introspection.mode = AuthProviderConfig.OidcMode.INTROSPECTION;
    introspection.clientId = "vela-broker";
    introspection.clientSecret = "secret";
    introspection.requireExpiry = false;
    AuthProviderConfig down = new AuthProviderConfig();
    down.type = AuthProviderConfig.Type.JWT;
    down.jwksUrl = "http://127.0.0.1:" + freePort() + "/jwks";
    down.fetchAttempts = 2;
    c.auth.providers.put("users", files);
    c.auth.providers.put("idp", oidc);
    c.auth.providers.put("rotating", rotating);
    c.auth.providers.put("opaque", introspection);
    c.auth.providers.put("down", down);
    c.auth.providers.put("limited", limited);
    AuthProviderConfig periodic = new AuthProviderConfig();
    periodic.type = AuthProviderConfig.Type.JWT;
    periodic.jwksUrl = "http://127.0.0.1:" + jwksProxy.actualPort() + "/periodic";
    periodic.jwksRefreshSeconds = 1;
    c.auth.providers.put("periodic", periodic);
    AuthProviderConfig hmac = new AuthProviderConfig();
    hmac.type = AuthProviderConfig.Type.JWT;
    hmac.hmacSecret = HMAC_SECRET;
    hmac.algorithms = List.of("HS256");
    c.auth.providers.put("hmac", hmac);
    c.auth.chain = List.of("users", "idp");
    c.auth.acl.claim = "mqtt_acl";
    c.auth.acl.file = acl.toString();
    c.auth.acl.noMatch = io.vela.config.AclConfig.Decision.DENY;
    c.auth.bearerMethod = BEARER;
    c.listeners.put("rot", listener("tcp", List.of("rotating")));
    c.listeners.put("intro", listener("tcp", List.of("opaque")));
    c.listeners.put("down", listener("tcp", List.of("down")));
    c.listeners.put("limited", listener("tcp", List.of("limited")));
    c.listeners.put("hmac", listener("tcp", List.of("hmac")));
    c.listeners.put("ws", listener("ws", null));
    c.auth.acl.noMatch = io.vela.config.AclConfig.Decision.DENY;
  }

  static ListenerConfig listener(String type, List<String> chain) {
    ListenerConfig l = new ListenerConfig();
    l.type = type;
    l.bind = "127.0.0.1";
    l.port = 0;
    l.authChain = chain;
    if (type.equals("ws")) {
      l.websocket = new io.vela.config.WebSocketConfig();
    }
    return l;
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  // ---------------------------------------------------------------- tokens from the IdP

  /** A real access token from the IdP's token endpoint (client credentials grant), with these claims. */
  static String token(String issuerId, String subject, String audience, Map<String, Object> claims,
                      long lifetimeSeconds) throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(audience), claims,
        lifetimeSeconds));
    HttpRequest req = HttpRequest.newBuilder(URI.create(idp.tokenEndpointUrl(issuerId).toString()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=device&client_secret=s"
            + "&scope=mqtt"))
        .build();
    HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as("token endpoint: %s", resp.body()).isEqualTo(200);
    return new JsonObject(resp.body()).getString("access_token");
  }

  static String token(Map<String, Object> claims) throws Exception {
    return token(ISSUER_ID, "device-1", AUDIENCE, claims, 300);
  }

  static JsonObject jwks(String issuerId) {
    HttpResponse<String> resp;
    try {
      resp = HTTP.send(HttpRequest.newBuilder(URI.create(idp.jwksUrl(issuerId).toString()))
        .build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new JsonObject(resp.body());
  }

  static List<Map<String, Object>> acl(String... permissionActionTopic) {
    List<Map<String, Object>> rules = new java.util.ArrayList<>();
    for (int i = 0; i < permissionActionTopic.length; i += 3) {
      rules.add(Map.of("permission", permissionActionTopic[i], "action", permissionActionTopic[i + 1], "topic",
          permissionActionTopic[i + 2]));
    }
    return rules;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- clients

  static Mqtt5BlockingClient v5(String listener) {
    return MqttClient.builder().useMqttVersion5().identifier(unique("idp")).serverHost("127.0.0.1")
        .serverPort(broker.broker().port(listener)).buildBlocking();
  }

  static Mqtt5ConnAckReasonCode connectCode(String listener, String username, String token) {
    Mqtt5BlockingClient c = v5(listener);
    try {
      var b = c.connectWith().simpleAuth();
      if (username != null) {
        b.username(username);
      }
      Mqtt5ConnAckReasonCode code = b.password(utf8(token)).applySimpleAuth().send().getReasonCode();
      c.disconnect();
      return code;
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  static Mqtt5BlockingClient connected(String token) {
    Mqtt5BlockingClient c = v5("tcp");
    c.connectWith().simpleAuth().password(utf8(token)).applySimpleAuth().send();
    return c;
  }

  // ---------------------------------------------------------------- the matrix

  @Test
  @DisplayName("valid IdP token in the password field (no user name): CONNACK 0x00, and its claim ACL lets it "
      + "publish and subscribe where the rules say")
  void validToken() throws Exception {
    String token = token(Map.of("mqtt_acl", acl("allow", "all", "devices/${clientid}/#")));
    Mqtt5BlockingClient c = v5("tcp");
    c.connectWith().simpleAuth().password(utf8(token)).applySimpleAuth().send();
    String id = c.getConfig().getClientIdentifier().get().toString();
    c.subscribeWith().topicFilter("devices/" + id + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
    try (var publishes = c.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      c.publishWith().topic("devices/" + id + "/up").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("hi")).send();
      assertThat(publishes.receive(5, TimeUnit.SECONDS)).isPresent();
    }
    c.disconnect();
  }

  @Test
  @DisplayName("a device (HiveMQ client, TCP) and MQTT.js in Node over WebSocket both authenticate with IdP tokens "
      + "and exchange messages both ways under their claim ACLs")
  void deviceAndBrowserClientWithTokens() throws Exception {
    Map<String, Object> js = Map.of("mqtt_acl", acl("allow", "all", "js/#"));
    Mqtt5BlockingClient device = connected(token(js));
    MqttJsIT.exchangeWith(device, "ws://127.0.0.1:" + broker.broker().port("ws") + "/mqtt",
        Map.of("MQTT_USERNAME", "browser-app", "MQTT_PASSWORD", token(js)));
    device.disconnect();
  }

  @Test
  @DisplayName("conf/examples/oidc.yaml, with VELA_OIDC_ISSUER / VELA_OIDC_AUDIENCE pointing at the test IdP: no "
      + "token 0x86, a token's mqtt_acl rules allow and deny (PUBACK 0x87), a token for another audience 0x86")
  void shippedOidcExample() throws Exception {
    Map<String, String> env = Map.of("VELA_OIDC_ISSUER", idp.issuerUrl(ISSUER_ID).toString(),
        "VELA_OIDC_AUDIENCE", AUDIENCE,
        "VELA_LISTENERS__TCP__PORT", "0", "VELA_LISTENERS__TCP__BIND", "127.0.0.1",
        "VELA_LISTENERS__WS__PORT", "0", "VELA_LISTENERS__WS__BIND", "127.0.0.1");
    VelaConfig config = io.vela.config.ConfigLoader.load(Path.of("..", "conf", "examples", "oidc.yaml"), env);
    config.eventLoops = 2;
    io.vela.VelaBroker example = io.vela.VelaBroker.start(config).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    try {
      int port = example.port("tcp");
      Mqtt5BlockingClient anonymous = MqttClient.builder().useMqttVersion5().identifier(unique("ex"))
          .serverHost("127.0.0.1").serverPort(port).buildBlocking();
      assertThatThrownBy(anonymous::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
          assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));

      String id = unique("ex-dev");
      Mqtt5BlockingClient device = MqttClient.builder().useMqttVersion5().identifier(id)
          .serverHost("127.0.0.1").serverPort(port).buildBlocking();
      device.connectWith().simpleAuth().password(utf8(token(Map.of("mqtt_acl",
          acl("allow", "all", "devices/${clientid}/#"))))).applySimpleAuth().send();
      assertThat(device.publishWith().topic("devices/" + id + "/up").qos(MqttQos.AT_LEAST_ONCE).send()
          .getPublish()).isNotNull();
      assertThatThrownBy(() -> device.publishWith().topic("devices/other/up").qos(MqttQos.AT_LEAST_ONCE).send())
          .isInstanceOfSatisfying(Mqtt5PubAckException.class, e ->
              assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
      device.disconnect();

      Mqtt5BlockingClient other = MqttClient.builder().useMqttVersion5().identifier(unique("ex"))
          .serverHost("127.0.0.1").serverPort(port).buildBlocking();
      String wrongAudience = token(ISSUER_ID, "d", "another-service", Map.of(), 300);
      assertThatThrownBy(() -> other.connectWith().simpleAuth().password(utf8(wrongAudience)).applySimpleAuth()
          .send()).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
          assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
    } finally {
      example.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("expired token: 0x86; not yet valid (nbf beyond the clock skew): 0x86")
  void expiredAndNotYetValid() throws Exception {
    assertThat(connectCode("tcp", null, token(ISSUER_ID, "d", AUDIENCE, Map.of(), -120)))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    long future = System.currentTimeMillis() / 1000 + 600;
    assertThat(connectCode("tcp", null, token(ISSUER_ID, "d", AUDIENCE, Map.of("nbf", future), 1200)))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  @DisplayName("wrong issuer: 0x86; wrong audience: 0x86 (vertx-auth-oauth2's fallback to introspection would have "
      + "accepted it)")
  void wrongIssuerAndAudience() throws Exception {
    assertThat(connectCode("tcp", null, token("other-issuer", "d", AUDIENCE, Map.of(), 300)))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(connectCode("tcp", null, token(ISSUER_ID, "d", "another-service", Map.of(), 300)))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  @DisplayName("attacks on a real token: bad signature, alg none, HS256 signed with the RSA public key: all 0x86")
  void attacks() throws Exception {
    String real = token(Map.of());
    String[] parts = real.split("\\.");
    byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
    sig[sig.length / 2] ^= 0x5A;
    String badSignature = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    assertThat(connectCode("tcp", null, badSignature)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);

    String none = b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "." + parts[1] + ".";
    assertThat(connectCode("tcp", null, none)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);

    JsonObject key = jwks(ISSUER_ID).getJsonArray("keys").getJsonObject(0);
    String header = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", key.getString("kid"))
        .encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.encode().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signingInput = header + "." + parts[1];
    String confused = signingInput + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    assertThat(connectCode("tcp", null, confused)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("key rotation: a token signed with a key the cached JWKS lacks (unknown kid) makes the broker refetch "
      + "the key set and succeeds; when the key-set URL then fails, known keys keep working and new ones fail "
      + "closed with 0x88")
  void keyRotationAndIdpDown() throws Exception {
    String before = token("rot-a", "d", AUDIENCE, Map.of(), 300);
    assertThat(connectCode("rot", null, before)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    String rotated = token("rot-b", "d", AUDIENCE, Map.of(), 300);
    JsonArray both = jwks("rot-b").getJsonArray("keys").copy();
    jwks("rot-a").getJsonArray("keys").forEach(both::add);
    servedJwks.set(new JsonObject().put("keys", both));
    assertThat(connectCode("rot", null, rotated)).as("after rotation").isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    servedJwks.set(null); // the IdP's key endpoint is down
    assertThat(connectCode("rot", null, before)).as("known key, IdP down").isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    String unknown = token("rot-c", "d", AUDIENCE, Map.of(), 300);
    assertThat(connectCode("rot", null, unknown)).as("unknown key, IdP down")
        .isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
  }

  @Test
  @DisplayName("tokens naming unknown kids within jwks-min-refetch-seconds of the last key-set fetch cause no fetch "
      + "(no DoS amplification) and are refused with 0x86; keyRotationAndIdpDown shows the refetch once allowed")
  void unknownKidRefetchIsRateLimited() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> jwksRequests.containsKey("/limited"));
    assertThat(connectCode("limited", null, token("rot-a", "d", AUDIENCE, Map.of(), 300)))
        .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    String[] parts = token("rot-a", "d", AUDIENCE, Map.of(), 300).split("\\.");
    int before = jwksRequests.get("/limited").get();
    for (int i = 0; i < 5; i++) {
      String header = b64(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", "bogus-" + i).encode());
      assertThat(connectCode("limited", null, header + "." + parts[1] + "." + parts[2]))
          .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }
    assertThat(jwksRequests.get("/limited").get() - before)
        .as("key-set fetches for 5 unknown kids within jwks-min-refetch-seconds of the last fetch").isZero();
  }

  @Test
  @DisplayName("the key set is re-read every jwks-refresh-seconds (key rotation without a token naming a new kid)")
  void periodicRefresh() {
    await().atMost(Duration.ofSeconds(20)).until(() -> jwksRequests.containsKey("/periodic")
        && jwksRequests.get("/periodic").get() >= 3);
  }

  @Test
  @DisplayName("HS256 as configured (hmac-secret): the right secret connects, a wrong one gets 0x86, and an RS256 "
      + "IdP token gets 0x86 (algorithm not accepted there)")
  void hmacProvider() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 300;
    String payload = b64(new JsonObject().put("sub", "svc").put("exp", exp).encode());
    assertThat(connectCode("hmac", null, hs256(payload, HMAC_SECRET))).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(connectCode("hmac", null, hs256(payload, "another secret of at least thirty-two bytes!")))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(connectCode("hmac", null, token(Map.of()))).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  static String hs256(String payload, String secret) throws Exception {
    String signingInput = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode()) + "." + payload;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  @DisplayName("username-claim: a user name that is not the token's device_id claim gets 0x87; the right one connects")
  void usernameMustMatchClaim() throws Exception {
    servedJwks.set(jwks("rot-a"));
    String token = token("rot-a", "d", AUDIENCE, Map.of("device_id", "device-7"), 300);
    assertThat(connectCode("rot", "device-8", token)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(connectCode("rot", "device-7", token)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
  }

  @Test
  @DisplayName("a token whose mqtt_acl claim is malformed gets 0x87; a will on a topic the ACL denies gets 0x87")
  void malformedClaimAndDeniedWill() throws Exception {
    String bad = token(Map.of("mqtt_acl", List.of(Map.of("permission", "perhaps", "action", "all", "topic", "#"))));
    assertThat(connectCode("tcp", null, bad)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    String good = token(Map.of("mqtt_acl", acl("allow", "all", "mine/#")));
    Mqtt5BlockingClient c = v5("tcp");
    assertThatThrownBy(() -> c.connectWith().simpleAuth().password(utf8(good)).applySimpleAuth()
        .willPublish().topic("theirs/will").payload(utf8("x")).applyWillPublish().send())
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
            assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
  }

  @Test
  @DisplayName("MQTT 3.1.1: a denied PUBLISH is acknowledged and dropped, the connection stays up")
  void mqtt311DeniedPublishIsDropped() throws Exception {
    String token = token(Map.of("mqtt_acl", acl("allow", "subscribe", "v3/#", "allow", "publish", "v3/ok")));
    Mqtt3BlockingClient c3 = MqttClient.builder().useMqttVersion3().identifier(unique("idp3"))
        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
    c3.connectWith().simpleAuth().username("device").password(utf8(token)).applySimpleAuth().send();
    c3.subscribeWith().topicFilter("v3/#").qos(MqttQos.AT_LEAST_ONCE).send();
    try (var publishes = c3.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
      c3.publishWith().topic("v3/denied").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("no")).send();
      c3.publishWith().topic("v3/ok").qos(MqttQos.AT_LEAST_ONCE).payload(utf8("yes")).send();
      var first = publishes.receive(5, TimeUnit.SECONDS);
      assertThat(first).isPresent();
      assertThat(first.get().getTopic().toString()).as("only the allowed message arrives").isEqualTo("v3/ok");
    }
    assertThat(c3.getState().isConnected()).isTrue();
    c3.disconnect();
  }

  @Test
  @DisplayName("deny-action disconnect: a denied PUBLISH gets DISCONNECT 0x87; expiry publishes the will")
  void denyActionDisconnectAndWillOnExpiry() throws Exception {
    try (TestBroker strict = TestBroker.start(c -> {
      configure(c, dir.resolve("users"), dir.resolve("acl"));
      c.listeners.keySet().retainAll(List.of("tcp"));
      c.auth.acl.denyAction = io.vela.config.AclConfig.DenyAction.DISCONNECT;
      c.auth.expiryPublishWill = true;
    })) {
      Map<String, Object> mine = Map.of("mqtt_acl", acl("allow", "all", "mine/#"));
      Mqtt5BlockingClient watcher = MqttClient.builder().useMqttVersion5().identifier(unique("w"))
          .serverHost("127.0.0.1").serverPort(strict.port()).buildBlocking();
      watcher.connectWith().simpleAuth().password(utf8(token(mine))).applySimpleAuth().send();
      watcher.subscribeWith().topicFilter("mine/#").qos(MqttQos.AT_LEAST_ONCE).send();

      java.util.concurrent.CompletableFuture<com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext> gone =
          new java.util.concurrent.CompletableFuture<>();
      Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(unique("deny"))
          .serverHost("127.0.0.1").serverPort(strict.port()).addDisconnectedListener(gone::complete)
          .buildBlocking();
      c.connectWith().simpleAuth().password(utf8(token(mine))).applySimpleAuth().send();
      c.toAsync().publishWith().topic("other/x").qos(MqttQos.AT_LEAST_ONCE).send();
      var cause = gone.get(10, TimeUnit.SECONDS).getCause();
      assertThat(cause).isInstanceOf(com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException.class);
      assertThat(((com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException) cause).getMqttMessage()
          .getReasonCode()).isEqualTo(com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode
          .NOT_AUTHORIZED);

      try (var publishes = watcher.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
        Mqtt5BlockingClient expiring = MqttClient.builder().useMqttVersion5().identifier(unique("exp"))
            .serverHost("127.0.0.1").serverPort(strict.port()).buildBlocking();
        expiring.connectWith().simpleAuth().password(utf8(token(ISSUER_ID, "d", AUDIENCE, mine, 3)))
            .applySimpleAuth().willPublish().topic("mine/will").payload(utf8("expired")).applyWillPublish().send();
        var will = publishes.receive(30, TimeUnit.SECONDS);
        assertThat(will).as("the will of the expired client").isPresent();
        assertThat(will.get().getTopic().toString()).isEqualTo("mine/will");
      }
      watcher.disconnect();
    }
  }

  @Test
  @DisplayName("refused tokens feed the ban mechanism: after limits.auth-failure-ban.max-failures the address is "
      + "banned and even a valid token is turned away at accept")
  void badTokensFeedTheBan() throws Exception {
    try (TestBroker banning = TestBroker.start(c -> {
      configure(c, dir.resolve("users"), dir.resolve("acl"));
      c.listeners.keySet().retainAll(List.of("tcp"));
      c.limits.authFailureBan.maxFailures = 3;
    })) {
      String expired = token(ISSUER_ID, "d", AUDIENCE, Map.of(), -120);
      for (int i = 0; i < 3; i++) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(unique("ban"))
            .serverHost("127.0.0.1").serverPort(banning.port()).buildBlocking();
        assertThatThrownBy(() -> c.connectWith().simpleAuth().password(utf8(expired)).applySimpleAuth().send())
            .isInstanceOf(Mqtt5ConnAckException.class);
      }
      await().atMost(Duration.ofSeconds(10))
          .until(() -> banning.broker().metrics().rejections("auth-failure-ban") == 1);
      String valid = token(Map.of());
      Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(unique("ban"))
          .serverHost("127.0.0.1").serverPort(banning.port()).buildBlocking();
      assertThatThrownBy(() -> c.connectWith().simpleAuth().password(utf8(valid)).applySimpleAuth().send())
          .isNotInstanceOf(Mqtt5ConnAckException.class);
    }
  }

  @Test
  @DisplayName("IdP unreachable from the start: fail closed, CONNACK 0x88 (MQTT 3.1.1: return code 3)")
  void idpDown() throws Exception {
    assertThat(connectCode("down", null, token(Map.of()))).isEqualTo(Mqtt5ConnAckReasonCode.SERVER_UNAVAILABLE);
    Mqtt3BlockingClient c3 = MqttClient.builder().useMqttVersion3().identifier(unique("idp3"))
        .serverHost("127.0.0.1").serverPort(broker.broker().port("down")).buildBlocking();
    assertThatThrownBy(() -> c3.connectWith().simpleAuth().username("u").password(utf8(token(Map.of())))
        .applySimpleAuth().send()).isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE));
  }

  @Test
  @DisplayName("introspection (RFC 7662): a token the IdP says is active connects (0x00), an opaque string it does "
      + "not know is inactive (0x86)")
  void introspection() throws Exception {
    assertThat(connectCode("intro", null, token(Map.of()))).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(connectCode("intro", null, "opaque-" + unique("t")))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  @DisplayName("ACL from claims (EMQX 5 rule list): denied PUBLISH gets PUBACK 0x87, denied SUBSCRIBE SUBACK 0x87; "
      + "MQTT 3.1.1: SUBACK 0x80")
  void claimAcl() throws Exception {
    String token = token(Map.of("mqtt_acl", acl("deny", "all", "open/secret", "allow", "publish", "open/#",
        "allow", "subscribe", "news/#")));
    Mqtt5BlockingClient c = connected(token);
    assertThat(c.publishWith().topic("open/x").qos(MqttQos.AT_LEAST_ONCE).send().getPublish()).isNotNull();
    assertThatThrownBy(() -> c.publishWith().topic("open/secret").qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e ->
            assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
    assertThat(c.subscribeWith().topicFilter("news/+").send().getReasonCodes())
        .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
    assertThatThrownBy(() -> c.subscribeWith().topicFilter("open/#").send())
        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
            .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
    c.disconnect();
    assertThat(broker.broker().metrics().aclPublishDenied.sum()).isPositive();

    Mqtt3BlockingClient c3 = MqttClient.builder().useMqttVersion3().identifier(unique("idp3"))
        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
    c3.connectWith().simpleAuth().username("device").password(utf8(token)).applySimpleAuth().send();
    assertThatThrownBy(() -> c3.subscribeWith().topicFilter("open/#").send())
        .isInstanceOfSatisfying(com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException.class, e ->
            assertThat(e.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
    c3.disconnect();
  }

  @Test
  @DisplayName("file user + ACL file: right password 0x00 and %u rules apply; wrong password 0x86 (MQTT 3.1.1: 4)")
  void fileUserAndFileAcl() {
    Mqtt5BlockingClient c = v5("tcp");
    c.connectWith().simpleAuth().username("alice").password(utf8("wonderland")).applySimpleAuth().send();
    assertThat(c.publishWith().topic("files/alice/x").qos(MqttQos.AT_LEAST_ONCE).send().getPublish()).isNotNull();
    assertThatThrownBy(() -> c.publishWith().topic("files/bob/x").qos(MqttQos.AT_LEAST_ONCE).send())
        .isInstanceOf(Mqtt5PubAckException.class);
    c.disconnect();
    assertThat(connectCode("tcp", "alice", "wrong")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    Mqtt3BlockingClient c3 = MqttClient.builder().useMqttVersion3().identifier(unique("idp3"))
        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
    assertThatThrownBy(() -> c3.connectWith().simpleAuth().username("alice").password(utf8("nope"))
        .applySimpleAuth().send()).isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
  }

  @Test
  @DisplayName("expiry: a token that runs out is cut off with DISCONNECT 0xA0 (Maximum connect time)")
  void disconnectOnExpiry() throws Exception {
    String token = token(ISSUER_ID, "d", AUDIENCE, Map.of(), 3);
    try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
      raw.send(V5Packets.connect(unique("exp"), V5Packets.stringProperty(PROP_AUTHENTICATION_METHOD, BEARER),
          V5Packets.binaryProperty(PROP_AUTHENTICATION_DATA, utf8(token))));
      assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isZero();
      long start = System.nanoTime();
      byte[] p = raw.readPacket();
      assertThat(RawClient.type(p)).isEqualTo(RawPackets.DISCONNECT);
      assertThat(RawPackets.disconnectReason(p)).isEqualTo(0xA0);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    }
  }

  @Test
  @DisplayName("re-authentication (bearer method): AUTH 0x19 with a fresh token gets AUTH 0x00 and moves the expiry; "
      + "an invalid one gets DISCONNECT 0x87")
  void reauthentication() throws Exception {
    String shortLived = token(ISSUER_ID, "d", AUDIENCE, Map.of(), 4);
    try (RawClient raw = new RawClient("127.0.0.1", broker.port())) {
      raw.send(V5Packets.connect(unique("reauth"), V5Packets.stringProperty(PROP_AUTHENTICATION_METHOD, BEARER),
          V5Packets.binaryProperty(PROP_AUTHENTICATION_DATA, utf8(shortLived))));
      assertThat(RawPackets.connAck(raw.readPacket(), 5).reasonCode()).isZero();
      raw.send(V5Packets.auth(0x19, BEARER, utf8(token(ISSUER_ID, "d", AUDIENCE, Map.of(), 300))));
      assertThat(V5Packets.parseAuth(raw.readPacket()).reasonCode()).isZero();
      long firstExpMillis = new JsonObject(new String(Base64.getUrlDecoder().decode(shortLived.split("\\.")[1]),
          StandardCharsets.UTF_8)).getLong("exp") * 1000;
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> System.currentTimeMillis() > firstExpMillis + 2000);
      raw.send(BadPackets.pingReq()); // past the first token's expiry: still connected
      assertThat(raw.readPacket()).containsExactly(0xD0, 0x00);
      raw.send(V5Packets.auth(0x19, BEARER, utf8("not-a-token")));
      byte[] p = raw.readPacket();
      assertThat(RawPackets.disconnectReason(p)).isEqualTo(0x87);
    }
  }
}
