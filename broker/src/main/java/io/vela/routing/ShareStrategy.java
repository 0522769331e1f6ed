package io.vela.routing;

/**
 * How a shared subscription group picks the one member that gets a message. Every strategy prefers members that are
 * online (connected); an offline member (a persistent session whose client is away) is chosen only when no member is
 * online, and then queues the message.
 */
public enum ShareStrategy {
  /** Members in turn, by a cursor per group. */
  ROUND_ROBIN,
  /** A uniformly random member. */
  RANDOM,
  /** The same member until it leaves the group or goes offline; then the next one in turn. */
  STICKY,
  /**
   * A member picked by a hash of the publisher's client id, so all messages of one publisher go to the same member
   * while the group's membership (and who is online) stays the same.
   */
  HASH_CLIENT_ID
}
