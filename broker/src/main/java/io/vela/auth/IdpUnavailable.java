package io.vela.auth;

/** The identity provider could not be reached for what this token needs: fail closed (0x88 Server unavailable). */
final class IdpUnavailable extends RuntimeException {

  IdpUnavailable(String message) {
    super(message, null, false, false);
  }
}
