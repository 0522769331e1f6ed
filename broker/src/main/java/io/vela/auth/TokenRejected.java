package io.vela.auth;

/** A token that is not acceptable (bad signature, expired, wrong audience, ...): the client gets 0x86 / 0x87. */
final class TokenRejected extends RuntimeException {

  final boolean notAuthorized;

  TokenRejected(String message) {
    this(message, false);
  }

  /** @param notAuthorized true: a valid token that may not connect (0x87); false: bad credentials (0x86) */
  TokenRejected(String message, boolean notAuthorized) {
    super(message, null, false, false);
    this.notAuthorized = notAuthorized;
  }
}
