package io.vela.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Broker-wide counters, cheap enough for the hot path (striped adders, no locks). Read by the $SYS publisher today and
 * by the Prometheus endpoint later.
 */
public final class BrokerMetrics {

  public final long startedAtMillis = System.currentTimeMillis();

  public final AtomicLong connectionsCurrent = new AtomicLong();
  public final LongAdder connectionsTotal = new LongAdder();
  public final LongAdder connectionsRefused = new LongAdder();
  /** CONNECTs (and MQTT 5 re-authentications) refused by the authenticator. */
  public final LongAdder authFailures = new LongAdder();

  public final LongAdder bytesReceived = new LongAdder();
  public final LongAdder bytesSent = new LongAdder();
  /**
   * PUBLISH packets received / sent by QoS (index 0, 1, 2); the totals are their sums (one adder per message on the
   * hot path, not two).
   */
  private final LongAdder[] receivedByQos = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final LongAdder[] sentByQos = {new LongAdder(), new LongAdder(), new LongAdder()};

  /** Counts one PUBLISH received from a client. */
  public void received(int qos) {
    receivedByQos[qos].increment();
  }

  /** Counts one PUBLISH sent to a client. */
  public void sent(int qos) {
    sentByQos[qos].increment();
  }

  /** PUBLISH packets received from clients, every QoS. */
  public long publishReceived() {
    return receivedByQos[0].sum() + receivedByQos[1].sum() + receivedByQos[2].sum();
  }

  /** PUBLISH packets sent to clients, every QoS. */
  public long publishSent() {
    return sentByQos[0].sum() + sentByQos[1].sum() + sentByQos[2].sum();
  }

  public long receivedByQos(int qos) {
    return receivedByQos[qos].sum();
  }

  public long sentByQos(int qos) {
    return sentByQos[qos].sum();
  }

  /** Times a publisher was held back (not read from) because a subscriber could not keep up. */
  public final LongAdder publisherHoldBacks = new LongAdder();

  /** ACL decisions (auth.acl): PUBLISH and SUBSCRIBE checks allowed and denied. */
  public final LongAdder aclPublishAllowed = new LongAdder();
  public final LongAdder aclPublishDenied = new LongAdder();
  public final LongAdder aclSubscribeAllowed = new LongAdder();
  public final LongAdder aclSubscribeDenied = new LongAdder();
  /** Authentications by outcome: allowed, bad-credentials, not-authorized, error. */
  private final ConcurrentHashMap<String, LongAdder> authentications = new ConcurrentHashMap<>();

  public void authentication(String outcome) {
    authentications.computeIfAbsent(outcome, r -> new LongAdder()).increment();
  }

  public long authentications(String outcome) {
    LongAdder a = authentications.get(outcome);
    return a == null ? 0 : a.sum();
  }

  private final ConcurrentHashMap<String, LongAdder> drops = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> protocolErrors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> rejections = new ConcurrentHashMap<>();

  /**
   * Counts one thing refused by a limit or abuse control, by reason (max-connections, banned-client-id, flapping,
   * publish-rate, ...; docs/configuration.md lists them).
   */
  public void reject(String reason) {
    rejections.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  public long rejections(String reason) {
    LongAdder a = rejections.get(reason);
    return a == null ? 0 : a.sum();
  }

  public Map<String, Long> rejectionsByReason() {
    Map<String, Long> out = new TreeMap<>();
    rejections.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Counts one message not delivered, by reason (queue-full, qos0-slow-consumer, expired, ...). */
  public void drop(String reason) {
    drops.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Counts one connection closed for a protocol violation, by reason code name. */
  public void protocolError(String reason) {
    protocolErrors.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  public long drops(String reason) {
    LongAdder a = drops.get(reason);
    return a == null ? 0 : a.sum();
  }

  public long protocolErrors(String reason) {
    LongAdder a = protocolErrors.get(reason);
    return a == null ? 0 : a.sum();
  }

  public Map<String, Long> dropsByReason() {
    Map<String, Long> out = new TreeMap<>();
    drops.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> protocolErrorsByReason() {
    Map<String, Long> out = new TreeMap<>();
    protocolErrors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Traffic of one listener: what its clients sent and received. */
  public static final class ListenerTraffic {
    public final LongAdder bytesReceived = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder publishReceived = new LongAdder();
    public final LongAdder publishSent = new LongAdder();
  }

  private final Map<String, ListenerTraffic> listenerTraffic = new ConcurrentHashMap<>();

  /** The traffic counters of the listener {@code name} (created when first asked for). */
  public ListenerTraffic listener(String name) {
    return listenerTraffic.computeIfAbsent(name, n -> new ListenerTraffic());
  }
}
