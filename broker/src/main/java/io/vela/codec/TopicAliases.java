package io.vela.codec;

import java.util.HashMap;
import java.util.Map;

/**
 * The Topic Alias mappings of one network connection in both directions (MQTT 5 section 3.3.2.3.4). A new connection
 * starts with none: mappings are never carried from one connection to another [MQTT-3.3.2-7].
 */
final class TopicAliases {

  /** Aliases the client set, index = alias (1..inboundMaximum). */
  private String[] inbound = new String[0];
  private int inboundMaximum;
  /** Aliases the broker assigned, topic to alias; filled up to outboundMaximum, then full topics are sent. */
  private final Map<String, Integer> outbound = new HashMap<>();
  private int outboundMaximum;

  /** The Topic Alias Maximum announced in CONNACK: the client may use aliases 1..maximum. */
  void inboundMaximum(int maximum) {
    inboundMaximum = maximum;
    inbound = new String[maximum + 1];
  }

  int inboundMaximum() {
    return inboundMaximum;
  }

  /** The client's Topic Alias Maximum when the broker may use aliases, else 0. */
  void outboundMaximum(int maximum) {
    outboundMaximum = maximum;
  }

  boolean validInbound(int alias) {
    return alias >= 1 && alias <= inboundMaximum;
  }

  /** The topic the client mapped to {@code alias}, or null. */
  String inboundTopic(int alias) {
    return inbound[alias];
  }

  void mapInbound(int alias, String topic) {
    inbound[alias] = topic;
  }

  /**
   * The alias to send {@code topic} with: its existing alias, a new one while fewer than the client's maximum are in
   * use [MQTT-3.3.2-11], or 0 (send the full topic, no alias). Does not change the mapping: see {@link #use}.
   */
  int outboundAlias(String topic) {
    if (outboundMaximum == 0) {
      return 0;
    }
    Integer alias = outbound.get(topic);
    if (alias != null) {
      return alias;
    }
    return outbound.size() < outboundMaximum ? outbound.size() + 1 : 0;
  }

  /** Whether the client already knows {@code topic} by an alias, so the topic may be left out. */
  boolean outboundKnown(String topic) {
    return outboundMaximum > 0 && outbound.containsKey(topic);
  }

  /** Records that {@code topic} was sent with {@code alias} (from {@link #outboundAlias}). */
  void use(String topic, int alias) {
    if (alias > 0) {
      outbound.putIfAbsent(topic, alias);
    }
  }
}
