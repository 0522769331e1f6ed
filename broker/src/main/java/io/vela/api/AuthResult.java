package io.vela.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The answer of an {@link Authenticator}.
 *
 * @param detail    why it was refused, for the log; null otherwise
 * @param principal who the client is (user name or token subject) when allowed; null if unknown
 * @param claims    what the credentials said about the client (token claims), for the {@link Authorizer}; null if none
 * @param expiresAt when the credentials stop being valid (token {@code exp}); null if they do not expire
 */
public record AuthResult(Outcome outcome, String detail, String principal, JsonObject claims, Instant expiresAt) {

  public enum Outcome {
    /** The client may connect. */
    ALLOWED,
    /** Unknown user or wrong password (MQTT 5 0x86, MQTT 3.x return code 4). */
    BAD_CREDENTIALS,
    /** Known but not allowed to connect (MQTT 5 0x87, MQTT 3.x return code 5). */
    NOT_AUTHORIZED,
    /**
     * Not this authenticator's kind of credentials (e.g. a password that is not a token): the next authenticator of
     * the chain decides. At the end of a chain it counts as {@link #BAD_CREDENTIALS}.
     */
    NO_MATCH
  }

  public static final AuthResult ALLOWED = new AuthResult(Outcome.ALLOWED, null);

  public static final AuthResult NO_MATCH = new AuthResult(Outcome.NO_MATCH, null);

  public AuthResult(Outcome outcome, String detail) {
    this(outcome, detail, null, null, null);
  }

  public static AuthResult denied(Outcome outcome, String detail) {
    return new AuthResult(outcome, detail);
  }

  /** Allowed as {@code principal}, with the claims and expiry of its credentials (both may be null). */
  public static AuthResult allowed(String principal, JsonObject claims, Instant expiresAt) {
    return new AuthResult(Outcome.ALLOWED, null, principal, claims, expiresAt);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }
}
