package io.vela.console;

import static io.vela.console.ConsoleBroker.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Console login through a real OpenID Connect provider (mock-oauth2-server, embedded, started once for the class):
 * authorization code flow with PKCE, followed hop by hop with a cookie-keeping HTTP client like a browser would.
 */
class ConsoleOidcIT {

  static final String CLIENT_ID = "vela-console";
  static MockOAuth2Server idp;
  static ConsoleBroker broker;

  @BeforeAll
  static void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start(java.net.InetAddress.getLoopbackAddress(), ConsoleBroker.freePort());
    String issuer = idp.issuerUrl("ops").toString();
    broker = ConsoleBroker.start(port -> new JsonObject().put("issuer", issuer).put("client-id", CLIENT_ID)
        .put("client-secret", "not-checked-by-the-mock").put("public-url", "http://127.0.0.1:" + port)
        .put("roles-claim", "groups").put("admin-roles", new JsonArray().add("vela-admins"))
        .put("read-only-roles", new JsonArray().add("vela-viewers")));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  /** A browser-like client: keeps cookies, follows no redirect on its own. */
  static HttpClient browser() {
    return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  static HttpResponse<String> get(HttpClient c, String url) throws Exception {
    return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void nextLogin(String subject, Map<String, Object> claims) {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback("ops", subject, "JWT", List.of(CLIENT_ID), claims, 300));
  }

  /** Console login → provider → callback; answers the callback's response. */
  static HttpResponse<String> loginThroughIdp(HttpClient c) throws Exception {
    HttpResponse<String> start = get(c, broker.base() + "/api/v1/oidc/login");
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    String authorize = start.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).startsWith(idp.authorizationEndpointUrl("ops").toString())
        .contains("code_challenge_method=S256").contains("code_challenge=").contains("state=")
        .contains("client_id=" + CLIENT_ID);
    HttpResponse<String> atIdp = get(c, authorize);
    assertThat(atIdp.statusCode()).isEqualTo(302);
    String callback = atIdp.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(broker.base() + "/api/v1/oidc/callback?");
    return get(c, callback);
  }

  @Test
  @DisplayName("a user in the admin group logs in through the provider and gets an admin session with a CSRF token")
  void adminLogin() throws Exception {
    assertThat(json(broker.send(broker.request("/api/v1/auth-methods").GET().build())).getBoolean("oidc")).isTrue();
    nextLogin("alice-sub", Map.of("preferred_username", "alice", "groups", List.of("staff", "vela-admins")));
    HttpClient c = browser();
    HttpResponse<String> done = loginThroughIdp(c);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
    assertThat(done.headers().firstValue("Location")).hasValue("/");
    JsonObject me = json(get(c, broker.base() + "/api/v1/me"));
    assertThat(me.getString("username")).isEqualTo("alice");
    assertThat(me.getString("role")).isEqualTo("admin");
    assertThat(me.getString("auth")).isEqualTo("session");
    HttpResponse<String> publish = c.send(HttpRequest.newBuilder(URI.create(broker.base() + "/api/v1/publish"))
        .header("Content-Type", "application/json").header("X-CSRF-Token", me.getString("csrfToken"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"oidc/test\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(publish.statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a viewer gets the read-only role; a user in neither group is refused")
  void rolesFromClaims() throws Exception {
    nextLogin("bob-sub", Map.of("preferred_username", "bob", "groups", List.of("vela-viewers")));
    HttpClient viewer = browser();
    assertThat(loginThroughIdp(viewer).statusCode()).isEqualTo(302);
    assertThat(json(get(viewer, broker.base() + "/api/v1/me")).getString("role")).isEqualTo("read-only");

    nextLogin("eve-sub", Map.of("preferred_username", "eve", "groups", List.of("staff")));
    HttpClient outsider = browser();
    HttpResponse<String> refused = loginThroughIdp(outsider);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).getString("detail")).contains("eve").contains("groups");
    assertThat(get(outsider, broker.base() + "/api/v1/me").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a callback with a state this browser did not start is refused (login CSRF)")
  void foreignState() throws Exception {
    // no token is issued in this test (the code is never exchanged), so no claims are queued at the provider
    HttpClient attacker = browser();
    HttpResponse<String> start = get(attacker, broker.base() + "/api/v1/oidc/login");
    String callback = get(attacker, start.headers().firstValue("Location").orElseThrow())
        .headers().firstValue("Location").orElseThrow();
    HttpClient victim = browser();
    HttpResponse<String> r = get(victim, callback);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).getString("field")).isEqualTo("state");
    assertThat(get(victim, broker.base() + "/api/v1/me").statusCode()).isEqualTo(401);
  }
}
