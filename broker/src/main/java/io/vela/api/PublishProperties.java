package io.vela.api;

import java.util.List;

/**
 * The MQTT 5 properties of an application message that travel with it from publisher to subscriber unchanged.
 * Every field is optional; {@link #NONE} is the instance used for MQTT 3.x messages.
 *
 * @param payloadFormatIndicator 0 = unspecified bytes, 1 = UTF-8, or null when absent
 * @param messageExpiryInterval  seconds, or null when the message does not expire
 * @param contentType            MIME-like content type, or null
 * @param responseTopic          request/response topic, or null
 * @param correlationData        opaque correlation bytes, or null (never mutated)
 * @param userProperties         name/value pairs in the order the publisher sent them
 */
public record PublishProperties(Integer payloadFormatIndicator, Long messageExpiryInterval, String contentType,
                                String responseTopic, byte[] correlationData, List<UserProperty> userProperties) {

  public static final PublishProperties NONE = new PublishProperties(null, null, null, null, null, List.of());

  public PublishProperties {
    userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
  }

  public boolean isEmpty() {
    return payloadFormatIndicator == null && messageExpiryInterval == null && contentType == null
        && responseTopic == null && correlationData == null && userProperties.isEmpty();
  }

  /** A copy with another expiry interval (the remaining one when forwarding). */
  public PublishProperties withMessageExpiryInterval(Long seconds) {
    return new PublishProperties(payloadFormatIndicator, seconds, contentType, responseTopic, correlationData,
        userProperties);
  }
}
