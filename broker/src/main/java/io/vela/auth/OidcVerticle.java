package io.vela.auth;

import io.vela.config.AuthProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code type: oidc} provider (vertx-auth-oauth2): discovers the issuer's endpoints from
 * {@code .well-known/openid-configuration}, then either
 * <ul>
 *   <li>{@code mode: jwt}: validates the access token locally and strictly against the discovered JWKS
 *       ({@link JwksVerifier}: issuer, audience, algorithms, exp/nbf). vertx-auth-oauth2's own authenticate is not
 *       used for this: in 5.0.7 it silently falls back to introspection / userinfo when local validation fails and so
 *       accepts a token for another audience;</li>
 *   <li>{@code mode: introspection}: asks the introspection endpoint (RFC 7662) with the broker's client
 *       credentials, for opaque tokens or for revocation to take effect; answers are kept in a bounded cache.</li>
 * </ul>
 * Discovery that fails (IdP down) is retried on the next request, at most once per jwks-min-refetch-seconds.
 */
public final class OidcVerticle extends TokenVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(OidcVerticle.class);

  private HttpClient http;
  private OAuth2Options discovered;
  private OAuth2Auth introspector;
  private JwksVerifier verifier;
  private IntrospectionCache cache;
  private Future<Void> discovering;
  private long lastDiscoveryNanos = Long.MIN_VALUE / 2;
  private long refreshTimer = -1;

  public OidcVerticle(String name, AuthProviderConfig config) {
    super(name, config);
  }

  @Override
  protected Future<Void> init() {
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    cache = new IntrospectionCache(config.introspectionCacheSize, config.introspectionCacheSeconds);
    return discover(1).recover(e -> Future.succeededFuture());
  }

  private Future<Void> discover(int attempt) {
    if (discovering != null) {
      return discovering;
    }
    lastDiscoveryNanos = System.nanoTime();
    String site = stripSlash(config.issuer);
    // The discovery document is read here rather than by OpenIDConnectAuth.discover: that one also fetches the JWKS
    // and parses every key, logging a WARN with a stack trace for each key it cannot use (Keycloak always publishes
    // an RSA-OAEP encryption key), a fetch neither mode needs (jwt mode loads the keys itself, use=enc skipped).
    discovering = JwksVerifier.fetchJson(http, site + "/.well-known/openid-configuration")
        .<Void>compose(doc -> {
          String issuer = doc.getString("issuer");
          if (issuer == null || !stripSlash(issuer).equals(site)) {
            return Future.failedFuture("the discovery document names issuer " + issuer + ", not " + config.issuer);
          }
          OAuth2Options options = new OAuth2Options().setSite(site)
              .setClientId(config.clientId == null ? "vela" : config.clientId)
              .setClientSecret(config.clientSecret)
              .setJWTOptions(new JWTOptions().setLeeway(config.clockSkewSeconds).setIssuer(issuer))
              .setAuthorizationPath(doc.getString("authorization_endpoint"))
              .setTokenPath(doc.getString("token_endpoint"))
              .setRevocationPath(doc.getString("revocation_endpoint"))
              .setIntrospectionPath(doc.getString("introspection_endpoint"))
              .setJwkPath(doc.getString("jwks_uri"))
              // never the userinfo endpoint: it is vertx-auth-oauth2's fallback when a token does not verify
              .setUserInfoPath(null);
          if (config.mode == AuthProviderConfig.OidcMode.INTROSPECTION) {
            if (options.getIntrospectionPath() == null) {
              return Future.failedFuture("the issuer announces no introspection_endpoint");
            }
            // introspection only: no local keys (so no unverified local decode)
            options.setJwkPath(null);
            introspector = OAuth2Auth.create(vertx, options);
            discovered = options;
          } else {
            if (options.getJwkPath() == null) {
              return Future.failedFuture("the issuer announces no jwks_uri");
            }
            String jwks = options.getJwkPath();
            verifier = new JwksVerifier(vertx, name, config, http, () -> jwks, issuer);
            discovered = options;
            if (config.jwksRefreshSeconds > 0 && refreshTimer < 0) {
              refreshTimer = vertx.setPeriodic(config.jwksRefreshSeconds * 1000L,
                  t -> verifier.refresh("periodic refresh"));
            }
            return verifier.refresh("discovery").recover(e -> Future.succeededFuture());
          }
          LOG.info("auth provider {}: discovered {} ({} mode)", name, config.issuer, config.mode);
          return Future.succeededFuture();
        })
        .recover(e -> {
          if (attempt < config.fetchAttempts) {
            discovering = null;
            return vertx.timer(500L << (attempt - 1)).compose(t -> discover(attempt + 1));
          }
          LOG.warn("auth provider {}: OpenID Connect discovery of {} failed after {} attempt(s): {}; tokens are "
              + "refused (fail closed) until it succeeds", name, config.issuer, attempt, e.getMessage());
          return Future.failedFuture(new IdpUnavailable("discovery failed: " + e.getMessage()));
        })
        .andThen(ar -> discovering = null);
    return discovering;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  protected Future<JsonObject> claims(String token) {
    if (discovered == null) {
      if (discovering == null
          && System.nanoTime() - lastDiscoveryNanos < config.jwksMinRefetchSeconds * 1_000_000_000L) {
        return Future.failedFuture(new IdpUnavailable("issuer " + config.issuer + " not discovered yet"));
      }
      return discover(config.fetchAttempts).compose(v -> claims(token));
    }
    if (config.mode == AuthProviderConfig.OidcMode.JWT) {
      if (token.chars().filter(ch -> ch == '.').count() != 2) {
        return null;
      }
      return verifier.verify(token);
    }
    return introspect(token);
  }

  private Future<JsonObject> introspect(String token) {
    long now = System.currentTimeMillis();
    Object hit = cache.get(token, now);
    if (hit == IntrospectionCache.INACTIVE) {
      return Future.failedFuture(new TokenRejected("token inactive (introspection, cached)"));
    }
    if (hit instanceof JsonObject claims) {
      return Future.succeededFuture(claims);
    }
    return introspector.authenticate(new TokenCredentials(token)).transform(ar -> {
      if (ar.failed()) {
        String m = String.valueOf(ar.cause().getMessage());
        if (m.contains("Inactive Token") || m.contains("expired")) {
          cache.put(token, null, now);
          return Future.failedFuture(new TokenRejected("token inactive or expired (introspection)"));
        }
        return Future.failedFuture(new IdpUnavailable("introspection failed: " + m));
      }
      JsonObject claims = ar.result().principal().copy();
      claims.remove("access_token");
      String problem = audienceOrIssuerProblem(claims);
      if (problem != null) {
        cache.put(token, null, now);
        return Future.failedFuture(new TokenRejected(problem));
      }
      cache.put(token, claims, now);
      return Future.succeededFuture(claims);
    });
  }

  private String audienceOrIssuerProblem(JsonObject claims) {
    String issuer = discovered.getJWTOptions().getIssuer();
    if (issuer != null && claims.containsKey("iss") && !issuer.equals(claims.getString("iss"))) {
      return "wrong issuer " + claims.getValue("iss");
    }
    if (!config.audience.isEmpty()) {
      Object aud = claims.getValue("aud");
      JsonArray auds = aud instanceof JsonArray a ? a : new JsonArray().add(aud);
      if (config.audience.stream().noneMatch(auds::contains)) {
        return "wrong audience " + aud;
      }
    }
    return null;
  }

  @Override
  public Future<?> stop() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    return http == null ? Future.succeededFuture() : http.close();
  }
}
