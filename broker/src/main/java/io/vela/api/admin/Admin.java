package io.vela.api.admin;

import io.vela.api.Message;
import io.vertx.core.Future;
import java.util.List;

/**
 * Queries and commands for operators. Every method may be called from any thread; the futures complete on a
 * broker context. Snapshots are consistent per session, not across sessions.
 */
public interface Admin {

  /** The broker's version string. */
  String version();

  /** Every session (connected and offline persistent ones), sorted by client id. */
  Future<List<ClientInfo>> clients();

  /** The session of this client id, or null when there is none. */
  Future<ClientInfo> client(String clientId);

  /**
   * Disconnects the client (MQTT 5: DISCONNECT 0x98); its session stays as its expiry says.
   *
   * @return true if it was connected
   */
  Future<Boolean> kick(String clientId);

  /**
   * Ends the session: disconnects the client if connected, drops its subscriptions and queued messages.
   *
   * @return true if there was a session
   */
  Future<Boolean> deleteSession(String clientId);

  /** Every retained message (expired ones dropped), sorted by topic. */
  List<RetainedInfo> retained();

  /** The retained message of this exact topic, or null. */
  RetainedInfo retained(String topic);

  /** Clears the retained message of this topic; true if there was one. */
  boolean deleteRetained(String topic);

  /**
   * Routes a message as the broker (publisher id {@code $admin}).
   *
   * @return how many subscribers it was delivered to
   * @throws IllegalArgumentException for an invalid topic name
   */
  int publish(Message message);

  /** Every ban in force. */
  List<BanInfo> bans();

  /**
   * Adds (or replaces) a ban; a connected client it matches by client id or user name is disconnected.
   *
   * @param kind {@code client-id}, {@code username}, {@code ip} or {@code cidr}
   * @throws IllegalArgumentException for an unknown kind or a value that is not an address / block
   */
  Future<BanInfo> ban(String kind, String value, long expiresAtMillis, String reason);

  /** Removes a ban; true if there was one. */
  boolean unban(String kind, String value);

  /** The configured MQTT listeners in config order. */
  List<ListenerInfo> listeners();

  BrokerStats stats();

  /** True once every listener is bound and every extension has started (for readiness checks). */
  boolean started();
}
