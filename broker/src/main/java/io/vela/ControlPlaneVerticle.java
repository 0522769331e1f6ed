package io.vela;

import io.vela.bus.Addresses;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Answers control-plane requests on the event bus (today: kick a client, reload TLS certificates; the admin API will
 * add more).
 */
final class ControlPlaneVerticle extends VerticleBase {

  private final SessionRegistry registry;
  private final Function<String, Future<JsonObject>> tlsReload;

  /** @param tlsReload reloads the TLS listener of that name, or all of them for null */
  ControlPlaneVerticle(SessionRegistry registry, Function<String, Future<JsonObject>> tlsReload) {
    this.registry = registry;
    this.tlsReload = tlsReload;
  }

  @Override
  public Future<?> start() {
    Future<Void> reload = vertx.eventBus().<String>consumer(Addresses.TLS_RELOAD, msg -> {
      String listener = msg.body() == null || msg.body().isBlank() ? null : msg.body();
      tlsReload.apply(listener).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          msg.fail(ar.cause() instanceof IllegalArgumentException ? 404 : 500, ar.cause().getMessage());
        }
      });
    }).completion();
    Future<Void> kick = vertx.eventBus().<String>consumer(Addresses.CLIENT_KICK, msg -> {
      String clientId = msg.body();
      if (clientId == null || clientId.isEmpty()) {
        msg.fail(400, "a client id is required");
        return;
      }
      registry.kick(clientId).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          msg.fail(500, ar.cause().getMessage());
        }
      });
    }).completion();
    return Future.all(reload, kick);
  }
}
