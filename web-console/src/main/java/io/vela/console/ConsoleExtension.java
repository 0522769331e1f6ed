package io.vela.console;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vela.api.BrokerContext;
import io.vela.api.BrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console as a broker extension: owns the {@code admin:} config section; turns on Vert.x metrics (Micrometer,
 * Prometheus registry) before the broker's Vert.x starts and deploys {@link ConsoleVerticle}.
 */
public final class ConsoleExtension implements BrokerExtension {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleExtension.class);
  static final String REGISTRY = "vela";

  private String deployment;
  private BrokerContext broker;
  private ConsoleVerticle verticle;

  @Override
  public String configKey() {
    return ConsoleConfig.KEY;
  }

  @Override
  public void validate(JsonObject section) {
    ConsoleConfig.parse(section);
  }

  @Override
  public void configureVertx(VertxOptions options, JsonObject section) {
    ConsoleConfig c = ConsoleConfig.parse(section);
    if (c != null && c.enabled && c.metricsEnabled && c.vertxMetrics) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setRegistryName(REGISTRY)
          .setJvmMetricsEnabled(true)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }
  }

  @Override
  public Future<Void> start(BrokerContext broker, JsonObject section) {
    ConsoleConfig c = ConsoleConfig.parse(section);
    if (c == null || !c.enabled) {
      return Future.succeededFuture();
    }
    this.broker = broker;
    AdminAccounts accounts = new AdminAccounts(c.users, c.apiKeys);
    Future<Void> ready = Future.succeededFuture();
    if (!accounts.hasUsers()) {
      ready = firstLogin(broker, c, accounts);
    }
    verticle = new ConsoleVerticle(broker, c, accounts, registry());
    return ready.compose(v -> broker.vertx().deployVerticle(verticle)).map(id -> {
      deployment = id;
      return null;
    });
  }

  /**
   * With no users in the config: user {@code admin} with admin.initial-password (VELA_ADMIN__INITIAL_PASSWORD), or
   * with a random password written to the log once, with a warning.
   */
  private static Future<Void> firstLogin(BrokerContext broker, ConsoleConfig c, AdminAccounts accounts) {
    boolean generated = c.initialPassword == null;
    String password = generated ? AdminAccounts.randomSecret().substring(0, 20) : c.initialPassword;
    return broker.vertx().executeBlocking(() -> AdminAccounts.hash(password), false).map(hash -> {
      accounts.add(new ConsoleConfig.User("admin", hash, Role.ADMIN));
      if (generated) {
        LOG.warn("admin console: no admin.users configured; user 'admin' has the generated password {} until the "
            + "broker stops. Set admin.users (bin/vela-admin hash-password) or VELA_ADMIN__INITIAL_PASSWORD "
            + "to choose one.", password);
      } else {
        LOG.info("admin console: no admin.users configured; user 'admin' logs in with admin.initial-password");
      }
      return null;
    });
  }

  /** The Prometheus registry Vert.x metrics write to, or a registry of our own when Vert.x metrics are off. */
  private static PrometheusMeterRegistry registry() {
    MeterRegistry r = BackendRegistries.getNow(REGISTRY);
    if (r instanceof PrometheusMeterRegistry p) {
      return p;
    }
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** The port the console listens on (tests configure 0). */
  public int port() {
    return verticle.actualPort();
  }

  @Override
  public Future<Void> stop() {
    if (deployment == null) {
      return Future.succeededFuture();
    }
    return broker.vertx().undeploy(deployment);
  }
}
