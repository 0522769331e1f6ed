package io.vela.console;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vela.api.BrokerContext;
import io.vela.api.ManagedComponent;
import io.vela.api.admin.Admin;
import io.vela.api.admin.BrokerStats;
import io.vela.api.admin.ClientInfo;
import io.vela.api.admin.ListenerInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The broker's numbers as Micrometer meters named {@code vela.*} (Prometheus: {@code vela_*}). Counters read the
 * broker's own adders at scrape time; per-reason, per-listener and per-bridge series appear when first seen;
 * {@link #refresh()} brings the values that need a walk over the sessions (queue depths) up to date before a scrape.
 */
final class BrokerMeters {

  private final MeterRegistry registry;
  private final BrokerContext broker;
  private final Admin admin;
  private volatile BrokerStats stats;
  /** The listeners as refresh() last saw them; the per-listener meters read this snapshot, as the others read stats. */
  private volatile List<ListenerInfo> listeners = List.of();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong inflight = new AtomicLong();
  private final AtomicLong offlineSessions = new AtomicLong();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Map<String, Double> componentValues = new ConcurrentHashMap<>();

  BrokerMeters(MeterRegistry registry, BrokerContext broker) {
    this.registry = registry;
    this.broker = broker;
    this.admin = broker.admin();
    this.stats = admin.stats();
    gauge("vela.connections", "MQTT clients connected now", s -> s.connections());
    gauge("vela.sessions", "sessions, connected or not", s -> s.sessions());
    gauge("vela.subscriptions", "subscriptions in the routing trie", s -> s.subscriptions());
    gauge("vela.retained.messages", "retained messages stored", s -> s.retained());
    gauge("vela.uptime.seconds", "seconds since the broker started", s -> s.uptimeMillis() / 1000.0);
    counter("vela.connections.accepted", "MQTT connections accepted since start", s -> s.connectionsTotal());
    counter("vela.connections.refused", "CONNECTs refused since start", s -> s.connectionsRefused());
    counter("vela.auth.failures", "CONNECTs refused by authentication since start", s -> s.authFailures());
    for (int qos = 0; qos <= 2; qos++) {
      int q = qos;
      FunctionCounter.builder("vela.messages.received", this, m -> m.stats.messagesInByQos()[q])
          .description("PUBLISH packets received from clients, by QoS").tags("qos", String.valueOf(q))
          .register(registry);
      FunctionCounter.builder("vela.messages.sent", this, m -> m.stats.messagesOutByQos()[q])
          .description("PUBLISH packets sent to clients, by QoS").tags("qos", String.valueOf(q))
          .register(registry);
    }
    counter("vela.bytes.received", "bytes received from clients (MQTT packets)", s -> s.bytesIn());
    counter("vela.bytes.sent", "bytes sent to clients (MQTT packets)", s -> s.bytesOut());
    counter("vela.publisher.holdbacks", "times a publisher was held back by a slow subscriber",
        s -> s.publisherHoldBacks());
    Gauge.builder("vela.queued.messages", queued, AtomicLong::get)
        .description("messages waiting in session queues (offline or backed up)").register(registry);
    Gauge.builder("vela.inflight.messages", inflight, AtomicLong::get)
        .description("QoS 1/2 messages sent and not yet acknowledged").register(registry);
    Gauge.builder("vela.sessions.offline", offlineSessions, AtomicLong::get)
        .description("persistent sessions without a connection").register(registry);
  }

  /** Takes fresh snapshots (stats, session queues, new reasons, listeners, bridges); then scrape. */
  Future<Void> refresh() {
    BrokerStats s = admin.stats();
    stats = s;
    byReason("vela.messages.dropped", "messages not delivered, by reason", s.drops(), BrokerStats::drops);
    byReason("vela.rejections", "connections or packets refused by a limit or ban, by reason", s.rejections(),
        BrokerStats::rejections);
    byReason("vela.protocol.errors", "connections closed for a protocol violation, by reason", s.protocolErrors(),
        BrokerStats::protocolErrors);
    listeners = admin.listeners();
    for (ListenerInfo l : listeners) {
      String key = "listener/" + l.name();
      if (registered.add(key)) {
        Gauge.builder("vela.listener.up", this, m -> m.listener(l.name(), x -> "running".equals(x.state()) ? 1 : 0))
            .description("1 when the MQTT listener is bound").tags(Tags.of("listener", l.name(), "type", l.type()))
            .register(registry);
        Gauge.builder("vela.listener.connections", this, m -> m.listener(l.name(), ListenerInfo::connections))
            .description("open network connections on the listener")
            .tags(Tags.of("listener", l.name(), "type", l.type())).register(registry);
        listenerCounter("vela.listener.messages.received", "PUBLISH packets received from the listener's clients",
            l, ListenerInfo::messagesIn);
        listenerCounter("vela.listener.messages.sent", "PUBLISH packets sent to the listener's clients",
            l, ListenerInfo::messagesOut);
        listenerCounter("vela.listener.bytes.received", "bytes received from the listener's clients",
            l, ListenerInfo::bytesIn);
        listenerCounter("vela.listener.bytes.sent", "bytes sent to the listener's clients", l, ListenerInfo::bytesOut);
      }
    }
    for (ManagedComponent c : broker.components()) {
      components(c);
    }
    return admin.clients().map(all -> {
      long q = 0;
      long f = 0;
      long off = 0;
      for (ClientInfo c : all) {
        q += c.queued();
        f += c.inflight();
        off += c.connected() ? 0 : 1;
      }
      queued.set(q);
      inflight.set(f);
      offlineSessions.set(off);
      return null;
    });
  }

  /** A per-listener counter read from the listeners snapshot. */
  private void listenerCounter(String name, String description, ListenerInfo l,
                               java.util.function.ToDoubleFunction<ListenerInfo> value) {
    FunctionCounter.builder(name, this, m -> m.listener(l.name(), value))
        .description(description).tags(Tags.of("listener", l.name(), "type", l.type())).register(registry);
  }

  /** {@code value} of the listener {@code name} in the snapshot; 0 when it is not there. */
  private double listener(String name, java.util.function.ToDoubleFunction<ListenerInfo> value) {
    for (ListenerInfo l : listeners) {
      if (l.name().equals(name)) {
        return value.applyAsDouble(l);
      }
    }
    return 0;
  }

  /** vela_bridge_up{name,kind} and one gauge per numeric status field: vela_bridge_<field>{name,kind}. */
  private void components(ManagedComponent c) {
    JsonObject status;
    try {
      status = c.status();
    } catch (RuntimeException e) {
      status = new JsonObject();
    }
    String prefix = c.name() + "\u0000";
    componentValues.put(prefix + "up", "running".equals(status.getString("state")) ? 1.0 : 0.0);
    gaugeForComponent(c, "up", "1 when the bridge's state is running", prefix);
    for (String field : status.fieldNames()) {
      if (status.getValue(field) instanceof Number n) {
        String metric = field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9_]", "_")
            .toLowerCase(Locale.ROOT);
        componentValues.put(prefix + metric, n.doubleValue());
        gaugeForComponent(c, metric, "the bridge's '" + field + "' status value", prefix);
      }
    }
  }

  private void gaugeForComponent(ManagedComponent c, String metric, String description, String prefix) {
    if (registered.add("component/" + prefix + metric)) {
      Gauge.builder("vela.bridge." + metric, componentValues, m -> m.getOrDefault(prefix + metric, Double.NaN))
          .description(description).tags(Tags.of("name", c.name(), "kind", c.kind())).register(registry);
    }
  }

  private void byReason(String name, String description, Map<String, Long> now,
                        Function<BrokerStats, Map<String, Long>> read) {
    for (String reason : now.keySet()) {
      if (registered.add(name + "/" + reason)) {
        FunctionCounter.builder(name, this, m -> read.apply(m.stats).getOrDefault(reason, 0L))
            .description(description).tags("reason", reason).register(registry);
      }
    }
  }

  private void gauge(String name, String description, ToDoubleFunction<BrokerStats> f) {
    Gauge.builder(name, this, m -> f.applyAsDouble(m.stats)).description(description).register(registry);
  }

  private void counter(String name, String description, ToDoubleFunction<BrokerStats> f) {
    FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.stats)).description(description).register(registry);
  }
}
