package io.vela.api;

/**
 * MQTT 5 enhanced authentication (spec 4.12) for one Authentication Method, e.g. SCRAM or Kerberos: a challenge /
 * response exchange of AUTH packets at CONNECT and again whenever the client re-authenticates. Register it with the
 * session registry; a CONNECT naming a method nobody registered gets CONNACK 0x8C.
 */
public interface EnhancedAuthenticator {

  /** The Authentication Method this authenticator handles, compared exactly with the client's. */
  String method();

  /**
   * A new exchange for one connection, at CONNECT or for a re-authentication. Called on the connection's event loop;
   * must not block.
   */
  AuthExchange newExchange(Credentials credentials);
}
