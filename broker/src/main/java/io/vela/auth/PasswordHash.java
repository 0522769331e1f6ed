package io.vela.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted password hashes with the JDK's PBKDF2WithHmacSHA256, written as
 * {@code $pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in unpadded base64). Verification takes the iterations
 * from the stored hash, compares in constant time, and is slow on purpose: call it off the event loop.
 */
public final class PasswordHash {

  /** OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023). */
  public static final int DEFAULT_ITERATIONS = 600_000;
  private static final String PREFIX = "$pbkdf2-sha256$";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHash() {
  }

  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code stored} is a hash this class can verify. */
  public static boolean isValid(String stored) {
    return parts(stored) != null;
  }

  public static boolean verify(char[] password, String stored) {
    String[] p = parts(stored);
    if (p == null) {
      return false;
    }
    byte[] salt = Base64.getDecoder().decode(p[1]);
    byte[] expected = Base64.getDecoder().decode(p[2]);
    return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(p[0])));
  }

  /** iterations, salt, hash; null when malformed. */
  private static String[] parts(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return null;
    }
    String[] p = stored.substring(PREFIX.length()).split("\\$", -1);
    if (p.length != 3) {
      return null;
    }
    try {
      int iterations = Integer.parseInt(p[0]);
      if (iterations < 1 || Base64.getDecoder().decode(p[1]).length < 8 || Base64.getDecoder().decode(p[2]).length
          != HASH_BITS / 8) {
        return null;
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return p;
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }
}
