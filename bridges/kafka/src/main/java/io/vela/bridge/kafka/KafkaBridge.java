package io.vela.bridge.kafka;

import io.vela.api.BrokerContext;
import io.vela.api.ManagedComponent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured bridge as operators see it: starts and stops its verticles (one for MQTT to Kafka, one per
 * Kafka to MQTT mapping), each on a context of its own, and reports their status.
 */
final class KafkaBridge implements ManagedComponent {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridge.class);

  private final BridgeConfig config;
  private final BrokerContext broker;
  private final ToKafkaVerticle.BridgeStats stats = new ToKafkaVerticle.BridgeStats();
  private final List<String> deployments = new ArrayList<>();
  private volatile String state = "stopped";
  private Future<Void> pending = Future.succeededFuture();

  KafkaBridge(BridgeConfig config, BrokerContext broker) {
    this.config = config;
    this.broker = broker;
  }

  @Override
  public String name() {
    return "kafka-bridge/" + config.name();
  }

  @Override
  public String kind() {
    return "kafka-bridge";
  }

  @Override
  public JsonObject status() {
    return new JsonObject()
        .put("state", state)
        .put("connected", stats.connected)
        .put("bootstrap-servers", config.bootstrapServers())
        .put("sent", stats.sent.get())
        .put("lag", stats.inflight.get())
        .put("buffered", stats.buffered.get())
        .put("received", stats.received.get())
        .put("committed", stats.committed.get())
        .put("unacknowledged", stats.unacknowledged.get())
        .put("errors", stats.errors.get())
        .put("dropped", stats.dropped.get())
        .put("last-error", stats.lastError);
  }

  @Override
  public synchronized Future<Void> start() {
    pending = pending.transform(ar -> {
      if (!deployments.isEmpty()) {
        return Future.succeededFuture();
      }
      state = "starting";
      Future<Void> chain = Future.succeededFuture();
      if (!config.toKafka().isEmpty()) {
        // buffered mode writes the spool: a worker context of its own (serial, may block on file I/O)
        chain = chain.compose(v -> deploy(new ToKafkaVerticle(config, broker, stats),
            new io.vertx.core.DeploymentOptions().setThreadingModel(config.buffered()
                ? io.vertx.core.ThreadingModel.WORKER : io.vertx.core.ThreadingModel.EVENT_LOOP)));
      }
      for (BridgeConfig.FromKafka m : config.fromKafka()) {
        chain = chain.compose(v -> deploy(new FromKafkaVerticle(config, m, broker, stats),
            new io.vertx.core.DeploymentOptions()));
      }
      return chain.onSuccess(v -> state = "running").recover(e -> {
        state = "failed";
        stats.lastError = String.valueOf(e.getMessage());
        LOG.warn("kafka-bridge={} did not start: {}", config.name(), stats.lastError);
        return undeployAll().transform(x -> Future.failedFuture(e));
      });
    });
    return pending;
  }

  @Override
  public synchronized Future<Void> stop() {
    pending = pending.transform(ar -> {
      state = "stopping";
      return undeployAll().onComplete(x -> state = "stopped");
    });
    return pending;
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle, io.vertx.core.DeploymentOptions options) {
    return broker.vertx().deployVerticle(verticle, options).onSuccess(deployments::add).mapEmpty();
  }

  private Future<Void> undeployAll() {
    Future<Void> chain = Future.succeededFuture();
    List<String> ids = new ArrayList<>(deployments);
    deployments.clear();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      chain = chain.transform(ar -> broker.vertx().undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return chain;
  }
}
