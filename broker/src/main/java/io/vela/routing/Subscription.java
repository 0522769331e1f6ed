package io.vela.routing;

import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;

/** One subscriber's subscription to one topic filter. */
public record Subscription(Subscriber subscriber, String filter, SubscriptionOptions options) {
}
