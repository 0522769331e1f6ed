package io.vela;

import io.vela.api.Message;
import io.vela.metrics.BrokerMetrics;
import io.vela.routing.Dispatcher;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;

/**
 * Publishes broker status as retained messages under {@code $SYS/broker/} at a fixed interval (mosquitto's topic
 * names, so existing dashboards work).
 */
final class SysTopicsVerticle extends VerticleBase {

  static final String PREFIX = "$SYS/broker/";

  private final SessionRegistry registry;
  private final int intervalSeconds;
  private long timer = -1;

  SysTopicsVerticle(SessionRegistry registry, int intervalSeconds) {
    this.registry = registry;
    this.intervalSeconds = intervalSeconds;
  }

  @Override
  public Future<?> start() {
    publishAll();
    timer = vertx.setPeriodic(intervalSeconds * 1000L, id -> publishAll());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  void publishAll() {
    BrokerMetrics m = registry.metrics();
    Dispatcher d = registry.dispatcher();
    long uptime = (System.currentTimeMillis() - m.startedAtMillis) / 1000;
    publish(d, "version", "vela " + VelaBroker.version());
    publish(d, "uptime", uptime + " seconds");
    publish(d, "clients/connected", m.connectionsCurrent.get());
    publish(d, "clients/total", registry.sessionCount());
    publish(d, "clients/disconnected", Math.max(0, registry.sessionCount() - m.connectionsCurrent.get()));
    publish(d, "clients/maximum-connections-total", m.connectionsTotal.sum());
    publish(d, "messages/received", m.publishReceived());
    publish(d, "messages/sent", m.publishSent());
    publish(d, "messages/dropped", m.dropsByReason().values().stream().mapToLong(Long::longValue).sum());
    publish(d, "bytes/received", m.bytesReceived.sum());
    publish(d, "bytes/sent", m.bytesSent.sum());
    publish(d, "subscriptions/count", d.trie().size());
    publish(d, "retained messages/count", d.retained().size());
    m.dropsByReason().forEach((reason, n) -> publish(d, "messages/dropped/" + reason, n));
    m.rejectionsByReason().forEach((reason, n) -> publish(d, "rejections/" + reason, n));
    m.protocolErrorsByReason().forEach((reason, n) -> publish(d, "protocol-errors/" + reason, n));
    publish(d, "publishers/held-back", m.publisherHoldBacks.sum());
  }

  private static void publish(Dispatcher d, String topic, Object value) {
    byte[] payload = String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    d.publish(Message.of(PREFIX + topic, payload, 0, true, ""));
  }
}
