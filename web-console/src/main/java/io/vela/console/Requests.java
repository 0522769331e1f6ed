package io.vela.console;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Reading request input with 400 problems that name the field, and writing JSON answers. */
final class Requests {

  static final int MAX_LIMIT = 1000;

  private Requests() {
  }

  /** The JSON object body; 400 when it is missing, not JSON or not an object. */
  static JsonObject body(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new Problem(415, "Unsupported media type", "send the body as application/json", "Content-Type");
    }
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw Problem.badRequest("body", "a JSON object is required");
    }
    try {
      Object v = ctx.body().buffer().toJsonValue();
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException e) {
      throw Problem.badRequest("body", "not valid JSON: " + e.getMessage());
    }
    throw Problem.badRequest("body", "expected a JSON object");
  }

  static String requiredString(JsonObject o, String field) {
    String s = optionalString(o, field);
    if (s == null || s.isEmpty()) {
      throw Problem.badRequest(field, "'" + field + "' is required");
    }
    return s;
  }

  static String optionalString(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw Problem.badRequest(field, "'" + field + "' must be a string");
    }
    return s;
  }

  static long optionalLong(JsonObject o, String field, long dflt, long min, long max) {
    Object v = o.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw Problem.badRequest(field, "'" + field + "' must be a whole number");
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      throw Problem.badRequest(field, "'" + field + "' must be between " + min + " and " + max);
    }
    return n;
  }

  static boolean optionalBoolean(JsonObject o, String field, boolean dflt) {
    Object v = o.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw Problem.badRequest(field, "'" + field + "' must be true or false");
    }
    return b;
  }

  /** A whole-number query parameter within [min, max]. */
  static int queryInt(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest(name, "query parameter '" + name + "' must be a whole number from " + min + " to "
        + max + ", got '" + v + "'");
  }

  /** A page of {@code all} by the {@code page} (from 1) and {@code limit} query parameters. */
  static <T> JsonObject page(RoutingContext ctx, List<T> all, java.util.function.Function<T, Object> toJson) {
    int limit = queryInt(ctx, "limit", 100, 1, MAX_LIMIT);
    int page = queryInt(ctx, "page", 1, 1, Integer.MAX_VALUE);
    JsonArray data = new JsonArray();
    long from = (long) (page - 1) * limit;
    for (long i = from; i < all.size() && i < from + limit; i++) {
      data.add(toJson.apply(all.get((int) i)));
    }
    return new JsonObject().put("data", data)
        .put("meta", new JsonObject().put("page", page).put("limit", limit).put("count", all.size()));
  }

  static void json(RoutingContext ctx, int status, Object body) {
    String text = body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode()
        : String.valueOf(body);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
  }
}
