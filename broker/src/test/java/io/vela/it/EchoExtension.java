package io.vela.it;

import io.vela.api.BrokerContext;
import io.vela.api.BrokerExtension;
import io.vela.api.ManagedComponent;
import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A broker extension for the tests of the extension SPI, installed through the test class path's
 * {@code META-INF/services}: with a {@code test-echo} section it subscribes to {@code test-echo.filter} and publishes
 * every message it receives again under {@code test-echo.prefix} (QoS and payload unchanged).
 */
public final class EchoExtension implements BrokerExtension, ManagedComponent, Subscriber {

  private BrokerContext broker;
  private Context context;
  private String filter;
  private String prefix;
  private final AtomicLong echoed = new AtomicLong();
  private volatile boolean running;

  @Override
  public String configKey() {
    return "test-echo";
  }

  @Override
  public void validate(JsonObject section) {
    if (section != null && section.getString("filter") == null) {
      throw new IllegalArgumentException("config key 'test-echo.filter' is required");
    }
  }

  @Override
  public Future<Void> start(BrokerContext broker, JsonObject section) {
    if (section == null) {
      return Future.succeededFuture();
    }
    this.broker = broker;
    this.context = broker.vertx().getOrCreateContext();
    this.filter = section.getString("filter");
    this.prefix = section.getString("prefix", "echo/");
    broker.register(this);
    return start();
  }

  @Override
  public Future<Void> stop() {
    return broker == null ? Future.succeededFuture() : stopEcho();
  }

  // ManagedComponent

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public String kind() {
    return "test-echo";
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("state", running ? "running" : "stopped").put("echoed", echoed.get());
  }

  @Override
  public Future<Void> start() {
    broker.subscribe(this, filter, SubscriptionOptions.qos(2));
    running = true;
    return Future.succeededFuture();
  }

  private Future<Void> stopEcho() {
    broker.unsubscribe(this, filter);
    running = false;
    return Future.succeededFuture();
  }

  // Subscriber

  @Override
  public String id() {
    return "$ext/echo";
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public void deliver(Message message, int qos, boolean retainFlag, int[] subscriptionIds) {
    echoed.incrementAndGet();
    broker.publish(Message.of(prefix + message.topic(), message.payload(), qos, false, id()));
  }
}
