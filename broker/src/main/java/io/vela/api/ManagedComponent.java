package io.vela.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Something an operator can see and steer at runtime, such as one bridge: the admin API lists components with their
 * {@link #status()}, starts and stops them, and exports the numeric status fields as metrics.
 */
public interface ManagedComponent {

  /** Unique among components, stable across restarts (e.g. the bridge's name in the config). */
  String name();

  /** What it is, e.g. {@code kafka-bridge}. */
  String kind();

  /**
   * A snapshot, cheap to take and callable from any thread: at least {@code "state"} (e.g. {@code running},
   * {@code stopped}, {@code failed}); numbers such as {@code buffered}, {@code lag}, {@code errors} become metrics.
   */
  JsonObject status();

  Future<Void> start();

  Future<Void> stop();
}
