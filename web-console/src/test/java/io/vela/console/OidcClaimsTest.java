package io.vela.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The ID token checks Vela adds to vertx-auth-oauth2's (which accepts a token without aud or iss). The provider used
 * in ConsoleOidcIT always issues ID tokens for the requesting client, so these cases are checked here.
 */
class OidcClaimsTest {

  static final String ISSUER = "https://idp.example.org/realms/ops";
  static final long NOW = 1_800_000_000L;

  static JsonObject good() {
    return new JsonObject().put("iss", ISSUER).put("aud", "vela").put("exp", NOW + 60).put("sub", "u1");
  }

  static String check(JsonObject claims) {
    return OidcLogin.problemWith(claims, "vela", ISSUER, NOW);
  }

  @Test
  @DisplayName("a token for this client from this issuer, not expired, passes (aud as string or list)")
  void valid() {
    assertThat(check(good())).isNull();
    assertThat(check(good().put("aud", new JsonArray().add("vela")))).isNull();
    assertThat(check(good().put("aud", new JsonArray().add("vela").add("api")).put("azp", "vela"))).isNull();
    assertThat(OidcLogin.problemWith(good(), "vela", ISSUER + "/", NOW)).isNull();
  }

  @Test
  @DisplayName("another audience, no audience, a foreign authorized party, another issuer, expiry: refused")
  void invalid() {
    assertThat(check(good().put("aud", "other-app"))).contains("not for this client");
    assertThat(check(good().copy().put("aud", (Object) null))).contains("not for this client");
    assertThat(check(good().put("aud", new JsonArray().add("vela").add("api")).put("azp", "api")))
        .contains("authorized party");
    assertThat(check(good().put("iss", "https://evil.example.org/realms/ops"))).contains("another issuer");
    assertThat(check(good().copy().put("iss", (Object) null))).contains("another issuer");
    assertThat(check(good().put("exp", NOW))).contains("expired");
    assertThat(check(good().copy().put("exp", (Object) null))).contains("expired");
  }

  @Test
  @DisplayName("roles are read from a claim by name or dotted path, as a list or a space-separated string")
  void roles() {
    JsonObject claims = new JsonObject().put("realm_access", new JsonObject().put("roles",
        new JsonArray().add("vela-admins"))).put("scope", "a b");
    assertThat(OidcLogin.strings(OidcLogin.claim(claims, "realm_access.roles"))).containsExactly("vela-admins");
    assertThat(OidcLogin.strings(OidcLogin.claim(claims, "scope"))).containsExactly("a", "b");
    assertThat(OidcLogin.claim(claims, "missing.path")).isNull();
  }
  @Test
  @DisplayName("the console's provider gets a JWKS's RSA and EC signature keys (alg filled in where missing); "
      + "Keycloak's RSA-OAEP encryption key, use=enc keys and symmetric keys are left out")
  void signatureKeysOfAKeycloakLikeJwks() {
    JsonObject jwks = new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("kid", "sig").put("kty", "RSA").put("alg", "RS256").put("use", "sig")
            .put("n", "AQAB").put("e", "AQAB"))
        .add(new JsonObject().put("kid", "enc").put("kty", "RSA").put("alg", "RSA-OAEP").put("use", "enc")
            .put("n", "AQAB").put("e", "AQAB"))
        .add(new JsonObject().put("kid", "oaep-no-use").put("kty", "RSA").put("alg", "RSA-OAEP"))
        .add(new JsonObject().put("kid", "ec").put("kty", "EC").put("crv", "P-384").put("x", "AA").put("y", "AA"))
        .add(new JsonObject().put("kid", "rsa-no-alg").put("kty", "RSA").put("n", "AQAB").put("e", "AQAB"))
        .add(new JsonObject().put("kid", "hmac").put("kty", "oct").put("k", "c2VjcmV0"))
        .add("not a key"));
    assertThat(OidcLogin.signatureKeys(jwks)).extracting(k -> k.getString("kid") + ":" + k.getString("alg"))
        .containsExactly("sig:RS256", "ec:ES384", "rsa-no-alg:RS256");
    assertThat(OidcLogin.signatureKeys(new JsonObject())).isEmpty();
  }
}
