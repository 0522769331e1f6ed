package io.vela.auth;

import io.vela.config.AuthProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWT;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies JWTs with vertx-auth-jwt against a JSON Web Key Set fetched over HTTP (and/or an HMAC secret), strictly:
 * only the configured algorithms (never {@code none}), issuer, audience, exp / nbf with the clock skew. Keys are
 * fetched at start, every jwks-refresh-seconds, and when a token names an unknown kid (at most once per
 * jwks-min-refetch-seconds); a failed fetch is retried a bounded number of times and the keys already known keep
 * working. Runs on its verticle's context: nothing here blocks.
 */
final class JwksVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwksVerifier.class);

  private final Vertx vertx;
  private final String name;
  private final AuthProviderConfig config;
  private final HttpClient http;
  private final Supplier<String> jwksUrl;
  private final String issuer;
  private JWTAuth auth;
  private Set<String> kids = Set.of();
  private boolean haveKeys;
  private long lastFetchNanos = Long.MIN_VALUE / 2;
  private Future<Void> fetching;

  /**
   * @param jwksUrl the key-set URL (null result = none yet, e.g. discovery pending); null supplier = HMAC only
   * @param issuer  the required iss, or null
   */
  JwksVerifier(Vertx vertx, String name, AuthProviderConfig config, HttpClient http, Supplier<String> jwksUrl,
               String issuer) {
    this.vertx = vertx;
    this.name = name;
    this.config = config;
    this.http = http;
    this.jwksUrl = jwksUrl;
    this.issuer = issuer;
    rebuild(List.of());
  }

  boolean usesJwks() {
    return jwksUrl != null;
  }

  /** Fetches the key set now (bounded retries); completes even when the fetch failed (logged). */
  Future<Void> refresh(String why) {
    if (jwksUrl == null) {
      return Future.succeededFuture();
    }
    if (fetching != null) {
      return fetching;
    }
    String url = jwksUrl.get();
    if (url == null) {
      return Future.failedFuture(new IdpUnavailable("no key set URL yet"));
    }
    lastFetchNanos = System.nanoTime();
    Promise<Void> done = Promise.promise();
    fetching = done.future();
    attempt(url, 1, why, done);
    return fetching.eventually(() -> {
      fetching = null;
      return Future.succeededFuture();
    });
  }

  private void attempt(String url, int n, String why, Promise<Void> done) {
    fetchJson(http, url).onSuccess(jwks -> {
      List<JsonObject> keys = usable(jwks);
      Set<String> before = kids;
      boolean hadKeys = haveKeys;
      rebuild(keys);
      if (!hadKeys || !before.equals(kids)) {
        LOG.info("auth provider {}: {} key(s) loaded from {} ({}), key ids {}", name, keys.size(), url, why, kids);
      } else {
        LOG.debug("auth provider {}: key set from {} unchanged ({})", name, url, why);
      }
      done.complete();
    }).onFailure(e -> {
      if (n < config.fetchAttempts) {
        vertx.setTimer(500L << (n - 1), t -> attempt(url, n + 1, why, done));
        return;
      }
      LOG.warn("auth provider {}: cannot fetch the key set from {} after {} attempt(s): {}; tokens signed with "
          + "keys not yet known are refused (fail closed), known keys keep working", name, url, n, e.toString());
      done.fail(new IdpUnavailable("key set unavailable: " + e.getMessage()));
    });
  }

  /** GETs {@code url} and parses it as a JSON object; fails on a non-200 answer. */
  static Future<JsonObject> fetchJson(HttpClient http, String url) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(5_000)
            .putHeader("Accept", "application/json"))
        .compose(req -> req.send())
        .compose(resp -> status(resp, url))
        .map(body -> body.toJsonObject());
  }

  private static Future<Buffer> status(HttpClientResponse resp, String url) {
    if (resp.statusCode() != 200) {
      return resp.body().transform(ar -> Future.failedFuture("HTTP " + resp.statusCode() + " from " + url));
    }
    return resp.body();
  }

  /** Signature keys of an accepted algorithm; encryption keys (use=enc) and others are left out. */
  private List<JsonObject> usable(JsonObject jwks) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray keys = jwks.getJsonArray("keys", new JsonArray());
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.getValue(i) instanceof JsonObject k) || "enc".equals(k.getString("use"))) {
        continue;
      }
      String alg = k.getString("alg");
      if (alg == null) {
        String kty = k.getString("kty", "");
        alg = config.algorithms.stream().filter(a -> kty.equals("RSA") ? a.startsWith("RS") || a.startsWith("PS")
            : kty.equals("EC") && a.startsWith("ES")).findFirst().orElse(null);
        if (alg == null) {
          continue;
        }
        k = k.copy().put("alg", alg);
      }
      if (config.algorithms.contains(alg)) {
        out.add(k);
      }
    }
    return out;
  }

  private void rebuild(List<JsonObject> keys) {
    JWTOptions jwtOptions = new JWTOptions().setLeeway(config.clockSkewSeconds);
    if (issuer != null) {
      jwtOptions.setIssuer(issuer);
    }
    if (!config.audience.isEmpty()) {
      jwtOptions.setAudience(config.audience);
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions);
    Set<String> ids = new HashSet<>();
    for (JsonObject k : keys) {
      options.addJwk(k);
      if (k.getString("kid") != null) {
        ids.add(k.getString("kid"));
      }
    }
    if (config.hmacSecret != null) {
      for (String alg : config.algorithms) {
        if (alg.startsWith("HS")) {
          options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.hmacSecret));
        }
      }
    }
    haveKeys = !keys.isEmpty() || config.hmacSecret != null;
    kids = ids;
    auth = haveKeys ? JWTAuth.create(vertx, options) : null;
  }

  /**
   * Verifies {@code token}: its claims, or a failure with {@link TokenRejected} (bad token) or
   * {@link IdpUnavailable} (keys needed but unavailable).
   */
  Future<JsonObject> verify(String token) {
    JsonObject parsed;
    try {
      parsed = JWT.parse(token);
    } catch (RuntimeException e) {
      return Future.failedFuture(new TokenRejected("not a JWT"));
    }
    JsonObject header = parsed.getJsonObject("header", new JsonObject());
    String alg = header.getString("alg");
    if (alg == null || !config.algorithms.contains(alg)) {
      return Future.failedFuture(new TokenRejected("algorithm " + alg + " is not accepted (accepted: "
          + String.join(", ", config.algorithms) + ")"));
    }
    String kid = header.getString("kid");
    boolean unknownKid = usesJwks() && !alg.startsWith("HS") && (!haveKeys || kid != null && !kids.contains(kid));
    if (!unknownKid) {
      return check(token);
    }
    long minNanos = config.jwksMinRefetchSeconds * 1_000_000_000L;
    if (fetching == null && System.nanoTime() - lastFetchNanos < minNanos) {
      return haveKeys ? Future.failedFuture(new TokenRejected("unknown key id " + kid))
          : Future.failedFuture(new IdpUnavailable("no keys: the key set could not be fetched"));
    }
    return refresh("unknown kid " + kid).compose(v -> {
      if (kid != null && !kids.contains(kid)) {
        return Future.failedFuture(new TokenRejected("unknown key id " + kid));
      }
      return check(token);
    });
  }

  private Future<JsonObject> check(String token) {
    if (auth == null) {
      return Future.failedFuture(new IdpUnavailable("no keys: the key set could not be fetched"));
    }
    return auth.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new TokenRejected(e.getMessage() == null ? e.toString() : e.getMessage())))
        .map(user -> JWT.parse(token).getJsonObject("payload"));
  }
}
