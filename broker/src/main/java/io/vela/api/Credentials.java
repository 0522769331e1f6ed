package io.vela.api;

/**
 * What a client presented at CONNECT, for an {@link Authenticator}.
 *
 * @param password null when the client sent none (bytes as sent, may be binary)
 */
public record Credentials(String clientId, String username, byte[] password, String remoteAddress,
                          String protocolVersion) {
}
