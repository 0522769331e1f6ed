package io.vela.api;

import io.vertx.core.Future;

/**
 * One enhanced-authentication exchange of one connection (see {@link EnhancedAuthenticator}). The broker calls
 * {@link #start} once with the client's first Authentication Data, then {@link #continueWith} for every AUTH 0x18 the
 * client answers a {@link AuthStep#challenge challenge} with, never two calls at once. Calls happen on the connection's
 * event loop; return a future instead of blocking.
 */
public interface AuthExchange {

  /** @param authData the Authentication Data of the CONNECT or AUTH 0x19, or null when the client sent none */
  Future<AuthStep> start(byte[] authData);

  /** @param authData the Authentication Data of the client's AUTH 0x18, or null when it sent none */
  Future<AuthStep> continueWith(byte[] authData);
}
