package io.vela.console;

import static io.vela.console.ConsoleBroker.ADMIN_KEY;
import static io.vela.console.ConsoleBroker.READ_KEY;
import static io.vela.console.ConsoleBroker.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who may do what: API keys, console logins, roles, the CSRF check, and what stays public. */
class ConsoleSecurityIT {

  static ConsoleBroker broker;

  @BeforeAll
  static void start() {
    broker = ConsoleBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static final JsonObject PUBLISH = new JsonObject().put("topic", "security/test").put("payload", "x");

  /** Logs in; answers the session cookie (name=value) and the CSRF token. */
  static String[] login(String user, String password) {
    HttpResponse<String> r = broker.send(broker.request("/api/v1/login").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user)
            .put("password", password).encode())).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
    return new String[] {setCookie.substring(0, setCookie.indexOf(';')), json(r).getString("csrfToken")};
  }

  static HttpResponse<String> withCookie(String method, String path, String cookie, String csrf, JsonObject body) {
    HttpRequest.Builder b = broker.request(path).header("Cookie", cookie);
    if (csrf != null) {
      b.header("X-CSRF-Token", csrf);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return broker.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  @Test
  @DisplayName("without credentials or with a wrong key the API answers 401 problem JSON")
  void unauthenticated() {
    for (String path : List.of("/api/v1/clients", "/api/v1/stats", "/api/v1/me")) {
      HttpResponse<String> r = broker.send(broker.request(path).GET().build());
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    assertThat(broker.get("/api/v1/clients", "vela_wrong").statusCode()).isEqualTo(401);
    assertThat(broker.send(broker.request("/api/v1/clients").header("Authorization", "Basic YWRtaW46YWRtaW4=")
        .GET().build()).statusCode()).isEqualTo(401);
    assertThat(broker.call("POST", "/api/v1/publish", "vela_wrong", PUBLISH).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a read-only API key reads but may not change anything; an admin key may")
  void apiKeyRoles() {
    assertThat(broker.get("/api/v1/clients", READ_KEY).statusCode()).isEqualTo(200);
    assertThat(json(broker.get("/api/v1/me", READ_KEY)).getString("role")).isEqualTo("read-only");
    HttpResponse<String> denied = broker.call("POST", "/api/v1/publish", READ_KEY, PUBLISH);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(json(denied).getString("detail")).contains("read-only");
    assertThat(broker.call("DELETE", "/api/v1/sessions/x", READ_KEY, null).statusCode()).isEqualTo(403);
    assertThat(broker.call("POST", "/api/v1/publish", ADMIN_KEY, PUBLISH).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("console login: a wrong password is refused; a session cookie reads, and changes only with the CSRF "
      + "token; logout ends it")
  void loginSessionCsrf() {
    HttpResponse<String> wrong = broker.send(broker.request("/api/v1/login")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", "admin").put("password", "guess").encode())).build());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> noUser = broker.send(broker.request("/api/v1/login")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", "nobody").put("password", "guess").encode())).build());
    assertThat(noUser.statusCode()).isEqualTo(401);
    assertThat(json(noUser).getString("detail")).isEqualTo(json(wrong).getString("detail"));

    String[] s = login("admin", ConsoleBroker.ADMIN_PASSWORD);
    JsonObject me = json(withCookie("GET", "/api/v1/me", s[0], null, null));
    assertThat(me.getString("username")).isEqualTo("admin");
    assertThat(me.getString("csrfToken")).isEqualTo(s[1]);
    assertThat(withCookie("GET", "/api/v1/clients", s[0], null, null).statusCode()).isEqualTo(200);

    HttpResponse<String> noToken = withCookie("POST", "/api/v1/publish", s[0], null, PUBLISH);
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(json(noToken).getString("field")).isEqualTo("X-CSRF-Token");
    assertThat(withCookie("POST", "/api/v1/publish", s[0], "wrong-token", PUBLISH).statusCode()).isEqualTo(403);
    assertThat(withCookie("POST", "/api/v1/publish", s[0], s[1], PUBLISH).statusCode()).isEqualTo(200);

    assertThat(withCookie("POST", "/api/v1/logout", s[0], s[1], null).statusCode()).isEqualTo(204);
    assertThat(withCookie("GET", "/api/v1/clients", s[0], null, null).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a read-only user logs in and reads, but is refused changes even with the CSRF token")
  void readOnlyUser() {
    String[] s = login("viewer", ConsoleBroker.VIEWER_PASSWORD);
    assertThat(withCookie("GET", "/api/v1/stats", s[0], null, null).statusCode()).isEqualTo(200);
    assertThat(withCookie("POST", "/api/v1/publish", s[0], s[1], PUBLISH).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("a body that is not JSON is refused with 415 (so a cross-site form cannot post), login input is "
      + "checked")
  void contentType() {
    HttpResponse<String> form = broker.send(broker.request("/api/v1/publish")
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("topic=a")).build());
    assertThat(form.statusCode()).isEqualTo(415);
    HttpResponse<String> missing = broker.send(broker.request("/api/v1/login")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", "admin").encode())).build());
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json(missing).getString("field")).isEqualTo("password");
  }

  @Test
  @DisplayName("health, the OpenAPI document and the dashboard's files are public; security headers are set")
  void publicParts() {
    assertThat(broker.send(broker.request("/health/live").GET().build()).statusCode()).isEqualTo(200);
    HttpResponse<String> doc = broker.send(broker.request("/api/v1/openapi.json").GET().build());
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(json(doc).getString("openapi")).startsWith("3.");
    HttpResponse<String> index = broker.send(broker.request("/").GET().build());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("Vela");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
        assertThat(v).contains("default-src 'self'"));
    assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }
}
