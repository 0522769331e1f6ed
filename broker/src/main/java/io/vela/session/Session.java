package io.vela.session;

import io.vela.api.Message;
import io.vela.api.ShareGroup;
import io.vela.api.Subscriber;
import io.vela.api.admin.ClientInfo;
import io.vela.api.admin.SubscriptionInfo;
import io.vela.api.SubscriptionOptions;
import io.vela.config.MqttConfig;
import io.vela.protocol.ClientChannel;
import io.vela.protocol.Connect;
import io.vela.protocol.ReasonCode;
import io.vela.protocol.Topics;
import io.vela.protocol.Will;
import io.vela.routing.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the broker keeps for one client id across connections: subscriptions, the outbound in-flight window and
 * queue, inbound QoS 2 packet ids awaiting PUBREL, expiry and a delayed will.
 *
 * <p>Threading: all state is owned by {@link #context()}. Work arriving on another context (a delivery racing a
 * takeover) is forwarded there. Only the {@link SessionRegistry}'s per-client-id sequence moves a session to another
 * context, from its current owner.
 */
public final class Session implements Subscriber {

  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  private final String clientId;
  private final SessionRegistry registry;
  private final MqttConfig config;
  private volatile Context context;

  private ClientConnection connection;
  /** connection != null, readable from any thread (shared subscription groups prefer online members). */
  private volatile boolean online;
  private final Map<String, SubscriptionOptions> subscriptions = new HashMap<>();
  private final ArrayDeque<Outbound> queue = new ArrayDeque<>(1); // grows on demand: most sessions are idle
  /** QoS 0 messages for a connected client whose socket is backed up (never for offline sessions). */
  private final ArrayDeque<Outbound> backlog = new ArrayDeque<>(1);
  private long backlogBytes;
  /** Payload bytes in {@link #queue} (limited by mqtt.max-queued-bytes). */
  private long queuedBytes;
  private final LinkedHashMap<Integer, Outbound> inflight = new LinkedHashMap<>();
  private final Set<Integer> awaitingRelease = new HashSet<>();
  private int nextPacketId = 1;
  private int inflightLimit;
  /** In-flight PUBLISH packets of an earlier connection not yet resent on this one (Receive Maximum reached). */
  private int awaitingResend;
  private volatile long expirySeconds; // volatile: acknowledges() reads it on publishers' threads
  private long expiryTimer = -1;
  private Will pendingWill;
  private long willTimer = -1;
  private boolean destroyed;
  /** System.nanoTime() when the queue of a connected session passed its high mark; 0 when not congested. */
  private volatile long congestedSince;
  private final List<Runnable> drainWaiters = new ArrayList<>();
  /** The CONNECT, address and time of the last connection that attached (for the admin API). */
  private Connect lastConnect;
  private String lastRemoteAddress;
  private long attachedAtMillis;

  /** One outbound message for this session: the shared message plus per-session delivery parameters. */
  static final class Outbound {
    final Message message;
    final int qos;
    final boolean retain;
    final int[] subscriptionIds;
    /** The shared subscription group that chose this session for the message, or null. */
    final ShareGroup group;
    int packetId;
    boolean released; // PUBREC received, PUBREL sent (QoS 2)
    boolean awaitingResend; // sent on an earlier connection, to be resent with DUP once the window has room
    /** Set when the publisher waits for the client's acknowledgement (Subscriber#deliverAcknowledged). */
    Promise<Void> acked;

    Outbound(Message message, int qos, boolean retain, int[] subscriptionIds, ShareGroup group) {
      this.message = message;
      this.qos = qos;
      this.retain = retain;
      this.subscriptionIds = subscriptionIds;
      this.group = group;
    }
  }

  Session(String clientId, SessionRegistry registry, Context context) {
    this.clientId = clientId;
    this.registry = registry;
    this.config = registry.config();
    this.context = context;
    this.inflightLimit = config.maxInflight;
  }

  @Override
  public String id() {
    return clientId;
  }

  @Override
  public Context context() {
    return context;
  }

  private boolean onOwner() {
    return Vertx.currentContext() == context;
  }

  boolean isDestroyed() {
    return destroyed;
  }

  boolean isConnected() {
    return connection != null;
  }

  @Override
  public boolean online() {
    return online;
  }

  long expirySeconds() {
    return expirySeconds;
  }

  void expirySeconds(long seconds) {
    this.expirySeconds = seconds;
  }

  Set<Integer> awaitingRelease() {
    return awaitingRelease;
  }

  int queued() {
    return queue.size();
  }

  int inflightCount() {
    return inflight.size();
  }

  Map<String, SubscriptionOptions> subscriptions() {
    return subscriptions;
  }

  // ---------------------------------------------------------------- delivery (hot path)

  @Override
  public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
    if (!onOwner()) {
      Context owner = context;
      owner.runOnContext(v -> deliver(message, qos, retainFlag, subscriptionIds));
      return;
    }
    if (destroyed) {
      return;
    }
    offer(new Outbound(message, qos, retainFlag, subscriptionIds, null));
  }

  /**
   * A shared subscription group chose this session. If the session has ended meanwhile the message goes back to the
   * group; if its client is offline and another member is online, to that member; otherwise as any delivery.
   */
  @Override
  public void deliverShared(Message message, int qos, boolean retainFlag, int[] subscriptionIds, ShareGroup group) {
    if (!onOwner()) {
      Context owner = context;
      owner.runOnContext(v -> deliverShared(message, qos, retainFlag, subscriptionIds, group));
      return;
    }
    if (destroyed) {
      if (!group.redeliver(message, this)) {
        registry.metrics().drop("shared-no-member");
      }
      return;
    }
    if (connection == null && group.redeliverToOnline(message, this)) {
      return;
    }
    offer(new Outbound(message, qos, retainFlag, subscriptionIds, group));
  }

  @Override
  public boolean acknowledges(int qos) {
    return qos > 0 && expirySeconds > 0 && !destroyed;
  }

  /**
   * A publisher waits for this client's acknowledgement: the message is queued and sent as any other, and
   * {@code acked} settles when it leaves the session (see {@link #settle}).
   */
  @Override
  public void deliverAcknowledged(Message message, int qos, boolean retainFlag, int[] subscriptionIds,
                                  ShareGroup group, Promise<Void> acked) {
    if (!onOwner()) {
      Context owner = context;
      owner.runOnContext(v -> deliverAcknowledged(message, qos, retainFlag, subscriptionIds, group, acked));
      return;
    }
    if (destroyed) {
      acked.tryFail(new IllegalStateException("session " + clientId + " ended"));
      if (group != null && !group.redeliver(message, this)) {
        registry.metrics().drop("shared-no-member");
      }
      return;
    }
    Outbound out = new Outbound(message, qos, retainFlag, subscriptionIds, group);
    out.acked = acked;
    offer(out);
  }

  /**
   * A message leaves the session: {@code delivered} when the client acknowledged it or can never take it (its
   * Maximum Packet Size, a refusing PUBREC: as if delivered), false when it was dropped or handed elsewhere. Tells a
   * publisher waiting for the acknowledgement.
   */
  private void settle(Outbound out, boolean delivered, String why) {
    Promise<Void> p = out.acked;
    if (p != null) {
      out.acked = null;
      if (delivered) {
        p.tryComplete();
      } else {
        p.tryFail(new IllegalStateException("not delivered to " + clientId + ": " + why));
      }
    }
  }

  /** Sends a retained message right after SUBSCRIBE (RETAIN flag set, [MQTT-3.3.1-8]). */
  void deliverRetained(Message message, int qos, int[] subscriptionIds) {
    offer(new Outbound(message, Math.min(qos, message.qos()), true, subscriptionIds, null));
  }

  private void offer(Outbound out) {
    ClientConnection conn = connection;
    if (out.qos == 0) {
      if (conn != null) {
        ClientChannel ch = conn.channel();
        if (backlog.isEmpty() && ch.writable()) {
          if (!tooLarge(ch, out)) {
            send(ch, out, false);
          }
        } else {
          // the client's socket is backed up: keep QoS 0 in a bounded backlog (which also holds publishers back)
          // instead of dropping it silently; it goes out when the socket drains. QoS 0 never waits for the QoS 1/2
          // window.
          toBacklog(ch, out);
        }
      } else if (config.queueQos0) {
        enqueue(out);
      }
      return;
    }
    if (conn != null && queue.isEmpty() && inflight.size() < inflightLimit) {
      sendInflight(conn.channel(), out);
    } else {
      enqueue(out);
    }
  }

  @Override
  public boolean wantsBackpressure(long nowNanos) {
    long since = congestedSince;
    return since != 0 && nowNanos - since < config.publisherBackpressureMs * 1_000_000L;
  }

  @Override
  public void whenDrained(Runnable r) {
    synchronized (drainWaiters) {
      if (congestedSince != 0) {
        drainWaiters.add(r);
        return;
      }
    }
    r.run();
  }

  private void updateCongestion() {
    if (congestedSince == 0) {
      if (connection != null && config.publisherBackpressureMs > 0
          && queue.size() + backlog.size() >= Math.max(1, config.maxQueuedMessages / 2)) {
        congestedSince = Math.max(1, System.nanoTime());
      }
    } else if (connection == null || queue.size() + backlog.size() <= config.maxQueuedMessages / 4) {
      List<Runnable> waiters;
      synchronized (drainWaiters) {
        congestedSince = 0;
        waiters = new ArrayList<>(drainWaiters);
        drainWaiters.clear();
      }
      waiters.forEach(Runnable::run);
    }
  }

  /** QoS 0 waiting for a backed-up socket; bounded like the queue, with the same overflow policy. */
  private void toBacklog(ClientChannel ch, Outbound out) {
    long size = out.message.payload().length;
    boolean full = backlog.size() >= config.maxQueuedMessages
        || (config.maxQueuedBytes > 0 && backlogBytes + size > config.maxQueuedBytes);
    if (full) {
      registry.metrics().drop("queue-full");
      if (config.queueOverflow == MqttConfig.QueueOverflow.DROP_NEWEST || backlog.isEmpty()) {
        return;
      }
      backlogBytes -= backlog.pollFirst().message.payload().length;
    }
    backlog.addLast(out);
    backlogBytes += size;
    updateCongestion();
    ch.whenWritable(this::drainBacklog);
  }

  private void drainBacklog() {
    ClientConnection conn = connection;
    if (conn == null) {
      return;
    }
    ClientChannel ch = conn.channel();
    while (!backlog.isEmpty() && ch.writable()) {
      Outbound out = backlog.pollFirst();
      backlogBytes -= out.message.payload().length;
      if (!tooLarge(ch, out)) {
        send(ch, out, false);
      }
    }
    if (!backlog.isEmpty()) {
      ch.whenWritable(this::drainBacklog);
    }
    updateCongestion();
  }

  /** The connection is gone: QoS 0 still waiting for its socket is lost with it (counted). */
  private void dropBacklog() {
    for (int i = 0; i < backlog.size(); i++) {
      registry.metrics().drop("qos0-disconnected");
    }
    backlog.clear();
    backlogBytes = 0;
  }

  private void enqueue(Outbound out) {
    if (queue.size() >= config.maxQueuedMessages) {
      registry.metrics().drop("queue-full");
      if (config.queueOverflow == MqttConfig.QueueOverflow.DROP_NEWEST || queue.isEmpty()) {
        LOG.debug("clientId={} queue full ({}), dropping newest message on {}", clientId, queue.size(),
            out.message.topic());
        settle(out, false, "queue full");
        return;
      }
      Outbound dropped = pollQueue();
      settle(dropped, false, "queue full");
      LOG.debug("clientId={} queue full ({}), dropping oldest message on {}", clientId, queue.size(),
          dropped.message.topic());
    }
    if (config.maxQueuedBytes > 0 && !roomForBytes(out)) {
      settle(out, false, "queue bytes full");
      return;
    }
    queue.addLast(out);
    queuedBytes += out.message.payload().length;
    updateCongestion();
  }

  /**
   * mqtt.max-queued-bytes, with the queue-overflow policy of max-queued-messages: drop-newest drops {@code out},
   * drop-oldest drops queued messages until it fits (a message larger than the whole limit is dropped itself). Every
   * dropped message is counted.
   *
   * @return true if {@code out} may be queued
   */
  private boolean roomForBytes(Outbound out) {
    long size = out.message.payload().length;
    if (queuedBytes + size <= config.maxQueuedBytes) {
      return true;
    }
    if (config.queueOverflow == MqttConfig.QueueOverflow.DROP_NEWEST || size > config.maxQueuedBytes) {
      registry.metrics().drop("queue-bytes-full");
      LOG.debug("clientId={} queue over {} bytes, dropping newest message on {}", clientId, config.maxQueuedBytes,
          out.message.topic());
      return false;
    }
    while (!queue.isEmpty() && queuedBytes + size > config.maxQueuedBytes) {
      Outbound dropped = pollQueue();
      settle(dropped, false, "queue bytes full");
      registry.metrics().drop("queue-bytes-full");
      LOG.debug("clientId={} queue over {} bytes, dropping oldest message on {}", clientId, config.maxQueuedBytes,
          dropped.message.topic());
    }
    return true;
  }

  private Outbound pollQueue() {
    Outbound out = queue.pollFirst();
    if (out != null) {
      queuedBytes -= out.message.payload().length;
    }
    return out;
  }

  private void sendInflight(ClientChannel ch, Outbound out) {
    if (tooLarge(ch, out)) {
      settle(out, true, "too large");
      return; // as if delivered: no packet id, no window slot [MQTT-3.1.2-28]
    }
    out.packetId = allocatePacketId();
    inflight.put(out.packetId, out);
    send(ch, out, false);
  }

  private void send(ClientChannel ch, Outbound out, boolean dup) {
    ch.publish(out.message, out.qos, dup, out.retain, out.packetId, out.subscriptionIds);
    registry.metrics().sent(out.qos);
    ClientConnection conn = connection;
    if (conn != null) {
      conn.traffic.publishSent.increment();
    }
  }

  /** True (and counted as a drop) if the client's Maximum Packet Size does not allow sending it [MQTT-3.1.2-27]. */
  private boolean tooLarge(ClientChannel ch, Outbound out) {
    if (ch.fits(out.message, out.qos, out.subscriptionIds)) {
      return false;
    }
    registry.metrics().drop("packet-too-large");
    LOG.debug("clientId={} message on {} exceeds the client's Maximum Packet Size, not sent", clientId,
        out.message.topic());
    return true;
  }

  /** Moves queued messages into the window while there is room. */
  private void pump() {
    ClientConnection conn = connection;
    if (conn == null) {
      return;
    }
    ClientChannel ch = conn.channel();
    resendWhileRoom(ch);
    long now = System.nanoTime();
    while (!queue.isEmpty()) {
      Outbound head = queue.peekFirst();
      if (head.qos > 0 && inflight.size() >= inflightLimit) {
        return;
      }

      pollQueue();
      if (head.message.isExpired(now)) {
        registry.metrics().drop("expired");
        settle(head, false, "expired");
        continue;
      }
      if (head.qos == 0) {
        if (!tooLarge(ch, head)) {
          send(ch, head, false);
        }
      } else {
        sendInflight(ch, head);
      }
    }
    updateCongestion();
  }

  int allocatePacketId() {
    for (int i = 0; i < 65535; i++) {
      int id = nextPacketId;
      nextPacketId = id == 65535 ? 1 : id + 1;
      if (!inflight.containsKey(id)) {
        return id;
      }
    }
    throw new IllegalStateException("no free packet identifier"); // cannot happen: inflight <= 65535 by config
  }

  // ---------------------------------------------------------------- acknowledgements from the client

  void onPubAck(int packetId) {
    Outbound out = inflight.get(packetId);
    if (out == null || out.qos != 1) {
      LOG.debug("clientId={} PUBACK for unknown packet id {}", clientId, packetId);
      return;
    }
    remove(out);
    pump();
  }

  void onPubRec(int packetId, int reasonCode) {
    Outbound out = inflight.get(packetId);
    ClientChannel ch = connection.channel();
    if (out == null || out.qos != 2) {
      ch.pubRel(packetId, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
      return;
    }
    if (reasonCode >= 0x80) {
      // the receiver refused it: the flow ends here (MQTT 5 4.3.3)
      remove(out);
      pump();
      return;
    }
    if (out.awaitingResend) {
      out.awaitingResend = false;
      awaitingResend--;
    }
    out.released = true;
    ch.pubRel(packetId, ReasonCode.SUCCESS);
  }

  void onPubComp(int packetId) {
    Outbound out = inflight.get(packetId);
    if (out == null || !out.released) {
      LOG.debug("clientId={} PUBCOMP for unknown packet id {}", clientId, packetId);
      return;
    }
    remove(out);
    pump();
  }

  /** The flow of an in-flight message ended: acknowledged, or refused by the receiver (MQTT 5 4.3.3). */
  private void remove(Outbound out) {
    inflight.remove(out.packetId);
    settle(out, true, "acknowledged");
    if (out.awaitingResend) {
      awaitingResend--;
    }
  }

  // ---------------------------------------------------------------- subscriptions

  /** @return true if this filter was not subscribed before */
  boolean subscribe(String filter, SubscriptionOptions options) {
    subscriptions.put(filter, options);
    return registry.dispatcher().trie().subscribe(new Subscription(this, filter, options));
  }

  boolean unsubscribe(String filter) {
    subscriptions.remove(filter);
    boolean existed = registry.dispatcher().trie().unsubscribe(clientId, filter);
    if (existed && Topics.isSharedFilter(filter)) {
      handBackQueued(out -> out.group.sharedFilter().equals(filter), HandBack.ANY_MEMBER);
    }
    return existed;
  }

  /** To whom {@link #handBackQueued} may give a message. */
  private enum HandBack { ANY_MEMBER, ONLINE_MEMBER }

  /**
   * Gives queued (never sent) messages that a shared group chose this session for back to their group, for another
   * member; a message no other member can take stays queued here.
   */
  private void handBackQueued(java.util.function.Predicate<Outbound> which, HandBack to) {
    int handedBack = 0;
    for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
      Outbound out = it.next();
      if (out.group == null || !which.test(out)) {
        continue;
      }
      boolean taken = to == HandBack.ANY_MEMBER ? out.group.redeliver(out.message, this)
          : out.group.redeliverToOnline(out.message, this);
      if (taken) {
        it.remove();
        settle(out, false, "handed to another shared-subscription member");
        handedBack++;
      }
    }
    if (handedBack > 0) {
      LOG.debug("clientId={} handed {} queued shared-subscription messages to other members", clientId, handedBack);
      updateCongestion();
    }
  }

  // ---------------------------------------------------------------- connection lifecycle (owner context)

  /**
   * A connection took this session (CONNACK already sent): resend what was in flight [MQTT-4.4.0-1] — PUBREL at once,
   * PUBLISH with DUP only as far as the new connection's Receive Maximum allows [MQTT-3.3.4-9], the rest as
   * acknowledgements make room — then drain the queue.
   */
  void attach(ClientConnection conn, boolean resumed, Connect connect) {
    this.connection = conn;
    this.online = true;
    this.lastConnect = connect.withoutSecrets();
    this.lastRemoteAddress = conn.channel().remoteAddress();
    this.attachedAtMillis = System.currentTimeMillis();
    this.inflightLimit = Math.max(1, Math.min(config.maxInflight, connect.receiveMaximum()));
    awaitingResend = 0;
    if (resumed) {
      ClientChannel ch = conn.channel();
      for (Outbound out : inflight.values()) {
        out.awaitingResend = !out.released;
        if (out.released) {
          ch.pubRel(out.packetId, ReasonCode.SUCCESS);
        } else {
          awaitingResend++;
        }
      }
    }
    pump();
  }

  /** Resends in-flight PUBLISH packets of an earlier connection, oldest first, while the window has room. */
  private void resendWhileRoom(ClientChannel ch) {
    if (awaitingResend == 0) {
      return;
    }
    for (Iterator<Outbound> it = inflight.values().iterator(); it.hasNext(); ) {
      if (awaitingResend == 0 || inflight.size() - awaitingResend >= inflightLimit) {
        return;
      }
      Outbound out = it.next();
      if (out.awaitingResend) {
        out.awaitingResend = false;
        awaitingResend--;
        if (tooLarge(ch, out)) {
          it.remove(); // the new connection allows less than the old one: as if delivered [MQTT-3.1.2-28]
          settle(out, true, "too large");
        } else {
          send(ch, out, true);
        }
      }
    }
  }

  /**
   * Ends the current connection (if any) because a new connection with the same client id arrived, and hands the
   * session to {@code newOwner}. Runs on the current owner.
   *
   * @return false if the session had already ended (expired), so the new connection must start a new one
   */
  boolean detachForTakeover(boolean newCleanStart, Context newOwner) {
    if (destroyed) {
      return false;
    }
    cancelExpiry();
    if (connection != null) {
      ClientConnection old = connection;
      connection = null;
      online = false;
      dropBacklog();
      updateCongestion();
      Will will = old.takenOver();
      willOnConnectionEnd(will);
    }
    if (pendingWill != null) {
      if (newCleanStart) {
        publishPendingWill(); // the session ends: the will goes now [MQTT-3.1.3-9]
      } else {
        cancelPendingWill(); // reconnected within the will delay: no will
      }
    }
    this.context = newOwner;
    return true;
  }

  /** The connection is gone without a takeover (DISCONNECT, network loss, keep-alive, protocol error). */
  void connectionLost(ClientConnection conn, Will will) {
    if (!onOwner()) {
      context.runOnContext(v -> connectionLost(conn, will));
      return;
    }
    if (conn != connection || destroyed) {
      return;
    }
    connection = null;
    online = false;
    dropBacklog();
    updateCongestion();
    willOnConnectionEnd(will);
    if (expirySeconds == 0) {
      destroy();
      return;
    }
    // never-sent shared messages go to a connected member at once; what is in flight waits for this client
    // (QoS 2 must [MQTT-4.8.2-4], QoS 1 may)
    handBackQueued(out -> true, HandBack.ONLINE_MEMBER);
    if (expirySeconds < Connect.SESSION_NEVER_EXPIRES) {
      expiryTimer = context.owner().setTimer(expirySeconds * 1000, id -> {
        expiryTimer = -1;
        if (connection == null && !destroyed) {
          LOG.debug("clientId={} session expired after {}s", clientId, expirySeconds);
          destroy();
        }
      });
    }
  }

  private void willOnConnectionEnd(Will will) {
    if (will == null) {
      return;
    }
    long delay = Math.min(will.delaySeconds(), expirySeconds);
    if (delay <= 0) {
      registry.publishWill(clientId, will);
      return;
    }
    pendingWill = will;
    willTimer = context.owner().setTimer(delay * 1000, id -> {
      willTimer = -1;
      publishPendingWill();
    });
  }

  private void publishPendingWill() {
    Will will = pendingWill;
    cancelPendingWill();
    if (will != null) {
      registry.publishWill(clientId, will);
    }
  }

  private void cancelPendingWill() {
    pendingWill = null;
    if (willTimer >= 0) {
      context.owner().cancelTimer(willTimer);
      willTimer = -1;
    }
  }

  private void cancelExpiry() {
    if (expiryTimer >= 0) {
      context.owner().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }

  /** Disconnects the current connection for an administrator; false if there is none. Runs on the owner. */
  boolean kick() {
    if (connection == null) {
      return false;
    }
    connection.kick();
    return true;
  }

  /** A snapshot for the admin API; call on {@link #context()}. */
  ClientInfo describe() {
    List<SubscriptionInfo> subs = new ArrayList<>(subscriptions.size());
    subscriptions.forEach((filter, o) -> subs.add(new SubscriptionInfo(clientId, filter, o.qos(), o.noLocal(),
        o.retainAsPublished(), o.retainHandling())));
    subs.sort(java.util.Comparator.comparing(SubscriptionInfo::filter));
    Connect c = lastConnect;
    return new ClientInfo(clientId, connection != null, c == null ? null : c.username(), lastRemoteAddress,
        c == null ? null : c.version().label(), c == null ? 0 : c.keepAliveSeconds(),
        c != null && c.cleanStart(), attachedAtMillis, expirySeconds, queue.size() + backlog.size(), inflight.size(),
        subs);
  }

  /** Ends the session: subscriptions removed, queue dropped, a pending will published. */
  void destroy() {
    if (destroyed) {
      return;
    }
    destroyed = true;
    online = false;
    cancelExpiry();
    publishPendingWill();
    List<String> filters = new ArrayList<>(subscriptions.keySet());
    for (String f : filters) {
      registry.dispatcher().trie().unsubscribe(clientId, f);
    }
    subscriptions.clear();
    handBackOnEnd();
    if (!queue.isEmpty()) {
      LOG.debug("clientId={} session ended with {} queued messages", clientId, queue.size());
    }
    queue.forEach(out -> settle(out, false, "session ended"));
    queue.clear();
    queuedBytes = 0;
    updateCongestion();
    inflight.values().forEach(out -> settle(out, out.released, "session ended"));
    inflight.clear();
    awaitingResend = 0;
    awaitingRelease.clear();
    registry.removeSession(this);
  }

  /**
   * The session ended (after leaving every group): what shared groups chose it for and it did not finish goes back
   * to the group for another member, as MQTT 5 section 4.8.2 allows: QoS 1 in flight (the spec says SHOULD) and
   * everything still queued (never sent). A QoS 2 message sent but not yet answered with PUBREC MUST NOT go to
   * another member [MQTT-4.8.2-5] and is dropped; one past PUBREC has been received by the client.
   */
  private void handBackOnEnd() {
    int handedBack = 0;
    for (Outbound out : inflight.values()) {
      if (out.group == null) {
        continue;
      }
      if (out.qos == 1) {
        handedBack += handBack(out);
      } else if (!out.released) {
        registry.metrics().drop("shared-qos2-session-ended");
      }
    }
    for (Outbound out : queue) {
      if (out.group != null) {
        handedBack += handBack(out);
      }
    }
    if (handedBack > 0) {
      LOG.debug("clientId={} session ended, {} shared-subscription messages handed to other members", clientId,
          handedBack);
    }
  }

  private int handBack(Outbound out) {
    if (out.group.redeliver(out.message, this)) {
      return 1;
    }
    registry.metrics().drop("shared-no-member");
    return 0;
  }

  /** For tests and the admin API: ids of messages currently in flight, in send order. */
  List<Integer> inflightPacketIds() {
    List<Integer> ids = new ArrayList<>();
    for (Iterator<Integer> it = inflight.keySet().iterator(); it.hasNext(); ) {
      ids.add(it.next());
    }
    return ids;
  }
}
