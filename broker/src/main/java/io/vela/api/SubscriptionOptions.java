package io.vela.api;

/**
 * What a subscriber asked for with one topic filter (MQTT 5 subscription options; MQTT 3.x uses only qos).
 *
 * @param qos               the maximum QoS granted
 * @param noLocal           do not deliver messages this subscriber published itself
 * @param retainAsPublished keep the RETAIN flag as published instead of clearing it on live delivery
 * @param retainHandling    0 = send retained on subscribe, 1 = only if the subscription is new, 2 = never
 * @param subscriptionId    MQTT 5 subscription identifier, or 0 when none
 */
public record SubscriptionOptions(int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                                  int subscriptionId) {

  public static SubscriptionOptions qos(int qos) {
    return new SubscriptionOptions(qos, false, false, 0, 0);
  }
}
