package io.vela.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Introspection results by SHA-256 of the token (the token itself is not kept), at most {@code maxEntries}
 * (least recently used dropped first), each for at most {@code ttlSeconds} and never past the token's exp. An
 * inactive answer is cached too (as null claims), so a replayed bad token does not cost an IdP call each time.
 * Used on one verticle's context only.
 */
final class IntrospectionCache {

  private record Entry(JsonObject claims, long untilMillis) {
  }

  private final int maxEntries;
  private final long ttlMillis;
  private final LinkedHashMap<String, Entry> entries;

  IntrospectionCache(int maxEntries, int ttlSeconds) {
    this.maxEntries = maxEntries;
    this.ttlMillis = ttlSeconds * 1000L;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > IntrospectionCache.this.maxEntries;
      }
    };
  }

  /** Null: not cached; else {@code Optional.empty()}-like: a JsonObject of claims, or INACTIVE. */
  Object get(String token, long nowMillis) {
    if (maxEntries == 0 || ttlMillis == 0) {
      return null;
    }
    String key = key(token);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (nowMillis >= e.untilMillis) {
      entries.remove(key);
      return null;
    }
    return e.claims == null ? INACTIVE : e.claims;
  }

  void put(String token, JsonObject claims, long nowMillis) {
    if (maxEntries == 0 || ttlMillis == 0) {
      return;
    }
    long until = nowMillis + ttlMillis;
    if (claims != null && claims.getValue("exp") instanceof Number exp) {
      until = Math.min(until, exp.longValue() * 1000);
    }
    entries.put(key(token), new Entry(claims, until));
  }

  int size() {
    return entries.size();
  }

  static final Object INACTIVE = new Object();

  private static String key(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
