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
 * @param topicAliasMaximum      how many topic aliases the client may set (0 = no property, none allowed)
 * @param responseInformation    MQTT 5 Response Information, or null
 * @param authenticationMethod   MQTT 5 enhanced authentication method agreed, or null
 * @param authenticationData     the last Authentication Data of that exchange, or null
 */
public record ConnAck(boolean sessionPresent, String assignedClientId, Long sessionExpiryInterval,
                      Integer serverKeepAlive, int receiveMaximum, int maximumPacketSize, int maximumQos,
                      boolean retainAvailable, boolean wildcardSubscriptionAvailable,
                      boolean subscriptionIdentifiersAvailable, boolean sharedSubscriptionAvailable,
                      int topicAliasMaximum, String responseInformation, String authenticationMethod,
                      byte[] authenticationData) {
}
