package io.vela.api;

/**
 * What an {@link AuthExchange} decided after one message from the client.
 *
 * @param data   Authentication Data for the client (challenge, or final server data on success), or null
 * @param detail why it failed, for the log; null otherwise
 * @param result on success, who the client is and what its credentials allow (principal, claims, expiry), as an
 *               {@link Authenticator} would say it; null when the exchange says nothing beyond "authenticated"
 */
public record AuthStep(Kind kind, byte[] data, String detail, AuthResult result) {

  public AuthStep(Kind kind, byte[] data, String detail) {
    this(kind, data, detail, null);
  }

  public enum Kind {
    /** Send the client AUTH 0x18 (Continue authentication) with {@link #data()} and wait for its answer. */
    CONTINUE,
    /** Authenticated: CONNACK 0x00 at CONNECT, AUTH 0x00 after a re-authentication. */
    SUCCESS,
    /** Not authenticated: CONNACK 0x87 at CONNECT, DISCONNECT 0x87 after a re-authentication. */
    FAILURE
  }

  public static AuthStep challenge(byte[] data) {
    return new AuthStep(Kind.CONTINUE, data, null);
  }

  public static AuthStep success(byte[] data) {
    return new AuthStep(Kind.SUCCESS, data, null);
  }

  /** Authenticated as {@code result} says: its principal, claims and expiry replace the connection's. */
  public static AuthStep success(byte[] data, AuthResult result) {
    return new AuthStep(Kind.SUCCESS, data, null, result);
  }

  public static AuthStep failure(String detail) {
    return new AuthStep(Kind.FAILURE, null, detail);
  }
}
