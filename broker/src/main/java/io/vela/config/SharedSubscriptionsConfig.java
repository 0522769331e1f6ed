package io.vela.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code mqtt.shared-subscriptions}: shared subscriptions {@code $share/{group}/{filter}} (MQTT 5 section 4.8.2). */
public final class SharedSubscriptionsConfig {

  /**
   * Accept shared subscriptions; announced to MQTT 5 clients as Shared Subscription Available. When false a
   * {@code $share/} filter is refused in SUBACK (0x9E for MQTT 5, 0x80 for 3.1.1).
   */
  public boolean enabled = true;

  /** How a group picks the one member that gets a message. */
  public Strategy strategy = Strategy.ROUND_ROBIN;

  public enum Strategy {
    @JsonProperty("round-robin") ROUND_ROBIN,
    @JsonProperty("random") RANDOM,
    @JsonProperty("sticky") STICKY,
    @JsonProperty("hash-client-id") HASH_CLIENT_ID
  }
}
