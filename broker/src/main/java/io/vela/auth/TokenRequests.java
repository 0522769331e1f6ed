package io.vela.auth;

import io.vela.api.AuthResult;
import io.vela.api.Authenticator;
import io.vela.api.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The {@link Authenticator} side of a token provider verticle: the password (MQTT) or Authentication Data (AUTH)
 * goes to the verticle as an event-bus request with a timeout; the reply becomes an {@link AuthResult}. A timeout or
 * a provider failure fails the future (the connection gets 0x88 Server unavailable).
 */
final class TokenRequests implements Authenticator {

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions options;

  TokenRequests(Vertx vertx, String providerName, long timeoutMs) {
    this.vertx = vertx;
    this.address = TokenVerticle.address(providerName);
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  @Override
  public Future<AuthResult> authenticate(Credentials c) {
    if (c.password() == null || c.password().length == 0) {
      return Future.succeededFuture(AuthResult.NO_MATCH);
    }
    JsonObject req = new JsonObject()
        .put("token", new String(c.password(), StandardCharsets.UTF_8))
        .put("username", c.username())
        .put("clientId", c.clientId());
    return vertx.eventBus().<JsonObject>request(address, req, options).map(m -> result(m.body()));
  }

  static JsonObject reply(AuthResult r) {
    JsonObject o = new JsonObject().put("outcome", r.outcome().name()).put("detail", r.detail())
        .put("principal", r.principal()).put("claims", r.claims());
    if (r.expiresAt() != null) {
      o.put("exp", r.expiresAt().getEpochSecond());
    }
    return o;
  }

  static AuthResult result(JsonObject o) {
    Long exp = o.getLong("exp");
    return new AuthResult(AuthResult.Outcome.valueOf(o.getString("outcome")), o.getString("detail"),
        o.getString("principal"), o.getJsonObject("claims"), exp == null ? null : Instant.ofEpochSecond(exp));
  }
}
