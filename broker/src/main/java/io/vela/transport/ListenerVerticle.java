package io.vela.transport;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.net.ServerSSLOptions;

/** A verticle serving MQTT on one listener (one instance per event loop). */
public interface ListenerVerticle extends Deployable {

  /** The bound port, once started. */
  int actualPort();

  /**
   * Replaces the TLS certificates (and trust) of the running server; connections already open keep theirs.
   *
   * @return true if the server now uses new options, false if they were the same
   */
  default Future<Boolean> updateTls(ServerSSLOptions options) {
    return Future.failedFuture(new UnsupportedOperationException(getClass().getSimpleName()
        + " cannot reload TLS certificates"));
  }
}
