package io.vela.auth;

import io.vela.api.AuthResult;
import io.vela.config.AuthProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token provider answering authentication requests on the event bus at CONNECT / AUTH time (request / reply, see
 * {@link TokenRequests}): it checks the token, then the claims every provider checks (exp required, user name
 * claim) and replies with the principal, claims and expiry. A provider that cannot reach what it needs fails the
 * request (the connection gets 0x88) instead of guessing.
 */
abstract class TokenVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerticle.class);

  protected final String name;
  protected final AuthProviderConfig config;
  private MessageConsumer<JsonObject> consumer;

  TokenVerticle(String name, AuthProviderConfig config) {
    this.name = name;
    this.config = config;
  }

  /** The event-bus address of provider {@code name}. */
  static String address(String name) {
    return io.vela.bus.Addresses.AUTH_AUTHENTICATE_PREFIX + name;
  }

  @Override
  public Future<?> start() {
    // local only: tokens never leave this node, even on a clustered event bus
    consumer = vertx.eventBus().localConsumer(address(name), this::handle);
    return consumer.completion().compose(v -> init());
  }

  /** Provider-specific start (fetch keys, discover); must not fail when the identity provider is down. */
  protected abstract Future<Void> init();

  /** The verified claims of {@code token}; fails with TokenRejected / IdpUnavailable. Null = not this kind. */
  protected abstract Future<JsonObject> claims(String token);

  private void handle(Message<JsonObject> msg) {
    JsonObject req = msg.body();
    String token = req.getString("token");
    String username = req.getString("username");
    if (token == null || token.isEmpty()) {
      msg.reply(TokenRequests.reply(AuthResult.NO_MATCH));
      return;
    }
    Future<JsonObject> verified;
    try {
      verified = claims(token);
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    if (verified == null) {
      msg.reply(TokenRequests.reply(AuthResult.NO_MATCH));
      return;
    }
    verified.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(TokenRequests.reply(decide(ar.result(), username)));
      } else if (ar.cause() instanceof TokenRejected r) {
        msg.reply(TokenRequests.reply(AuthResult.denied(r.notAuthorized ? AuthResult.Outcome.NOT_AUTHORIZED
            : AuthResult.Outcome.BAD_CREDENTIALS, "token refused by " + name + ": " + r.getMessage())));
      } else {
        LOG.warn("auth provider {}: clientId={} cannot check the token: {}", name, req.getString("clientId"),
            ar.cause().getMessage());
        msg.fail(503, "auth provider " + name + ": " + ar.cause().getMessage());
      }
    });
  }

  private AuthResult decide(JsonObject claims, String username) {
    Object exp = claims.getValue("exp");
    if (config.requireExpiry && !(exp instanceof Number)) {
      return AuthResult.denied(AuthResult.Outcome.BAD_CREDENTIALS, "token refused by " + name + ": no exp claim");
    }
    if (config.usernameClaim != null && username != null
        && !username.equals(String.valueOf(claims.getValue(config.usernameClaim)))) {
      return AuthResult.denied(AuthResult.Outcome.NOT_AUTHORIZED, "user name does not match claim "
          + config.usernameClaim);
    }
    Object principal = claims.getValue(config.principalClaim);
    return AuthResult.allowed(principal == null ? username : String.valueOf(principal), claims,
        exp instanceof Number n ? java.time.Instant.ofEpochSecond(n.longValue()) : null);
  }
}
