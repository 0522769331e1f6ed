package io.vela.api;

import io.vertx.core.Future;

/**
 * Decides whether a CONNECT may proceed. Called on the connection's event loop; implementations that talk to an
 * identity provider must not block it (return a future). Real implementations (file users, JWT, OAuth2/OIDC) arrive
 * with the authentication issue; until then every client that passes the anonymous rule is allowed.
 */
public interface Authenticator {

  Future<AuthResult> authenticate(Credentials credentials);

  /** Allows everyone. */
  Authenticator ALLOW_ALL = credentials -> Future.succeededFuture(AuthResult.ALLOWED);
}
