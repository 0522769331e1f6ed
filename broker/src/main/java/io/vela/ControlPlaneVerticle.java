package io.vela;

import io.vela.bus.Addresses;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Answers control-plane requests on the event bus (today: kick a client; the admin API will add more). */
final class ControlPlaneVerticle extends VerticleBase {

  private final SessionRegistry registry;

  ControlPlaneVerticle(SessionRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<String>consumer(Addresses.CLIENT_KICK, msg -> {
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
  }
}
