package io.vela.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Console login through the configured OpenID Connect provider: authorization code flow with PKCE (S256) and a
 * state bound to the browser's session. Only the ID token's claims are used, and only when vertx-auth-oauth2 has
 * validated it (signature from the provider's JWKS, issuer, audience = our client id). The role comes from a claim.
 * The provider is discovered at the first login (and again after a failed discovery, after
 * {@link #REDISCOVER_AFTER}, or after an ID token it could not check), so a provider that is down does not stop the
 * broker.
 */
final class OidcLogin {

  static final String LOGIN = ApiRoutes.PREFIX + "/oidc/login";
  static final String CALLBACK = ApiRoutes.PREFIX + "/oidc/callback";
  private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);

  private final Vertx vertx;
  private final ConsoleConfig.Oidc config;
  private final String redirectUri;
  private Future<OAuth2Auth> provider;
  private long discoveredAtNanos;
  /** The provider last built, and what it was built from. */
  private OAuth2Auth current;
  private String currentFingerprint;
  /** How long a discovered provider (endpoints and signature keys) is used before the next login reads it again. */
  static final Duration REDISCOVER_AFTER = Duration.ofMinutes(10);

  OidcLogin(Vertx vertx, ConsoleConfig.Oidc config, String defaultBaseUrl) {
    this.vertx = vertx;
    this.config = config;
    String base = config.publicUrl() == null ? defaultBaseUrl : config.publicUrl();
    this.redirectUri = base.replaceAll("/+$", "") + CALLBACK;
  }

  private synchronized Future<OAuth2Auth> provider() {
    if (provider == null || provider.failed()
        || System.nanoTime() - discoveredAtNanos > REDISCOVER_AFTER.toNanos()) {
      discoveredAtNanos = System.nanoTime();
      provider = discover().onFailure(e ->
          LOG.warn("admin console: OIDC discovery at {} failed: {}", config.issuer(), e.getMessage()));
    }
    return provider;
  }

  /** The next login discovers the provider again (its keys may have rotated; if not, the same one is kept). */
  private synchronized void forgetProvider() {
    provider = null;
  }

  /**
   * Reads the discovery document and the signature keys itself rather than through OpenIDConnectAuth.discover,
   * which also parses every key of the JWKS and logs a WARN with a stack trace for each one it cannot use (Keycloak
   * always publishes an RSA-OAEP encryption key). The provider gets the signature keys only, and no JWKS URL: the
   * keys are read again at the next login after {@link #REDISCOVER_AFTER}, or after a login whose ID token could not
   * be checked. Without a key it would not check ID tokens at all, so no key means no provider.
   */
  private Future<OAuth2Auth> discover() {
    String site = config.issuer().replaceAll("/+$", "");
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    return fetchJson(http, site + "/.well-known/openid-configuration").compose(doc -> {
      String issuer = doc.getString("issuer");
      if (issuer == null || !issuer.replaceAll("/+$", "").equals(site)) {
        return Future.failedFuture("the discovery document names issuer " + issuer + ", not " + config.issuer());
      }
      for (String endpoint : List.of("authorization_endpoint", "token_endpoint", "jwks_uri")) {
        if (doc.getString(endpoint) == null) {
          return Future.failedFuture("the discovery document has no " + endpoint);
        }
      }
      return fetchJson(http, doc.getString("jwks_uri")).compose(jwks -> {
        List<JsonObject> keys = signatureKeys(jwks);
        if (keys.isEmpty()) {
          return Future.failedFuture("the JWKS at " + doc.getString("jwks_uri") + " has no RSA or EC signature key");
        }
        // an unchanged provider is kept: each OAuth2Auth holds an HTTP client of its own that cannot be closed
        String fingerprint = doc.getString("authorization_endpoint") + " " + doc.getString("token_endpoint") + " "
            + issuer + " " + keys;
        synchronized (this) {
          if (current != null && fingerprint.equals(currentFingerprint)) {
            return Future.succeededFuture(current);
          }
        }
        OAuth2Options options = new OAuth2Options().setSite(site).setClientId(config.clientId())
            .setClientSecret(config.clientSecret())
            .setAuthorizationPath(doc.getString("authorization_endpoint"))
            .setTokenPath(doc.getString("token_endpoint"))
            .setJwkPath(null)
            .setUserInfoPath(null)
            .setIntrospectionPath(null)
            .setJWTOptions(new JWTOptions().setIssuer(issuer))
            .setJwks(keys);
        OAuth2Auth created = OAuth2Auth.create(vertx, options);
        synchronized (this) {
          current = created;
          currentFingerprint = fingerprint;
        }
        return Future.succeededFuture(created);
      });
    }).andThen(ar -> http.close());
  }

  private static Future<JsonObject> fetchJson(HttpClient http, String url) {
    return http.request(new RequestOptions().setAbsoluteURI(url).setMethod(HttpMethod.GET)
            .putHeader("Accept", "application/json").setTimeout(10_000))
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("HTTP " + resp.statusCode() + " from " + url)))
        .map(body -> new JsonObject(body))
        .recover(e -> Future.failedFuture(url + ": " + e.getMessage()));
  }

  /**
   * The RSA and EC signature keys of a JWKS, each with its {@code alg} (filled in from the key type where the
   * provider leaves it out); encryption keys ({@code use: enc}, RSA-OAEP, ECDH) and other key types are left out.
   */
  static List<JsonObject> signatureKeys(JsonObject jwks) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray keys = jwks.getJsonArray("keys", new JsonArray());
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.getValue(i) instanceof JsonObject k) || "enc".equals(k.getString("use"))) {
        continue;
      }
      String kty = k.getString("kty", "");
      String alg = k.getString("alg");
      if (alg == null) {
        alg = switch (kty) {
          case "RSA" -> "RS256";
          case "EC" -> switch (k.getString("crv", "")) {
            case "P-256" -> "ES256";
            case "P-384" -> "ES384";
            case "P-521" -> "ES512";
            default -> null;
          };
          default -> null;
        };
      }
      boolean signature = kty.equals("RSA") && alg != null && alg.matches("(RS|PS)(256|384|512)")
          || kty.equals("EC") && alg != null && alg.matches("ES(256|384|512)");
      if (signature) {
        out.add(k.copy().put("alg", alg));
      }
    }
    return out;
  }

  /** GET /api/v1/oidc/login: redirects the browser to the provider. */
  void login(RoutingContext ctx) {
    provider().onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(new Problem(502, "Identity provider unavailable", "the OpenID Connect provider "
            + config.issuer() + " cannot be reached: " + ar.cause().getMessage(), null));
        return;
      }
      String state = AdminAccounts.randomSecret();
      String verifier = AdminAccounts.randomSecret() + AdminAccounts.randomSecret();
      ctx.session().put("oidc-state", state).put("oidc-verifier", verifier);
      String url = ar.result().authorizeURL(new OAuth2AuthorizationURL().setRedirectUri(redirectUri)
          .setScopes(config.scopes()).setState(state).setCodeChallenge(challenge(verifier))
          .setCodeChallengeMethod("S256"));
      ctx.redirect(url);
    });
  }

  /** GET /api/v1/oidc/callback?code&state: exchanges the code, maps the role, starts the console session. */
  void callback(RoutingContext ctx) {
    Session session = ctx.session();
    String expected = session.remove("oidc-state");
    String verifier = session.remove("oidc-verifier");
    String error = ctx.request().getParam("error");
    if (error != null) {
      String description = ctx.request().getParam("error_description");
      throw new Problem(401, "Unauthorized", "the identity provider refused the login: " + error
          + (description == null ? "" : " (" + description + ")"), null);
    }
    String state = ctx.request().getParam("state");
    if (expected == null || state == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        state.getBytes(StandardCharsets.UTF_8))) {
      throw Problem.badRequest("state", "unknown or expired login attempt (state does not match): start again");
    }
    String code = ctx.request().getParam("code");
    if (code == null || code.isEmpty()) {
      throw Problem.badRequest("code", "the identity provider sent no authorization code");
    }
    provider().compose(p -> p.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE)
        .setCode(code).setRedirectUri(redirectUri).setCodeVerifier(verifier))).onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("admin console: OIDC code exchange failed: {}", ar.cause().getMessage());
            ctx.fail(new Problem(401, "Unauthorized", "the login could not be completed: "
                + ar.cause().getMessage(), null));
            return;
          }
          signIn(ctx, ar.result());
        });
  }

  private void signIn(RoutingContext ctx, User user) {
    JsonObject claims = user.attributes().getJsonObject("idToken");
    if (claims == null) {
      forgetProvider(); // perhaps signed with a key that is new since the last discovery
    }
    String invalid = claims == null ? "missing, or its signature, issuer or audience is wrong"
        : problemWith(claims, config.clientId(), config.issuer(), System.currentTimeMillis() / 1000);
    if (invalid != null) {
      LOG.warn("admin console: OIDC login refused: ID token {}", invalid);
      ctx.fail(new Problem(401, "Unauthorized", "the identity provider sent no valid ID token: " + invalid, null));
      return;
    }
    String name = claims.getString(config.usernameClaim(), claims.getString("sub"));
    List<String> roles = strings(claim(claims, config.rolesClaim()));
    Role role = roles.stream().anyMatch(config.adminRoles()::contains) ? Role.ADMIN
        : roles.stream().anyMatch(config.readOnlyRoles()::contains) ? Role.READ_ONLY : null;
    if (role == null) {
      LOG.warn("admin console: OIDC user {} has none of the configured roles in claim '{}'", name,
          config.rolesClaim());
      ctx.fail(new Problem(403, "Forbidden", "'" + name + "' has no Vela console role (claim '"
          + config.rolesClaim() + "')", null));
      return;
    }
    Session session = ctx.session();
    session.regenerateId();
    session.put("user", name).put("role", role.label()).put("csrf", AdminAccounts.randomSecret());
    LOG.info("admin console: username={} logged in through OIDC with role {}", name, role.label());
    ctx.redirect("/");
  }

  /**
   * Our own checks of a (signature-checked) ID token on top of vertx-auth-oauth2's, which lets a token without
   * {@code aud} or {@code iss} through: audience, issuer, authorized party, expiry.
   *
   * @return what is wrong, or null
   */
  static String problemWith(JsonObject claims, String clientId, String issuer, long nowSeconds) {
    Object aud = claims.getValue("aud");
    List<String> audiences = aud instanceof String a ? List.of(a) : strings(aud);
    if (!audiences.contains(clientId)) {
      return "is not for this client (aud " + audiences + ", expected " + clientId + ")";
    }
    String azp = claims.getString("azp");
    if (audiences.size() > 1 && !clientId.equals(azp)) {
      return "has several audiences and another authorized party (azp " + azp + ")";
    }
    String iss = claims.getString("iss");
    if (iss == null || !iss.replaceAll("/+$", "").equals(issuer.replaceAll("/+$", ""))) {
      return "comes from another issuer (iss " + iss + ", expected " + issuer + ")";
    }
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number n) || n.longValue() <= nowSeconds) {
      return "has expired or has no expiry";
    }
    return null;
  }

  /** A claim by name, or by a dotted path into nested objects (Keycloak: {@code realm_access.roles}). */
  static Object claim(JsonObject claims, String path) {
    if (claims.containsKey(path)) {
      return claims.getValue(path);
    }
    Object v = claims;
    for (String part : path.split("\\.")) {
      if (!(v instanceof JsonObject o)) {
        return null;
      }
      v = o.getValue(part);
    }
    return v;
  }

  static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof String s) {
      for (String part : s.split("[ ,]+")) {
        if (!part.isEmpty()) {
          out.add(part);
        }
      }
    } else if (v instanceof JsonArray a) {
      a.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }

  static String challenge(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
