package io.vela;

import io.vela.api.BrokerContext;
import io.vela.api.BrokerExtension;
import io.vela.api.ManagedComponent;
import io.vela.api.Message;
import io.vela.api.Subscriber;
import io.vela.api.admin.Admin;
import io.vela.api.SubscriptionOptions;
import io.vela.config.Extensions;
import io.vela.protocol.SharedFilter;
import io.vela.protocol.Topics;
import io.vela.routing.Dispatcher;
import io.vela.routing.Subscription;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the installed {@link BrokerExtension}s against the broker: the {@link BrokerContext} they see, started after
 * the listeners and stopped before them.
 */
final class ExtensionHost implements BrokerContext {

  private static final Logger LOG = LoggerFactory.getLogger(ExtensionHost.class);

  private final Vertx vertx;
  private final SessionRegistry registry;
  private final Dispatcher dispatcher;
  private final Map<String, ManagedComponent> components = new ConcurrentHashMap<>();
  private final List<String> order = new ArrayList<>();
  private final List<BrokerExtension> started = new ArrayList<>();
  private volatile Admin admin;

  ExtensionHost(Vertx vertx, SessionRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.dispatcher = registry.dispatcher();
  }

  /** Starts every installed extension, one after another, with its section of {@code sections}. */
  Future<Void> start(Map<String, JsonObject> sections) {
    Future<Void> chain = Future.succeededFuture();
    for (BrokerExtension extension : Extensions.installed()) {
      chain = chain.compose(v -> {
        JsonObject section = sections.get(extension.configKey());
        return extension.start(this, section).onSuccess(x -> {
          synchronized (started) {
            started.add(extension);
          }
          if (section != null) {
            LOG.info("extension {} started", extension.configKey());
          }
        });
      });
    }
    return chain;
  }

  /** Stops the started extensions in reverse order; a failure is logged and does not stop the others. */
  Future<Void> stop() {
    List<BrokerExtension> all;
    synchronized (started) {
      all = new ArrayList<>(started);
      started.clear();
    }
    Future<Void> chain = Future.succeededFuture();
    for (int i = all.size() - 1; i >= 0; i--) {
      BrokerExtension e = all.get(i);
      chain = chain.transform(ar -> e.stop().recover(err -> {
        LOG.warn("extension {} did not stop cleanly: {}", e.configKey(), String.valueOf(err.getMessage()));
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  /** Sets what {@link #admin()} returns (once, before the extensions start). */
  void admin(Admin admin) {
    this.admin = admin;
  }

  @Override
  public Admin admin() {
    return admin;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  private static void requireTopicName(Message message) {
    if (!Topics.isValidTopicName(message.topic())) {
      throw new IllegalArgumentException("not a valid topic name: '" + message.topic() + "'");
    }
  }

  @Override
  public int publish(Message message) {
    requireTopicName(message);
    return dispatcher.publish(message);
  }

  @Override
  public io.vertx.core.Future<Integer> publishAcknowledged(Message message) {
    requireTopicName(message);
    io.vertx.core.Context caller = io.vertx.core.Vertx.currentContext();
    java.util.List<io.vertx.core.Future<Void>> acks = new java.util.ArrayList<>();
    int count = dispatcher.publishAcknowledged(message, acks::add);
    io.vertx.core.Future<Integer> all = acks.isEmpty() ? io.vertx.core.Future.succeededFuture(count)
        : io.vertx.core.Future.all(acks).map(count);
    if (caller == null || all.isComplete()) {
      return all;
    }
    io.vertx.core.Promise<Integer> onCaller = io.vertx.core.Promise.promise();
    all.onComplete(ar -> caller.runOnContext(v -> onCaller.handle(ar)));
    return onCaller.future();
  }

  @Override
  public boolean subscribe(Subscriber subscriber, String filter, SubscriptionOptions options) {
    boolean valid = Topics.isSharedFilter(filter) ? SharedFilter.parse(filter) != null : Topics.isValidFilter(filter);
    if (!valid) {
      throw new IllegalArgumentException("not a valid topic filter: '" + filter + "'");
    }
    return dispatcher.trie().subscribe(new Subscription(subscriber, filter, options));
  }

  @Override
  public boolean unsubscribe(Subscriber subscriber, String filter) {
    return dispatcher.trie().unsubscribe(subscriber.id(), filter);
  }

  @Override
  public void register(ManagedComponent component) {
    synchronized (order) {
      if (components.put(component.name(), component) == null) {
        order.add(component.name());
      }
    }
  }

  @Override
  public void unregister(String name) {
    synchronized (order) {
      if (components.remove(name) != null) {
        order.remove(name);
      }
    }
  }

  @Override
  public List<ManagedComponent> components() {
    synchronized (order) {
      List<ManagedComponent> list = new ArrayList<>(order.size());
      for (String n : order) {
        list.add(components.get(n));
      }
      return list;
    }
  }
}
