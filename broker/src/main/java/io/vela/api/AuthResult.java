package io.vela.api;

/** The answer of an {@link Authenticator}. */
public record AuthResult(Outcome outcome, String detail) {

  public enum Outcome {
    /** The client may connect. */
    ALLOWED,
    /** Unknown user or wrong password (MQTT 5 0x86, MQTT 3.x return code 4). */
    BAD_CREDENTIALS,
    /** Known but not allowed to connect (MQTT 5 0x87, MQTT 3.x return code 5). */
    NOT_AUTHORIZED
  }

  public static final AuthResult ALLOWED = new AuthResult(Outcome.ALLOWED, null);

  public static AuthResult denied(Outcome outcome, String detail) {
    return new AuthResult(outcome, detail);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }
}
