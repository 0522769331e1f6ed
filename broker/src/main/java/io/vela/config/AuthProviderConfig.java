package io.vela.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** One authentication provider under {@code auth.providers.NAME}; which keys apply depends on {@link #type}. */
public final class AuthProviderConfig {

  public Type type;

  /** file: the users file (lines {@code user:hash}, written by {@code vela passwd}). */
  public String file;

  /** jwt: URL of the JSON Web Key Set with the verification keys. */
  public String jwksUrl;

  /** jwt: an HMAC secret for HS256/384/512 tokens (instead of or beside jwks-url). */
  public String hmacSecret;

  /** jwt: required iss claim; oidc: the issuer URL whose .well-known/openid-configuration is read. */
  public String issuer;

  /** Accepted aud values: the token's aud must contain one of them; empty = audience not checked (jwt only). */
  public List<String> audience = new ArrayList<>();

  /** Accepted signature algorithms; {@code none} is never accepted. */
  public List<String> algorithms = new ArrayList<>(List.of("RS256"));

  /** Tolerated clock difference for exp, nbf and iat. */
  public int clockSkewSeconds = 30;

  /** Refuse tokens without an exp claim. */
  public boolean requireExpiry = true;

  /** Re-read the key set this often (key rotation without restart); 0 = only on an unknown kid. */
  public int jwksRefreshSeconds = 300;

  /** At most one key-set fetch for unknown kids per this many seconds (a flood of bogus kids is not amplified). */
  public int jwksMinRefetchSeconds = 10;

  /** Attempts of one key-set fetch before giving up until the next refresh. */
  public int fetchAttempts = 3;

  /** The claim that names the principal. */
  public String principalClaim = "sub";

  /** When set, a client's user name (if it sends one) must equal this claim. */
  public String usernameClaim;

  /** oidc: validate tokens locally (jwt) or ask the introspection endpoint (introspection, RFC 7662). */
  public OidcMode mode = OidcMode.JWT;

  /** oidc introspection: the client credentials the broker introspects with. */
  public String clientId;

  public String clientSecret;

  /** oidc introspection: how many results are kept. */
  public int introspectionCacheSize = 10_000;

  /** oidc introspection: how long a result is kept (never beyond the token's exp). */
  public int introspectionCacheSeconds = 60;

  public enum Type {
    @JsonProperty("file") FILE,
    @JsonProperty("jwt") JWT,
    @JsonProperty("oidc") OIDC
  }

  public enum OidcMode {
    @JsonProperty("jwt") JWT,
    @JsonProperty("introspection") INTROSPECTION
  }
}
