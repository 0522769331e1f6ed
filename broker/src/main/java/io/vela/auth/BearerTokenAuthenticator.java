package io.vela.auth;

import io.vela.api.AuthExchange;
import io.vela.api.AuthStep;
import io.vela.api.Authenticator;
import io.vela.api.Credentials;
import io.vela.api.EnhancedAuthenticator;
import io.vertx.core.Future;

/**
 * MQTT 5 enhanced authentication with a bearer token (auth.bearer-method): the client puts its access token in the
 * Authentication Data of CONNECT, and of AUTH 0x19 to re-authenticate with a fresh one; one round, no challenge.
 * The token goes through the token providers (jwt, oidc) of auth.chain, like a token in the password field, so the
 * same checks, claims, ACLs and expiry apply; a successful re-authentication replaces the connection's permissions
 * and expiry.
 */
public final class BearerTokenAuthenticator implements EnhancedAuthenticator {

  private final String method;
  private final Authenticator tokens;

  /** @param tokens the token providers, in order */
  public BearerTokenAuthenticator(String method, Authenticator tokens) {
    this.method = method;
    this.tokens = tokens;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public AuthExchange newExchange(Credentials credentials) {
    return new AuthExchange() {
      @Override
      public Future<AuthStep> start(byte[] authData) {
        if (authData == null || authData.length == 0) {
          return Future.succeededFuture(AuthStep.failure("no token in the Authentication Data"));
        }
        Credentials withToken = new Credentials(credentials.clientId(), credentials.username(), authData,
            credentials.remoteAddress(), credentials.protocolVersion());
        return tokens.authenticate(withToken).map(r -> r.allowed()
            ? AuthStep.success(null, r)
            : AuthStep.failure(r.detail() == null ? r.outcome().name() : r.detail()));
      }

      @Override
      public Future<AuthStep> continueWith(byte[] authData) {
        return Future.succeededFuture(AuthStep.failure("the bearer method has a single round"));
      }
    };
  }
}
