package io.vela.auth;

import io.vela.api.Authenticator;
import io.vertx.core.Vertx;

/** The authenticator that asks token provider verticle {@code name} on the event bus. */
public final class TokenProviders {

  private TokenProviders() {
  }

  public static Authenticator requests(Vertx vertx, String name, long timeoutMs) {
    return new TokenRequests(vertx, name, timeoutMs);
  }
}
