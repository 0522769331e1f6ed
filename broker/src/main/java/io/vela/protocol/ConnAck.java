package io.vela.protocol;

/**
 * What the broker announces in a successful CONNACK.
 *
 * @param assignedClientId       MQTT 5 Assigned Client Identifier, or null
 * @param sessionExpiryInterval  MQTT 5: the interval actually used if it differs from the requested one, else null
 * @param serverKeepAlive        MQTT 5 Server Keep Alive when it differs from the client's, else null
 * @param receiveMaximum         how many unacknowledged QoS 1/2 PUBLISH the broker accepts (65535 = no property)
 * @param maximumPacketSize      the broker's limit in bytes (0 = no property)
 * @param maximumQos             2 means no property
 */
public record ConnAck(boolean sessionPresent, String assignedClientId, Long sessionExpiryInterval,
                      Integer serverKeepAlive, int receiveMaximum, int maximumPacketSize, int maximumQos,
                      boolean retainAvailable, boolean wildcardSubscriptionAvailable,
                      boolean subscriptionIdentifiersAvailable, boolean sharedSubscriptionAvailable,
                      int topicAliasMaximum) {
}
