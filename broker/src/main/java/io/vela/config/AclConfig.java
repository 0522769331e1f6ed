package io.vela.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Authorization of PUBLISH and SUBSCRIBE ({@code auth.acl}): token claim rules, then the ACL file, then no-match. */
public final class AclConfig {

  /** An ACL file (see docs/authentication.md); null = none. */
  public String file;

  /** The token claim holding ACL rules (EMQX 5 rule list or {pub, sub, all} lists); null = claims are not read. */
  public String claim;

  /** What happens when no rule matches. */
  public Decision noMatch = Decision.ALLOW;

  /** What a denied PUBLISH does besides MQTT 5 PUBACK/PUBREC 0x87 (MQTT 3.x: dropped). */
  public DenyAction denyAction = DenyAction.IGNORE;

  /** Remember the last decision per connection for the topic just checked (repeated topics cost one compare). */
  public boolean cacheLastDecision = true;

  public enum Decision {
    @JsonProperty("allow") ALLOW,
    @JsonProperty("deny") DENY
  }

  public enum DenyAction {
    /** Refuse that one PUBLISH (MQTT 5 0x87, MQTT 3.x silently dropped). */
    @JsonProperty("ignore") IGNORE,
    /** Also disconnect the client (MQTT 5 DISCONNECT 0x87, MQTT 3.x close). */
    @JsonProperty("disconnect") DISCONNECT
  }
}
