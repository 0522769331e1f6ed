package io.vela.auth;

import io.vela.api.AuthResult;
import io.vela.api.Authenticator;
import io.vela.api.Credentials;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * The providers of one listener in order: the first that recognises the credentials (anything but
 * {@link AuthResult.Outcome#NO_MATCH}) decides; when none does, the client has bad credentials (0x86 / 4).
 */
public final class AuthenticationChain implements Authenticator {

  private final List<Map.Entry<String, Authenticator>> providers;

  public AuthenticationChain(List<Map.Entry<String, Authenticator>> providers) {
    this.providers = List.copyOf(providers);
  }

  @Override
  public Future<AuthResult> authenticate(Credentials credentials) {
    return next(credentials, 0);
  }

  private Future<AuthResult> next(Credentials credentials, int i) {
    if (i == providers.size()) {
      return Future.succeededFuture(AuthResult.denied(AuthResult.Outcome.BAD_CREDENTIALS,
          "no authentication provider recognised the credentials (" + names() + ")"));
    }
    return providers.get(i).getValue().authenticate(credentials)
        .compose(r -> r.outcome() == AuthResult.Outcome.NO_MATCH ? next(credentials, i + 1) : Future.succeededFuture(r));
  }

  private String names() {
    return String.join(", ", providers.stream().map(Map.Entry::getKey).toList());
  }
}
