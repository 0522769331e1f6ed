package io.vela.console;

import io.vertx.ext.auth.hashing.HashingStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's admin users (PBKDF2 password hashes, verified in constant time) and API keys (SHA-256 of a random
 * key). Password checks are CPU-heavy by design: call {@link #login} off the event loop.
 */
final class AdminAccounts {

  /** PBKDF2-HMAC-SHA512 iterations for new hashes (OWASP 2023 advice for this PRF). */
  static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** A hash that no password matches, checked for unknown users so timing does not tell names apart. */
  private static final String DUMMY = hash("not a password " + System.nanoTime());

  private final HashingStrategy hashing = HashingStrategy.load();
  private final Map<String, ConsoleConfig.User> users = new LinkedHashMap<>();
  private final Map<String, ConsoleConfig.ApiKey> keys = new LinkedHashMap<>();

  AdminAccounts(List<ConsoleConfig.User> users, List<ConsoleConfig.ApiKey> keys) {
    users.forEach(u -> this.users.put(u.username(), u));
    keys.forEach(k -> this.keys.put(k.sha256(), k));
  }

  boolean hasUsers() {
    return !users.isEmpty();
  }

  void add(ConsoleConfig.User user) {
    users.put(user.username(), user);
  }

  /** The user if the password matches, otherwise null. Blocking (PBKDF2). */
  ConsoleConfig.User login(String username, String password) {
    ConsoleConfig.User u = users.get(username);
    boolean ok = hashing.verify(u == null ? DUMMY : u.passwordHash(), password);
    return u != null && ok ? u : null;
  }

  /** The API key presented as a bearer token, or null. Cheap (one SHA-256): keys are long random strings. */
  ConsoleConfig.ApiKey apiKey(String presented) {
    return keys.get(sha256(presented));
  }

  HashingStrategy hashing() {
    return hashing;
  }

  /** A new PHC string for {@code password}: {@code $pbkdf2$it=210000$<salt>$<hash>}. */
  static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return HashingStrategy.load().hash("pbkdf2", Map.of("it", String.valueOf(ITERATIONS)),
        Base64.getEncoder().withoutPadding().encodeToString(salt), password);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** A random secret of 32 bytes, URL-safe base64 (43 characters): API keys, generated passwords, CSRF tokens. */
  static String randomSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
