package io.vela.api;

/**
 * A shared subscription group ({@code $share/{shareName}/{filter}}, MQTT 5 section 4.8.2) that chose a
 * {@link Subscriber} for a message. The subscriber keeps it with the message so that, if it leaves before the message
 * is delivered, it can hand the message back to the group for another member.
 */
public interface ShareGroup {

  String shareName();

  /** The topic filter after the share name. */
  String filter();

  /** The whole filter as subscribed: {@code $share/{shareName}/{filter}}. */
  default String sharedFilter() {
    return "$share/" + shareName() + "/" + filter();
  }

  /**
   * Delivers {@code message} to a member other than {@code leaving}, connected ones first (an offline persistent
   * member queues it). May be called from any thread.
   *
   * @return false if there is no other member
   */
  boolean redeliver(Message message, Subscriber leaving);

  /** Like {@link #redeliver} but only to a member that is {@link Subscriber#online()}; false if there is none. */
  boolean redeliverToOnline(Message message, Subscriber leaving);
}
