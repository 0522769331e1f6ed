package io.vela;

import io.vela.api.Message;
import io.vela.api.admin.Admin;
import io.vela.api.admin.BanInfo;
import io.vela.api.admin.BrokerStats;
import io.vela.api.admin.ClientInfo;
import io.vela.api.admin.ListenerInfo;
import io.vela.api.admin.RetainedInfo;
import io.vela.auth.BanList;
import io.vela.config.ListenerConfig;
import io.vela.metrics.BrokerMetrics;
import io.vela.protocol.Topics;
import io.vela.routing.RetainedStore;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** The {@link Admin} interface on top of the session registry, retained store, ban list and metrics. */
final class BrokerAdmin implements Admin {

  private final SessionRegistry registry;
  private final Map<String, ListenerConfig> listeners;
  private final Function<String, Integer> boundPort;
  private final BooleanSupplier started;

  /**
   * @param boundPort the port a listener is bound to, or null when it is not running
   * @param started   whether the broker's start (listeners and extensions) has completed
   */
  BrokerAdmin(SessionRegistry registry, Map<String, ListenerConfig> listeners, Function<String, Integer> boundPort,
              BooleanSupplier started) {
    this.registry = registry;
    this.listeners = listeners;
    this.boundPort = boundPort;
    this.started = started;
  }

  @Override
  public String version() {
    return VelaBroker.version();
  }

  @Override
  public Future<List<ClientInfo>> clients() {
    return registry.describeAll();
  }

  @Override
  public Future<ClientInfo> client(String clientId) {
    return registry.describe(clientId);
  }

  @Override
  public Future<Boolean> kick(String clientId) {
    return registry.kick(clientId);
  }

  @Override
  public Future<Boolean> deleteSession(String clientId) {
    return registry.deleteSession(clientId);
  }

  private RetainedStore store() {
    return registry.dispatcher().retained();
  }

  @Override
  public List<RetainedInfo> retained() {
    List<RetainedInfo> out = new ArrayList<>();
    for (Message m : store().all()) {
      out.add(info(m));
    }
    out.sort(Comparator.comparing(RetainedInfo::topic));
    return out;
  }

  @Override
  public RetainedInfo retained(String topic) {
    List<Message> m = Topics.hasWildcard(topic) ? List.of() : store().match(topic);
    return m.isEmpty() ? null : info(m.get(0));
  }

  private static RetainedInfo info(Message m) {
    return new RetainedInfo(m.topic(), m.payload(), m.qos(), m.publisherId());
  }

  @Override
  public boolean deleteRetained(String topic) {
    if (retained(topic) == null) {
      return false;
    }
    store().update(Message.of(topic, new byte[0], 0, true, "$admin"));
    return true;
  }

  @Override
  public int publish(Message message) {
    if (!Topics.isValidTopicName(message.topic())) {
      throw new IllegalArgumentException("not a valid topic name: '" + message.topic() + "'");
    }
    return registry.dispatcher().publish(message);
  }

  private BanList banList() {
    return registry.guard().bans();
  }

  @Override
  public List<BanInfo> bans() {
    List<BanInfo> out = new ArrayList<>();
    for (BanList.Ban b : banList().list()) {
      out.add(info(b));
    }
    return out;
  }

  private static BanInfo info(BanList.Ban b) {
    return new BanInfo(b.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), b.value(), b.expiresAtMillis(),
        b.reason());
  }

  private static BanList.Kind kind(String kind) {
    if (kind != null) {
      for (BanList.Kind k : BanList.Kind.values()) {
        if (k.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(kind)) {
          return k;
        }
      }
    }
    throw new IllegalArgumentException("kind must be one of client-id, username, ip, cidr: '" + kind + "'");
  }

  @Override
  public Future<BanInfo> ban(String kind, String value, long expiresAtMillis, String reason) {
    BanList.Kind k = kind(kind);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("value must not be empty");
    }
    BanInfo added = info(banList().add(k, value, expiresAtMillis, reason));
    if (k == BanList.Kind.CLIENT_ID) {
      return registry.kick(value).map(x -> added);
    }
    return Future.succeededFuture(added);
  }

  @Override
  public boolean unban(String kind, String value) {
    return banList().remove(kind(kind), value);
  }

  @Override
  public List<ListenerInfo> listeners() {
    List<ListenerInfo> out = new ArrayList<>();
    listeners.forEach((name, l) -> {
      Integer port = boundPort.apply(name);
      BrokerMetrics.ListenerTraffic t = registry.metrics().listener(name);
      out.add(new ListenerInfo(name, l.type, l.bind, port == null ? l.port() : port,
          !l.enabled ? "disabled" : port == null ? "starting" : "running", l.tls != null,
          l.websocket == null ? null : l.websocket.path, registry.guard().openConnections(name),
          t.bytesReceived.sum(), t.bytesSent.sum(), t.publishReceived.sum(), t.publishSent.sum()));
    });
    return out;
  }

  @Override
  public BrokerStats stats() {
    BrokerMetrics m = registry.metrics();
    return new BrokerStats(System.currentTimeMillis() - m.startedAtMillis, m.connectionsCurrent.get(),
        registry.sessionCount(), registry.dispatcher().trie().size(), store().size(), m.connectionsTotal.sum(),
        m.connectionsRefused.sum(), m.authFailures.sum(), m.publishReceived(), m.publishSent(),
        new long[] {m.receivedByQos(0), m.receivedByQos(1), m.receivedByQos(2)},
        new long[] {m.sentByQos(0), m.sentByQos(1), m.sentByQos(2)},
        m.bytesReceived.sum(), m.bytesSent.sum(), m.publisherHoldBacks.sum(), m.dropsByReason(),
        m.rejectionsByReason(), m.protocolErrorsByReason());
  }

  @Override
  public boolean started() {
    return started.getAsBoolean();
  }
}
