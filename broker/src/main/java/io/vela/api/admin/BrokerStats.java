package io.vela.api.admin;

import java.util.Map;

/**
 * Broker-wide numbers: gauges (connections, sessions, subscriptions, retained) and counters since start (the rest).
 *
 * @param messagesInByQos  PUBLISH packets received, by QoS (index 0, 1, 2)
 * @param messagesOutByQos PUBLISH packets sent, by QoS (index 0, 1, 2)
 * @param drops        messages not delivered, by reason
 * @param rejections   connections/packets refused by a limit or ban, by reason
 * @param protocolErrors connections closed for a protocol violation, by reason code name
 */
public record BrokerStats(long uptimeMillis, long connections, long sessions, long subscriptions, long retained,
                          long connectionsTotal, long connectionsRefused, long authFailures,
                          long messagesIn, long messagesOut, long[] messagesInByQos, long[] messagesOutByQos,
                          long bytesIn, long bytesOut, long publisherHoldBacks,
                          Map<String, Long> drops, Map<String, Long> rejections, Map<String, Long> protocolErrors) {
}
