package io.vela.transport;

import io.vertx.core.Deployable;

/** A verticle serving MQTT on one listener (one instance per event loop). */
public interface ListenerVerticle extends Deployable {

  /** The bound port, once started. */
  int actualPort();
}
