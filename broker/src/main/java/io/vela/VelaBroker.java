package io.vela;

import io.vela.auth.ConnectionGuard;
import io.vela.config.ConfigException;
import io.vela.config.ListenerConfig;
import io.vela.config.VelaConfig;
import io.vela.metrics.BrokerMetrics;
import io.vela.routing.Dispatcher;
import io.vela.routing.RetainedStore;
import io.vela.routing.ShareStrategy;
import io.vela.routing.SubscriptionTrie;
import io.vela.session.SessionRegistry;
import io.vela.transport.ListenerVerticle;
import io.vela.transport.TcpListenerVerticle;
import io.vela.transport.TlsReloader;
import io.vela.transport.WebSocketListenerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the shared routing state once and deploys one listener verticle instance per event
 * loop for every configured listener, all sharing that state by reference.
 */
public final class VelaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(VelaBroker.class);
  private static final AtomicInteger SHARED_PORT_KEY = new AtomicInteger();

  private final VelaConfig config;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final BrokerMetrics metrics = new BrokerMetrics();
  private final SessionRegistry registry;
  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private final Map<String, Integer> ports = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> deployments = new ArrayList<>();
  private final Map<String, TlsReloader> tlsReloaders = new LinkedHashMap<>();
  private final ExtensionHost extensions;
  private volatile boolean started;

  private VelaBroker(VelaConfig config, Vertx vertx, boolean ownsVertx) {
    this.config = config;
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    Dispatcher dispatcher = new Dispatcher(new SubscriptionTrie(
        ShareStrategy.valueOf(config.mqtt.sharedSubscriptions.strategy.name())), new RetainedStore());
    this.registry = new SessionRegistry(config.mqtt, dispatcher, metrics,
        new ConnectionGuard(config.limits, config.bans, metrics));
    this.extensions = new ExtensionHost(vertx, registry);
    this.extensions.admin(new BrokerAdmin(registry, config.listeners, ports::get, () -> started));
  }

  /** Starts a broker on its own Vert.x instance. */
  public static Future<VelaBroker> start(VelaConfig config) {
    // epoll on Linux when the native library loads (Vert.x falls back to NIO otherwise)
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    if (config.eventLoops > 0) {
      options.setEventLoopPoolSize(config.eventLoops);
    }
    for (io.vela.api.BrokerExtension e : io.vela.config.Extensions.installed()) {
      e.configureVertx(options, config.extensions.get(e.configKey()));
    }
    Vertx vertx = Vertx.vertx(options);
    if (vertx.isNativeTransportEnabled()) {
      LOG.debug("network transport: native (epoll)");
    } else {
      LOG.info("network transport: NIO (native epoll unavailable: {})",
          String.valueOf(vertx.unavailableNativeTransportCause()));
    }
    VelaBroker broker = new VelaBroker(config, vertx, true);
    return broker.deploy().recover(e -> vertx.close().transform(ar -> Future.<VelaBroker>failedFuture(e)));
  }

  private Future<VelaBroker> deploy() {
    int instances = config.eventLoops > 0 ? config.eventLoops : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    Future<?> chain;
    try {
      chain = AuthSetup.start(vertx, config, registry, metrics, deployments::add);
    } catch (ConfigException e) {
      return Future.failedFuture(e); // e.g. a users or ACL file that is missing or malformed
    }
    for (Map.Entry<String, ListenerConfig> e : config.listeners.entrySet()) {
      String name = e.getKey();
      ListenerConfig l = e.getValue();
      if (!l.enabled) {
        continue;
      }
      // port 0 = any free port, shared by every instance: Vert.x shares a random port among servers that ask for
      // the same negative port number
      int port = l.port() == 0 ? -(SHARED_PORT_KEY.incrementAndGet()) : l.port();
      List<ListenerVerticle> created = new ArrayList<>();
      chain = chain.compose(v -> vertx.deployVerticle(() -> {
            ListenerVerticle verticle = newListener(name, l, port);
            synchronized (created) {
              created.add(verticle);
            }
            return verticle;
          }, new DeploymentOptions().setInstances(instances))
          // a TLS file problem is a configuration problem: its message names the key and the file
          .recover(err -> Future.failedFuture(err instanceof ConfigException ? err
              : new ListenerException(name, l, err)))
          .compose(id -> {
            deployments.add(id);
            int actual = created.get(0).actualPort();
            ports.put(name, actual);
            LOG.info("listener {}: MQTT over {}{} on {}:{}{}", name, l.type,
                l.proxyProtocol ? " (PROXY protocol)" : "", l.bind, actual,
                l.websocket == null ? "" : " path " + l.websocket.path);
            if (l.tls == null) {
              return Future.succeededFuture();
            }
            TlsReloader reloader = new TlsReloader(vertx, name, l.tls, created);
            tlsReloaders.put(name, reloader);
            return reloader.start();
          }));
    }
    chain = chain.compose(v -> vertx.deployVerticle(new ControlPlaneVerticle(registry, this::reloadTls))
        .onSuccess(deployments::add));
    if (config.sys.enabled) {
      chain = chain.compose(v -> vertx.deployVerticle(new SysTopicsVerticle(registry, config.sys.intervalSeconds))
          .onSuccess(deployments::add));
    }
    chain = chain.compose(v -> extensions.start(config.extensions));
    return chain.map(v -> {
      started = true;
      return this;
    });
  }

  /** One instance of the verticle serving a listener of this type (types are validated with the config). */
  private ListenerVerticle newListener(String name, ListenerConfig l, int port) {
    return switch (l.type) {
      case "tcp", "tls" -> new TcpListenerVerticle(name, l, port, registry, accepting::get);
      case "ws", "wss" -> new WebSocketListenerVerticle(name, l, port, registry, accepting::get);
      default -> throw new IllegalArgumentException("no listener verticle for type " + l.type);
    };
  }

  /** The port a listener is bound to (resolved when configured as 0). */
  public int port(String listenerName) {
    Integer p = ports.get(listenerName);
    if (p == null) {
      throw new IllegalArgumentException("no running listener named " + listenerName);
    }
    return p;
  }

  /**
   * Reloads the certificate files of a TLS listener (all of them for null); connections already open stay up. Also
   * reachable on the event bus at {@link io.vela.bus.Addresses#TLS_RELOAD}.
   *
   * @return listener name to "reloaded" or "unchanged"; fails with IllegalArgumentException for an unknown listener,
   *     with the file problem when new files are bad (the old certificates stay in use)
   */
  public Future<JsonObject> reloadTls(String listenerName) {
    List<String> names = new ArrayList<>();
    if (listenerName == null) {
      names.addAll(tlsReloaders.keySet());
    } else if (tlsReloaders.containsKey(listenerName)) {
      names.add(listenerName);
    } else {
      return Future.failedFuture(new IllegalArgumentException("no running TLS listener named " + listenerName));
    }
    JsonObject result = new JsonObject();
    List<Future<?>> all = new ArrayList<>();
    for (String n : names) {
      all.add(tlsReloaders.get(n).reload("request").onSuccess(o -> {
        synchronized (result) {
          result.put(n, o.name().toLowerCase(java.util.Locale.ROOT));
        }
      }));
    }
    return Future.all(all).map(v -> result);
  }

  public SessionRegistry registry() {
    return registry;
  }

  public BrokerMetrics metrics() {
    return metrics;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** What extensions see of this broker (also for tests that play an extension's part). */
  public io.vela.api.BrokerContext context() {
    return extensions;
  }

  /**
   * Graceful stop: stop accepting, send MQTT 5 clients DISCONNECT 0x8B and close the others once their pending
   * writes are flushed, then stop the listeners and Vert.x. Gives up waiting after the configured timeout.
   */
  public Future<Void> stop() {
    started = false;
    accepting.set(false);
    tlsReloaders.values().forEach(TlsReloader::stop);
    Duration timeout = Duration.ofSeconds(config.shutdownTimeoutSeconds);
    Future<Void> extensionsStopped = Future.any(extensions.stop(), timer(timeout)).mapEmpty();
    return extensionsStopped
        .transform(ar -> Future.any(registry.disconnectAll(), timer(timeout)).<Void>mapEmpty())
        .transform(ar -> undeployAll())
        .transform(ar -> ownsVertx ? vertx.close() : Future.succeededFuture());
  }

  private Future<Void> timer(Duration d) {
    return vertx.timer(d.toMillis()).mapEmpty();
  }

  private Future<Void> undeployAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (String id : deployments) {
      all.add(vertx.undeploy(id));
    }
    return Future.join(all).mapEmpty();
  }

  public static String version() {
    String v = VelaBroker.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** A listener failed to start (typically: port in use). */
  public static final class ListenerException extends RuntimeException {
    public ListenerException(String name, ListenerConfig l, Throwable cause) {
      super("cannot listen on " + l.bind + ":" + l.port() + " (listener '" + name + "'): " + describe(cause), cause);
    }

    private static String describe(Throwable t) {
      String m = t.getMessage();
      return m == null ? t.getClass().getSimpleName() : m;
    }
  }
}
