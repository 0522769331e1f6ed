package io.vela.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code admin:} section: the admin HTTP listener (REST API, dashboard, metrics, health), its users and API keys.
 * Every key is documented in docs/configuration.md.
 */
final class ConsoleConfig {

  static final String KEY = "admin";
  private static final Set<String> KEYS = Set.of("enabled", "bind", "port", "tls", "users", "api-keys",
      "initial-password", "session-timeout-minutes", "metrics", "oidc");
  private static final Set<String> OIDC_KEYS = Set.of("issuer", "client-id", "client-secret", "public-url", "scopes",
      "username-claim", "roles-claim", "admin-roles", "read-only-roles");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  /** One admin user: the password as a PHC string ({@code $pbkdf2$it=...$salt$hash}). */
  record User(String username, String passwordHash, Role role) {
  }

  /** Console login through an OpenID Connect provider (authorization code + PKCE). */
  record Oidc(String issuer, String clientId, String clientSecret, String publicUrl, List<String> scopes,
              String usernameClaim, String rolesClaim, Set<String> adminRoles, Set<String> readOnlyRoles) {
  }

  /** One API key, stored as the SHA-256 (hex) of the key. */
  record ApiKey(String name, String sha256, Role role) {
  }

  boolean enabled = true;
  String bind = "127.0.0.1";
  int port = 18083;
  String tlsCertFile;
  String tlsKeyFile;
  final List<User> users = new ArrayList<>();
  final List<ApiKey> apiKeys = new ArrayList<>();
  String initialPassword;
  int sessionTimeoutMinutes = 30;
  boolean metricsEnabled = true;
  boolean metricsPublic = true;
  boolean vertxMetrics = true;
  Oidc oidc;

  /**
   * Reads and checks the section ({@code null}: the console is off).
   *
   * @throws IllegalArgumentException naming the key as {@code admin.<path>}
   */
  static ConsoleConfig parse(JsonObject s) {
    if (s == null) {
      return null;
    }
    ConsoleConfig c = new ConsoleConfig();
    unknown(s, KEYS, KEY);
    c.enabled = bool(s, "enabled", true, KEY);
    c.bind = string(s, "bind", c.bind, KEY);
    c.port = integer(s, "port", c.port, 0, 65535, KEY);
    c.sessionTimeoutMinutes = integer(s, "session-timeout-minutes", c.sessionTimeoutMinutes, 1, 7 * 24 * 60, KEY);
    c.initialPassword = string(s, "initial-password", null, KEY);
    if (c.initialPassword != null && c.initialPassword.length() < 8) {
      throw bad(KEY + ".initial-password", "must have at least 8 characters");
    }
    Object tls = s.getValue("tls");
    if (tls != null) {
      JsonObject t = object(tls, KEY + ".tls");
      unknown(t, Set.of("cert-file", "key-file"), KEY + ".tls");
      c.tlsCertFile = required(t, "cert-file", KEY + ".tls");
      c.tlsKeyFile = required(t, "key-file", KEY + ".tls");
    }
    Object metrics = s.getValue("metrics");
    if (metrics != null) {
      JsonObject m = object(metrics, KEY + ".metrics");
      unknown(m, Set.of("enabled", "public", "vertx"), KEY + ".metrics");
      c.metricsEnabled = bool(m, "enabled", true, KEY + ".metrics");
      c.metricsPublic = bool(m, "public", true, KEY + ".metrics");
      c.vertxMetrics = bool(m, "vertx", true, KEY + ".metrics");
    }
    Object oidc = s.getValue("oidc");
    if (oidc != null) {
      c.oidc = oidc(object(oidc, KEY + ".oidc"));
    }
    Set<String> names = new HashSet<>();
    JsonArray users = array(s, "users");
    for (int i = 0; i < users.size(); i++) {
      String at = KEY + ".users." + i;
      JsonObject u = object(users.getValue(i), at);
      unknown(u, Set.of("username", "password-hash", "role"), at);
      String name = required(u, "username", at);
      if (!names.add(name)) {
        throw bad(at + ".username", "'" + name + "' is listed twice");
      }
      String hash = required(u, "password-hash", at);
      if (!hash.startsWith("$pbkdf2$") || hash.split("\\$").length != 5) {
        throw bad(at + ".password-hash", "expected a PBKDF2 PHC string ($pbkdf2$it=N$salt$hash; create one with "
            + "bin/vela-admin hash-password)");
      }
      c.users.add(new User(name, hash, role(u, at)));
    }
    Set<String> keyNames = new HashSet<>();
    JsonArray keys = array(s, "api-keys");
    for (int i = 0; i < keys.size(); i++) {
      String at = KEY + ".api-keys." + i;
      JsonObject k = object(keys.getValue(i), at);
      unknown(k, Set.of("name", "sha256", "role"), at);
      String name = required(k, "name", at);
      if (!keyNames.add(name)) {
        throw bad(at + ".name", "'" + name + "' is listed twice");
      }
      String sha = required(k, "sha256", at).toLowerCase(Locale.ROOT);
      if (!SHA256_HEX.matcher(sha).matches()) {
        throw bad(at + ".sha256", "expected 64 hex digits (the SHA-256 of the key; create one with "
            + "bin/vela-admin api-key)");
      }
      c.apiKeys.add(new ApiKey(name, sha, role(k, at)));
    }
    return c;
  }

  private static Oidc oidc(JsonObject o) {
    String at = KEY + ".oidc";
    unknown(o, OIDC_KEYS, at);
    String issuer = required(o, "issuer", at);
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw bad(at + ".issuer", "expected an http(s) URL, got '" + issuer + "'");
    }
    String publicUrl = string(o, "public-url", null, at);
    if (publicUrl != null && !publicUrl.startsWith("https://") && !publicUrl.startsWith("http://")) {
      throw bad(at + ".public-url", "expected an http(s) URL, got '" + publicUrl + "'");
    }
    List<String> scopes = strings(o, "scopes", List.of("openid", "profile"), at);
    if (!scopes.contains("openid")) {
      throw bad(at + ".scopes", "must include openid");
    }
    Set<String> admins = new HashSet<>(strings(o, "admin-roles", List.of(), at));
    Set<String> readers = new HashSet<>(strings(o, "read-only-roles", List.of(), at));
    if (admins.isEmpty() && readers.isEmpty()) {
      throw bad(at + ".admin-roles", "list at least one role in admin-roles or read-only-roles (no one could log in)");
    }
    return new Oidc(issuer, required(o, "client-id", at), string(o, "client-secret", null, at), publicUrl, scopes,
        string(o, "username-claim", "preferred_username", at), string(o, "roles-claim", "roles", at), admins,
        readers);
  }

  private static List<String> strings(JsonObject o, String key, List<String> dflt, String at) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof JsonArray a)) {
      throw bad(at + "." + key, "expected a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object x : a) {
      if (!(x instanceof String str) || str.isBlank()) {
        throw bad(at + "." + key, "expected a list of strings");
      }
      out.add(str);
    }
    return out;
  }

  boolean tls() {
    return tlsCertFile != null;
  }

  private static Role role(JsonObject o, String at) {
    String label = string(o, "role", "admin", at);
    Role r = Role.parse(label);
    if (r == null) {
      throw bad(at + ".role", "expected admin or read-only, got '" + label + "'");
    }
    return r;
  }

  private static void unknown(JsonObject o, Set<String> known, String at) {
    for (String k : o.fieldNames()) {
      if (!known.contains(k)) {
        throw bad(at + "." + k, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private static JsonObject object(Object v, String at) {
    if (v instanceof JsonObject o) {
      return o;
    }
    throw bad(at, "expected a mapping");
  }

  private static JsonArray array(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) {
      return new JsonArray();
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    throw bad(KEY + "." + key, "expected a list");
  }

  private static String required(JsonObject o, String key, String at) {
    String v = string(o, key, null, at);
    if (v == null || v.isBlank()) {
      throw bad(at + "." + key, "is required");
    }
    return v;
  }

  private static String string(JsonObject o, String key, String dflt, String at) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String str) {
      return str;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw bad(at + "." + key, "expected a string");
  }

  private static boolean bool(JsonObject o, String key, boolean dflt, String at) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw bad(at + "." + key, "expected true or false");
  }

  private static int integer(JsonObject o, String key, int dflt, int min, int max, String at) {
    Object v = o.getValue(key);
    if (v == null) {
      return dflt;
    }
    long n;
    if (v instanceof Integer || v instanceof Long) {
      n = ((Number) v).longValue();
    } else if (v instanceof String str && str.matches("-?\\d{1,10}")) {
      n = Long.parseLong(str);
    } else {
      throw bad(at + "." + key, "expected a whole number");
    }
    if (n < min || n > max) {
      throw bad(at + "." + key, "must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  private static IllegalArgumentException bad(String key, String problem) {
    return new IllegalArgumentException("config key '" + key + "': " + problem);
  }
}
