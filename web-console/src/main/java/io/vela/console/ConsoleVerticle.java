package io.vela.console;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vela.api.BrokerContext;
import io.vela.api.ManagedComponent;
import io.vela.api.admin.Admin;
import io.vela.api.admin.ListenerInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener: REST API under /api/v1, the dashboard at /, Prometheus metrics at /metrics and health at
 * /health/live and /health/ready.
 */
final class ConsoleVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleVerticle.class);
  static final String OPENAPI = "webroot/openapi.json";

  private final BrokerContext broker;
  private final ConsoleConfig config;
  private final AdminAccounts accounts;
  private final PrometheusMeterRegistry registry;
  private final LoginThrottle throttle = new LoginThrottle(System::currentTimeMillis);
  private HttpServer server;
  private BrokerMeters meters;

  ConsoleVerticle(BrokerContext broker, ConsoleConfig config, AdminAccounts accounts,
                  PrometheusMeterRegistry registry) {
    this.broker = broker;
    this.config = config;
    this.accounts = accounts;
    this.registry = registry;
  }

  int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
              + "img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
      ctx.next();
    });
    health(router);
    if (config.metricsEnabled && registry != null) {
      meters = new BrokerMeters(registry, broker);
      ConsoleSecurity metricsAuth = new ConsoleSecurity(vertx, accounts, throttle);
      var route = router.get("/metrics");
      if (!config.metricsPublic) {
        route.handler(metricsAuth::authorize);
      }
      route.handler(this::metrics);
    }
    ConsoleSecurity security = new ConsoleSecurity(vertx, accounts, throttle);
    SessionHandler sessions = SessionHandler.create(LocalSessionStore.create(vertx))
        .setSessionCookieName("vela-console")
        .setCookieSameSite(CookieSameSite.STRICT)
        .setCookieHttpOnlyFlag(true)
        .setCookieSecureFlag(config.tls())
        .setSessionTimeout(config.sessionTimeoutMinutes * 60_000L);
    String api = ApiRoutes.PREFIX;
    router.route(api + "/*").handler(BodyHandler.create().setBodyLimit(1024 * 1024).setHandleFileUploads(false));
    router.route(api + "/*").handler(sessions);
    router.get(api + "/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .sendFile(OPENAPI));
    router.post(api + "/login").handler(security::login);
    OidcLogin oidc = config.oidc == null ? null : new OidcLogin(vertx, config.oidc,
        (config.tls() ? "https://" : "http://") + (config.bind.equals("0.0.0.0") ? "localhost" : config.bind) + ":"
            + config.port);
    router.get(api + "/auth-methods").handler(ctx -> Requests.json(ctx, 200, new JsonObject().put("password", true)
        .put("oidc", oidc != null)));
    if (oidc != null) {
      router.get(OidcLogin.LOGIN).handler(oidc::login);
      router.get(OidcLogin.CALLBACK).handler(oidc::callback);
    }
    router.post(api + "/logout").handler(security::logout);
    router.route(api + "/*").handler(security::authorize);
    router.get(api + "/me").handler(security::me);
    new ApiRoutes(broker).mount(router);
    router.route(api + "/*").handler(ctx -> ctx.fail(Problem.notFound("no such API resource: "
        + ctx.request().method() + " " + ctx.request().path())));
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html")
        .setCachingEnabled(false).setDirectoryListing(false));
    router.route().failureHandler(this::failure);

    HttpServerOptions options = new HttpServerOptions().setHost(config.bind).setPort(config.port);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertFile)
          .setKeyPath(config.tlsKeyFile));
    }
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
      server = s;
      LOG.info("admin console: {}://{}:{}/ (REST API {}, metrics /metrics, health /health/live and /health/ready)",
          config.tls() ? "https" : "http", config.bind, s.actualPort(), api);
    }).recover(e -> Future.failedFuture(new IllegalStateException("admin console cannot listen on " + config.bind
        + ":" + config.port + " (config key 'admin.port'): " + e.getMessage(), e)));
  }

  private void metrics(RoutingContext ctx) {
    meters.refresh().onComplete(ar -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
  }

  /** live: the admin event loop answers; ready: listeners bound, extensions started, no bridge failed. */
  private void health(Router router) {
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", p -> p.complete(Status.OK()));
    Admin admin = broker.admin();
    HealthChecks ready = HealthChecks.create(vertx)
        .register("listeners", p -> {
          List<String> down = new ArrayList<>();
          for (ListenerInfo l : admin.listeners()) {
            if (!"running".equals(l.state()) && !"disabled".equals(l.state())) {
              down.add(l.name());
            }
          }
          p.complete(down.isEmpty() ? Status.OK() : Status.KO(new JsonObject().put("notBound", down)));
        })
        .register("started", p -> p.complete(admin.started() ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "the broker is starting or stopping"))))
        .register("bridges", p -> {
          JsonObject failed = new JsonObject();
          for (ManagedComponent c : broker.components()) {
            String state = Views.component(c).getString("state");
            if ("failed".equals(state) || "unknown".equals(state)) {
              failed.put(c.name(), state);
            }
          }
          p.complete(failed.isEmpty() ? Status.OK() : Status.KO(new JsonObject().put("failed", failed)));
        });
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    Problem p;
    if (t instanceof Problem problem) {
      p = problem;
    } else if (t == null) {
      int code = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      p = new Problem(code, code == 413 ? "Payload too large" : code == 404 ? "Not found" : "Error",
          code == 413 ? "the request body is larger than 1 MiB" : "request failed with status " + code, null);
    } else {
      LOG.warn("admin console: {} {} failed: {}", ctx.request().method(), ctx.request().path(), t.toString(), t);
      p = new Problem(500, "Internal error", "the request failed: " + t.getMessage(), null);
    }
    p.send(ctx);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
