package io.vela.api;

/**
 * Turns an authenticated identity into the {@link Permissions} of its connection. Called once at CONNECT and at each
 * successful re-authentication, on the connection's event loop: it must be quick and must not block or call out
 * (what it needs from an identity provider arrives in {@link ClientIdentity#claims()}). Register it with the session
 * registry.
 */
public interface Authorizer {

  Permissions permissions(ClientIdentity identity);

  /** Allows everything to everyone. */
  Authorizer ALLOW_ALL = identity -> Permissions.ALLOW_ALL;
}
