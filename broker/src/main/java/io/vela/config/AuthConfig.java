package io.vela.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Authentication and authorization ({@code auth:}): the named providers, the chain a listener runs them in, ACLs,
 * token expiry and the MQTT 5 bearer-token method. See docs/authentication.md.
 */
public final class AuthConfig {

  /** Authentication providers by name (file users, JWT, OpenID Connect). */
  public Map<String, AuthProviderConfig> providers = new LinkedHashMap<>();

  /**
   * Provider names tried in order for clients that present credentials; the first that recognises them decides.
   * Empty with no providers: any client presenting a user name is accepted (mqtt.allow-anonymous still governs
   * clients without one). listeners.NAME.auth-chain replaces it for one listener.
   */
  public List<String> chain = new ArrayList<>();

  public AclConfig acl = new AclConfig();

  /** How long an event-bus request to a token provider verticle may take before the CONNECT fails (0x88). */
  public int requestTimeoutMs = 10_000;

  /** Seconds a connection may stay up after its token's exp before it is disconnected. */
  public int expiryGraceSeconds = 0;

  /** MQTT 5 reason code of the DISCONNECT sent when the token has expired. */
  public ExpiryReason expiryReasonCode = ExpiryReason.MAXIMUM_CONNECT_TIME;

  /** Publish the client's will when it is disconnected for an expired token. */
  public boolean expiryPublishWill = true;

  /**
   * MQTT 5 Authentication Method name of the bearer-token enhanced authentication (token as Authentication Data, at
   * CONNECT and at re-authentication); null turns it off.
   */
  public String bearerMethod;

  public enum ExpiryReason {
    /** 0xA0 Maximum connect time. */
    @JsonProperty("maximum-connect-time") MAXIMUM_CONNECT_TIME,
    /** 0x87 Not authorized. */
    @JsonProperty("not-authorized") NOT_AUTHORIZED
  }
}
