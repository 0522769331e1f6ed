package io.vela.console;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling: an API key ({@code Authorization: Bearer <key>}) or a console login (session cookie, SameSite=Strict,
 * HttpOnly). Reading needs either role; anything else needs {@link Role#ADMIN}, and a cookie session must also send
 * its CSRF token in {@value #CSRF_HEADER}. Passwords, keys and tokens are never logged.
 */
final class ConsoleSecurity {

  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);
  private static final String PRINCIPAL = "vela.principal";

  /** The caller of one request. */
  record Principal(String name, Role role, boolean session) {
  }

  private final Vertx vertx;
  private final AdminAccounts accounts;
  private final LoginThrottle throttle;

  ConsoleSecurity(Vertx vertx, AdminAccounts accounts, LoginThrottle throttle) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.throttle = throttle;
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** POST /api/v1/login {username, password}: starts a session; answers the user, role and CSRF token. */
  void login(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String username = Requests.requiredString(body, "username");
    String password = Requests.requiredString(body, "password");
    String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    long wait = throttle.retryAfterMillis(address);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf((wait + 999) / 1000));
      throw new Problem(429, "Too many requests", "too many failed logins from this address; try again in "
          + (wait + 999) / 1000 + " s", null);
    }
    vertx.executeBlocking(() -> accounts.login(username, password), false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ConsoleConfig.User user = ar.result();
      if (user == null) {
        throttle.failed(address);
        LOG.warn("admin console: failed login for username={} address={}", username, address);
        ctx.fail(new Problem(401, "Unauthorized", "wrong user name or password", null));
        return;
      }
      throttle.succeeded(address);
      Session session = ctx.session();
      session.regenerateId();
      String csrf = AdminAccounts.randomSecret();
      session.put("user", user.username()).put("role", user.role().label()).put("csrf", csrf);
      LOG.info("admin console: username={} logged in from address={}", user.username(), address);
      Requests.json(ctx, 200, new JsonObject().put("username", user.username()).put("role", user.role().label())
          .put("csrfToken", csrf));
    });
  }

  /** POST /api/v1/logout: ends the cookie session. */
  void logout(RoutingContext ctx) {
    if (ctx.session() != null) {
      ctx.session().destroy();
    }
    ctx.response().setStatusCode(204).end();
  }

  /** GET /api/v1/me: who is logged in (and the session's CSRF token, so a reloaded page can go on). */
  void me(RoutingContext ctx) {
    Principal p = principal(ctx);
    JsonObject o = new JsonObject().put("username", p.name()).put("role", p.role().label())
        .put("auth", p.session() ? "session" : "api-key");
    if (p.session()) {
      o.put("csrfToken", ctx.session().<String>get("csrf"));
    }
    Requests.json(ctx, 200, o);
  }

  /** Every protected route: authenticates, then checks the role and (for cookie sessions) the CSRF token. */
  void authorize(RoutingContext ctx) {
    Principal p = authenticate(ctx);
    if (p == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vela\"");
      ctx.fail(new Problem(401, "Unauthorized", "log in or send an API key as 'Authorization: Bearer <key>'",
          null));
      return;
    }
    ctx.put(PRINCIPAL, p);
    if (!safe(ctx.request().method())) {
      if (p.role() != Role.ADMIN) {
        ctx.fail(new Problem(403, "Forbidden", "'" + p.name() + "' has the read-only role", null));
        return;
      }
      if (p.session() && !csrfMatches(ctx.session().get("csrf"), ctx.request().getHeader(CSRF_HEADER))) {
        ctx.fail(new Problem(403, "Forbidden", "missing or wrong " + CSRF_HEADER + " header", CSRF_HEADER));
        return;
      }
    }
    ctx.next();
  }

  private Principal authenticate(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null) {
      if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return null;
      }
      ConsoleConfig.ApiKey key = accounts.apiKey(auth.substring(7).trim());
      return key == null ? null : new Principal("api-key:" + key.name(), key.role(), false);
    }
    Session s = ctx.session();
    if (s == null || s.get("user") == null) {
      return null;
    }
    return new Principal(s.get("user"), Role.parse(s.get("role")), true);
  }

  private static boolean safe(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
  }

  private static boolean csrfMatches(String expected, String presented) {
    return expected != null && presented != null && MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}
