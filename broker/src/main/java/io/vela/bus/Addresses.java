package io.vela.bus;

/**
 * Event-bus addresses of the control plane. Traffic (PUBLISH) never travels on the event bus: see
 * docs/architecture.md.
 */
public final class Addresses {

  /** Request: the client id (String). Reply: true if a connected client was disconnected (MQTT 5: 0x98). */
  public static final String CLIENT_KICK = "vela.client.kick";

  /**
   * Request: a listener name, or an empty body / null for every TLS listener. Reads the listener's certificate files
   * again and uses them for new connections (open ones stay up). Reply: a JsonObject, listener name to "reloaded" or
   * "unchanged"; fails (404 unknown listener, 500 bad files: the old certificates stay) with a message.
   */
  public static final String TLS_RELOAD = "vela.tls.reload";

  /**
   * Prefix of the address of one token provider (auth.providers.NAME of type jwt or oidc): + NAME. Request: a
   * JsonObject {token, username, clientId} at CONNECT / AUTH time (with auth.request-timeout-ms). Reply: {outcome
   * (ALLOWED, BAD_CREDENTIALS, NOT_AUTHORIZED, NO_MATCH), detail, principal, claims, exp}; fails with 503 when the
   * identity provider cannot be reached (the client gets 0x88).
   */
  public static final String AUTH_AUTHENTICATE_PREFIX = "vela.auth.authenticate.";

  private Addresses() {
  }
}
