package io.vela.console;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An error answered as problem JSON (RFC 9457, {@code application/problem+json}). Throw it from a handler; the
 * router's failure handler writes it. {@code field} names the request field at fault for 400s.
 */
final class Problem extends RuntimeException {

  static final String MEDIA_TYPE = "application/problem+json";

  final int status;
  final String title;
  final String field;

  Problem(int status, String title, String detail, String field) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.field = field;
  }

  static Problem badRequest(String field, String detail) {
    return new Problem(400, "Bad request", detail, field);
  }

  static Problem notFound(String detail) {
    return new Problem(404, "Not found", detail, null);
  }

  static Problem conflict(String detail) {
    return new Problem(409, "Conflict", detail, null);
  }

  JsonObject toJson(String instance) {
    JsonObject o = new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
        .put("detail", getMessage()).put("instance", instance);
    if (field != null) {
      o.put("field", field);
    }
    return o;
  }

  void send(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE)
        .end(toJson(ctx.request().path()).encode());
  }
}
