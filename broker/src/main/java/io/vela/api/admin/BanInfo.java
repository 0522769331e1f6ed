package io.vela.api.admin;

/**
 * One ban.
 *
 * @param kind            {@code client-id}, {@code username}, {@code ip} or {@code cidr}
 * @param expiresAtMillis epoch milliseconds when it ends, 0 = never
 */
public record BanInfo(String kind, String value, long expiresAtMillis, String reason) {
}
