package io.vela.protocol;

import io.vela.api.SubscriptionOptions;

/** One entry of a SUBSCRIBE packet: a topic filter with its options. */
public record TopicSubscription(String filter, SubscriptionOptions options) {
}
