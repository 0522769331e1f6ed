package io.vela.auth;

import io.vela.config.AuthProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;

/**
 * A {@code type: jwt} provider: the token in the password field is a JWT verified against a JWKS URL (and/or an HMAC
 * secret) with vertx-auth-jwt; see {@link JwksVerifier}.
 */
public final class JwtVerticle extends TokenVerticle {

  private JwksVerifier verifier;
  private HttpClient http;
  private long refreshTimer = -1;

  public JwtVerticle(String name, AuthProviderConfig config) {
    super(name, config);
  }

  @Override
  protected Future<Void> init() {
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    String url = config.jwksUrl;
    verifier = new JwksVerifier(vertx, name, config, http, url == null ? null : () -> url, config.issuer);
    if (url != null && config.jwksRefreshSeconds > 0) {
      refreshTimer = vertx.setPeriodic(config.jwksRefreshSeconds * 1000L, t -> verifier.refresh("periodic refresh"));
    }
    // a key set that cannot be fetched now does not stop the broker: tokens are refused until it can be
    return verifier.refresh("start").recover(e -> Future.succeededFuture());
  }

  @Override
  protected Future<JsonObject> claims(String token) {
    if (token.chars().filter(ch -> ch == '.').count() != 2) {
      return null; // not a JWT: the next provider of the chain may know it
    }
    return verifier.verify(token);
  }

  @Override
  public Future<?> stop() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    return http == null ? Future.succeededFuture() : http.close();
  }
}
