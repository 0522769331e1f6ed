package io.vela.console;

import io.vela.api.BrokerContext;
import io.vela.api.ManagedComponent;
import io.vela.api.Message;
import io.vela.api.admin.Admin;
import io.vela.api.admin.ClientInfo;
import io.vela.api.admin.RetainedInfo;
import io.vela.api.admin.SubscriptionInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST API under /api/v1 (every route is described in openapi.json; ConsoleApiIT checks both agree). */
final class ApiRoutes {

  static final String PREFIX = "/api/v1";
  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  private final BrokerContext broker;
  private final Admin admin;

  ApiRoutes(BrokerContext broker) {
    this.broker = broker;
    this.admin = broker.admin();
  }

  /** Adds the routes (authentication is already on the router's /api/v1/* chain). */
  void mount(Router r) {
    r.get(PREFIX + "/broker").handler(this::brokerInfo);
    r.get(PREFIX + "/stats").handler(ctx -> Requests.json(ctx, 200, Views.stats(admin.stats())));
    r.get(PREFIX + "/clients").handler(ctx -> clients(ctx, true));
    r.get(PREFIX + "/clients/:clientId").handler(this::client);
    r.post(PREFIX + "/clients/:clientId/kick").handler(this::kick);
    r.get(PREFIX + "/sessions").handler(ctx -> clients(ctx, false));
    r.delete(PREFIX + "/sessions/:clientId").handler(this::deleteSession);
    r.get(PREFIX + "/subscriptions").handler(this::subscriptions);
    r.get(PREFIX + "/retained").handler(this::retainedList);
    r.get(PREFIX + "/retained/:topic").handler(this::retainedGet);
    r.delete(PREFIX + "/retained/:topic").handler(this::retainedDelete);
    r.post(PREFIX + "/publish").handler(this::publish);
    r.get(PREFIX + "/bans").handler(ctx -> Requests.json(ctx, 200,
        Requests.page(ctx, admin.bans(), Views::ban)));
    r.post(PREFIX + "/bans").handler(this::ban);
    r.delete(PREFIX + "/bans/:kind/:value").handler(this::unban);
    r.get(PREFIX + "/listeners").handler(ctx -> Requests.json(ctx, 200,
        Requests.page(ctx, admin.listeners(), Views::listener)));
    r.get(PREFIX + "/bridges").handler(ctx -> Requests.json(ctx, 200,
        Requests.page(ctx, broker.components(), Views::component)));
    r.get(PREFIX + "/bridges/:name").handler(ctx -> Requests.json(ctx, 200, Views.component(component(ctx))));
    r.post(PREFIX + "/bridges/:name/start").handler(ctx -> lifecycle(ctx, true));
    r.post(PREFIX + "/bridges/:name/stop").handler(ctx -> lifecycle(ctx, false));
  }

  private void brokerInfo(RoutingContext ctx) {
    JsonObject stats = Views.stats(admin.stats());
    Requests.json(ctx, 200, new JsonObject().put("name", "vela").put("version", admin.version())
        .put("uptimeSeconds", stats.getLong("uptimeSeconds")).put("started", admin.started())
        .put("java", System.getProperty("java.version")));
  }

  /** GET /clients (connected only unless ?connected= says otherwise) and GET /sessions (every session). */
  private void clients(RoutingContext ctx, boolean clientsView) {
    String q = lower(ctx.request().getParam("q"));
    String connected = ctx.request().getParam("connected");
    if (connected != null && !connected.equals("true") && !connected.equals("false")) {
      throw Problem.badRequest("connected", "query parameter 'connected' must be true or false");
    }
    Predicate<ClientInfo> keep = c -> (q == null || contains(c.clientId(), q) || contains(c.username(), q)
        || contains(c.remoteAddress(), q))
        && (connected == null ? !clientsView || c.connected() : c.connected() == Boolean.parseBoolean(connected));
    reply(ctx, admin.clients().map(all -> Requests.page(ctx, all.stream().filter(keep).toList(),
        c -> Views.client(c, false))));
  }

  private void client(RoutingContext ctx) {
    String id = ctx.pathParam("clientId");
    reply(ctx, admin.client(id).map(c -> {
      if (c == null) {
        throw Problem.notFound("no session for client id '" + id + "'");
      }
      return Views.client(c, true);
    }));
  }

  private void kick(RoutingContext ctx) {
    String id = ctx.pathParam("clientId");
    reply(ctx, admin.kick(id).map(was -> {
      if (!was) {
        throw Problem.notFound("no connected client with id '" + id + "'");
      }
      audit(ctx, "kicked clientId={}", id);
      return new JsonObject().put("clientId", id).put("kicked", true);
    }));
  }

  private void deleteSession(RoutingContext ctx) {
    String id = ctx.pathParam("clientId");
    reply(ctx, admin.deleteSession(id).map(was -> {
      if (!was) {
        throw Problem.notFound("no session for client id '" + id + "'");
      }
      audit(ctx, "deleted the session of clientId={}", id);
      return null;
    }));
  }

  private void subscriptions(RoutingContext ctx) {
    String clientId = ctx.request().getParam("clientId");
    String q = lower(ctx.request().getParam("q"));
    reply(ctx, admin.clients().map(all -> {
      List<SubscriptionInfo> subs = new ArrayList<>();
      for (ClientInfo c : all) {
        if (clientId == null || clientId.equals(c.clientId())) {
          for (SubscriptionInfo s : c.subscriptions()) {
            if (q == null || contains(s.filter(), q)) {
              subs.add(s);
            }
          }
        }
      }
      return Requests.page(ctx, subs, Views::subscription);
    }));
  }

  private void retainedList(RoutingContext ctx) {
    String q = lower(ctx.request().getParam("q"));
    List<RetainedInfo> all = admin.retained().stream().filter(m -> q == null || contains(m.topic(), q)).toList();
    Requests.json(ctx, 200, Requests.page(ctx, all, m -> Views.retained(m, false)));
  }

  private void retainedGet(RoutingContext ctx) {
    String topic = ctx.pathParam("topic");
    RetainedInfo m = admin.retained(topic);
    if (m == null) {
      throw Problem.notFound("no retained message on topic '" + topic + "'");
    }
    Requests.json(ctx, 200, Views.retained(m, true));
  }

  private void retainedDelete(RoutingContext ctx) {
    String topic = ctx.pathParam("topic");
    if (!admin.deleteRetained(topic)) {
      throw Problem.notFound("no retained message on topic '" + topic + "'");
    }
    audit(ctx, "cleared the retained message of topic={}", topic);
    ctx.response().setStatusCode(204).end();
  }

  private void publish(RoutingContext ctx) {
    JsonObject b = Requests.body(ctx);
    String topic = Requests.requiredString(b, "topic");
    String payload = Requests.optionalString(b, "payload");
    String encoding = Requests.optionalString(b, "encoding");
    int qos = (int) Requests.optionalLong(b, "qos", 0, 0, 2);
    boolean retain = Requests.optionalBoolean(b, "retain", false);
    byte[] bytes;
    if (encoding == null || encoding.equals("utf8")) {
      bytes = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
    } else if (encoding.equals("base64")) {
      try {
        bytes = payload == null ? new byte[0] : Base64.getDecoder().decode(payload);
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest("payload", "'payload' is not valid base64: " + e.getMessage());
      }
    } else {
      throw Problem.badRequest("encoding", "'encoding' must be utf8 or base64");
    }
    int delivered;
    try {
      delivered = admin.publish(Message.of(topic, bytes, qos, retain, "$admin"));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("topic", e.getMessage());
    }
    audit(ctx, "published to topic={}", topic);
    Requests.json(ctx, 200, new JsonObject().put("topic", topic).put("delivered", delivered));
  }

  private void ban(RoutingContext ctx) {
    JsonObject b = Requests.body(ctx);
    String kind = Requests.requiredString(b, "kind");
    String value = Requests.requiredString(b, "value");
    String reason = Requests.optionalString(b, "reason");
    long seconds = Requests.optionalLong(b, "durationSeconds", 0, 0, 10L * 365 * 24 * 3600);
    long expires = seconds == 0 ? 0 : System.currentTimeMillis() + seconds * 1000;
    Future<JsonObject> added;
    try {
      added = admin.ban(kind, value, expires, reason).map(Views::ban);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage().startsWith("kind") ? "kind" : "value", e.getMessage());
    }
    audit(ctx, "banned {}={}", kind, value);
    added.onSuccess(o -> Requests.json(ctx, 201, o)).onFailure(ctx::fail);
  }

  private void unban(RoutingContext ctx) {
    boolean removed;
    try {
      removed = admin.unban(ctx.pathParam("kind"), ctx.pathParam("value"));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage().startsWith("kind") ? "kind" : "value", e.getMessage());
    }
    if (!removed) {
      throw Problem.notFound("no " + ctx.pathParam("kind") + " ban for '" + ctx.pathParam("value") + "'");
    }
    audit(ctx, "lifted the ban {}={}", ctx.pathParam("kind"), ctx.pathParam("value"));
    ctx.response().setStatusCode(204).end();
  }

  private ManagedComponent component(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    for (ManagedComponent c : broker.components()) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw Problem.notFound("no bridge named '" + name + "'");
  }

  private void lifecycle(RoutingContext ctx, boolean start) {
    ManagedComponent c = component(ctx);
    audit(ctx, start ? "starting bridge={}" : "stopping bridge={}", c.name());
    Future<Void> f;
    try {
      f = start ? c.start() : c.stop();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    reply(ctx, f.recover(e -> Future.failedFuture(new Problem(500, "Bridge " + (start ? "start" : "stop")
        + " failed", c.name() + ": " + e.getMessage(), null))).map(v -> Views.component(c)));
  }

  private static void audit(RoutingContext ctx, String what, Object... args) {
    if (LOG.isInfoEnabled()) {
      ConsoleSecurity.Principal p = ConsoleSecurity.principal(ctx);
      Object[] all = new Object[args.length + 1];
      all[0] = p == null ? "?" : p.name();
      System.arraycopy(args, 0, all, 1, args.length);
      LOG.info("admin {}: " + what, all);
    }
  }

  /** Answers the future's JSON (200), nothing (204 for null) or its failure (a Problem or 500). */
  private static void reply(RoutingContext ctx, Future<JsonObject> f) {
    f.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        ctx.response().setStatusCode(204).end();
      } else {
        Requests.json(ctx, 200, ar.result());
      }
    });
  }

  private static String lower(String s) {
    return s == null || s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
  }

  private static boolean contains(String s, String lowerNeedle) {
    return s != null && s.toLowerCase(Locale.ROOT).contains(lowerNeedle);
  }
}
