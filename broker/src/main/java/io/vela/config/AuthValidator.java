package io.vela.config;

import static io.vela.config.ConfigValidator.error;
import static io.vela.config.ConfigValidator.range;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Checks of the {@code auth} section and of every listener's auth-chain; each failure names the key. */
final class AuthValidator {

  static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
      "ES384", "ES512", "HS256", "HS384", "HS512");

  private AuthValidator() {
  }

  static void validate(VelaConfig c, Map<String, String> origins) {
    AuthConfig a = c.auth;
    if (a == null) {
      throw new ConfigException("config key 'auth': expected a section");
    }
    if (a.providers == null) {
      a.providers = new java.util.LinkedHashMap<>();
    }
    for (Map.Entry<String, AuthProviderConfig> e : a.providers.entrySet()) {
      provider(origins, "auth.providers." + e.getKey(), e.getValue());
    }
    if (a.chain == null) {
      a.chain = new java.util.ArrayList<>();
    }
    chain(origins, "auth.chain", a.chain, a);
    for (Map.Entry<String, ListenerConfig> e : c.listeners.entrySet()) {
      if (e.getValue().authChain != null) {
        chain(origins, "listeners." + e.getKey() + ".auth-chain", e.getValue().authChain, a);
      }
    }
    range(origins, "auth.request-timeout-ms", a.requestTimeoutMs, 100, 300_000);
    range(origins, "auth.expiry-grace-seconds", a.expiryGraceSeconds, 0, 86_400);
    if (a.expiryReasonCode == null) {
      throw error(origins, "auth.expiry-reason-code", "expected maximum-connect-time or not-authorized");
    }
    if (a.bearerMethod != null && a.bearerMethod.isBlank()) {
      throw error(origins, "auth.bearer-method", "an Authentication Method name is needed, or leave the key out");
    }
    AclConfig acl = a.acl;
    if (acl == null) {
      throw error(origins, "auth.acl", "expected a section");
    }
    if (acl.noMatch == null) {
      throw error(origins, "auth.acl.no-match", "expected allow or deny");
    }
    if (acl.denyAction == null) {
      throw error(origins, "auth.acl.deny-action", "expected ignore or disconnect");
    }
    if (acl.claim != null && acl.claim.isBlank()) {
      throw error(origins, "auth.acl.claim", "a claim name is needed, or leave the key out");
    }
  }

  private static void chain(Map<String, String> origins, String key, List<String> chain, AuthConfig a) {
    for (String name : chain) {
      if (name == null || !a.providers.containsKey(name)) {
        throw error(origins, key, "'" + name + "' is not a provider under auth.providers (known: "
            + String.join(", ", a.providers.keySet()) + ")");
      }
    }
  }

  private static void provider(Map<String, String> origins, String key, AuthProviderConfig p) {
    if (p == null || p.type == null) {
      throw error(origins, key + ".type", "expected file, jwt or oidc");
    }
    switch (p.type) {
      case FILE -> {
        if (p.file == null || p.file.isBlank()) {
          throw error(origins, key + ".file", "a users file is needed (create it with: vela passwd FILE USER)");
        }
      }
      case JWT -> {
        if (p.jwksUrl == null && p.hmacSecret == null) {
          throw error(origins, key + ".jwks-url", "a JWKS URL (or hmac-secret) is needed for a jwt provider");
        }
        if (p.jwksUrl != null) {
          url(origins, key + ".jwks-url", p.jwksUrl);
        }
      }
      case OIDC -> {
        if (p.issuer == null || p.issuer.isBlank()) {
          throw error(origins, key + ".issuer", "the issuer URL is needed (its .well-known/openid-configuration is "
              + "read)");
        }
        url(origins, key + ".issuer", p.issuer);
        if (p.mode == null) {
          throw error(origins, key + ".mode", "expected jwt or introspection");
        }
        if (p.mode == AuthProviderConfig.OidcMode.INTROSPECTION && (p.clientId == null || p.clientSecret == null)) {
          throw error(origins, key + ".client-id", "introspection needs client-id and client-secret");
        }
      }
      default -> throw new IllegalStateException();
    }
    if (p.type != AuthProviderConfig.Type.FILE) {
      if (p.algorithms == null || p.algorithms.isEmpty()) {
        throw error(origins, key + ".algorithms", "at least one algorithm is needed, e.g. [RS256]");
      }
      for (String alg : p.algorithms) {
        if (alg == null || !ALGORITHMS.contains(alg)) {
          throw error(origins, key + ".algorithms", "'" + alg + "' is not accepted (supported: "
              + String.join(", ", new java.util.TreeSet<>(ALGORITHMS)) + "; 'none' never is)");
        }
        if (alg.startsWith("HS") && p.type == AuthProviderConfig.Type.JWT && p.hmacSecret == null) {
          throw error(origins, key + ".hmac-secret", alg + " needs hmac-secret");
        }
      }
      if (p.audience == null) {
        p.audience = new java.util.ArrayList<>();
      }
      if (p.type == AuthProviderConfig.Type.OIDC && p.mode == AuthProviderConfig.OidcMode.JWT
          && p.audience.isEmpty()) {
        throw error(origins, key + ".audience", "an OIDC provider must check the audience: list the aud values "
            + "meant for this broker");
      }
      range(origins, key + ".clock-skew-seconds", p.clockSkewSeconds, 0, 3600);
      range(origins, key + ".jwks-refresh-seconds", p.jwksRefreshSeconds, 0, 86_400);
      range(origins, key + ".jwks-min-refetch-seconds", p.jwksMinRefetchSeconds, 0, 3600);
      range(origins, key + ".fetch-attempts", p.fetchAttempts, 1, 10);
      range(origins, key + ".introspection-cache-size", p.introspectionCacheSize, 0, 10_000_000);
      range(origins, key + ".introspection-cache-seconds", p.introspectionCacheSeconds, 0, 86_400);
      if (p.principalClaim == null || p.principalClaim.isBlank()) {
        throw error(origins, key + ".principal-claim", "a claim name is needed, e.g. sub");
      }
    }
  }

  private static void url(Map<String, String> origins, String key, String value) {
    try {
      URI u = URI.create(value);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
        throw error(origins, key, "'" + value + "' is not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw error(origins, key, "'" + value + "' is not a URL: " + e.getMessage());
    }
  }
}
