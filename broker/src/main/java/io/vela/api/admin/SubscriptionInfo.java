package io.vela.api.admin;

/** One subscription of a session. */
public record SubscriptionInfo(String clientId, String filter, int qos, boolean noLocal, boolean retainAsPublished,
                               int retainHandling) {
}
