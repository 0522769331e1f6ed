package io.vela.protocol;

import io.vela.api.UserProperty;
import java.util.List;

/**
 * A decoded CONNECT packet, transport-neutral.
 *
 * @param clientId              as sent (may be empty)
 * @param cleanStart            Clean Session (3.x) / Clean Start (5)
 * @param keepAliveSeconds      0 = no keep-alive
 * @param password              null when absent
 * @param will                  null when absent
 * @param sessionExpiryInterval MQTT 5 seconds; for MQTT 3.x: 0 with clean session, "never" otherwise
 * @param receiveMaximum        the client's Receive Maximum (65535 when absent)
 * @param maximumPacketSize     the client's Maximum Packet Size, 0 when absent (no limit)
 * @param requestProblemInformation MQTT 5: whether reason strings / user properties may be sent on errors
 * @param authenticationMethod  MQTT 5 enhanced authentication method, or null
 * @param authenticationData    MQTT 5 Authentication Data, or null
 */
public record Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
                      String username, byte[] password, Will will, long sessionExpiryInterval,
                      int receiveMaximum, long maximumPacketSize, int topicAliasMaximum,
                      boolean requestProblemInformation, boolean requestResponseInformation,
                      String authenticationMethod, byte[] authenticationData,
                      List<UserProperty> userProperties) {

  /** MQTT 5 value meaning "the session does not expire". */
  public static final long SESSION_NEVER_EXPIRES = 0xFFFFFFFFL;

  /** This CONNECT without password, authentication data, will and user properties: what may be kept and shown. */
  public Connect withoutSecrets() {
    return new Connect(version, clientId, cleanStart, keepAliveSeconds, username, null, null, sessionExpiryInterval,
        receiveMaximum, maximumPacketSize, topicAliasMaximum, requestProblemInformation, requestResponseInformation,
        authenticationMethod, null, List.of());
  }
}
