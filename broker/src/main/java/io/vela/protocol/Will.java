package io.vela.protocol;

import io.vela.api.PublishProperties;

/**
 * The Will Message of a connection (MQTT 3.1.3.2 / MQTT 5 3.1.3.2).
 *
 * @param delaySeconds MQTT 5 Will Delay Interval (0 for MQTT 3.x)
 */
public record Will(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties,
                   long delaySeconds) {
}
