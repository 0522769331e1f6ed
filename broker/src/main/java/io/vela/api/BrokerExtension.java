package io.vela.api;

import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

/**
 * A part of Vela that lives outside the broker module (a bridge, the web console) and is found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.vela.api.BrokerExtension} entry in its jar).
 *
 * <p>Each extension owns one top-level section of the configuration file, named by {@link #configKey()}. The broker's
 * config loader hands that section over as JSON (after {@code VELA_*} environment overrides) and lets the extension
 * check it at load time, so a bad value stops the broker at start with exit code 2 like any other config error. The
 * extension is started after the listeners are up, and stopped before them.
 */
public interface BrokerExtension {

  /** The top-level config key this extension owns, kebab-case (e.g. {@code kafka-bridges}, {@code admin}). */
  String configKey();

  /**
   * Checks the extension's config section ({@code null} when the file has none). Throws
   * {@link IllegalArgumentException} with a message that names the offending key as a dotted path starting with
   * {@link #configKey()} (e.g. {@code "config key 'admin.port': expected a whole number"}).
   */
  default void validate(JsonObject section) {
  }

  /**
   * Adjusts the options of the broker's Vert.x instance before it is created (e.g. to turn on Vert.x metrics), with
   * the {@link #validate validated} section ({@code null} when the config has none). Called once, on the thread that
   * starts the broker, only when the broker creates its own Vert.x; must not block.
   */
  default void configureVertx(VertxOptions options, JsonObject section) {
  }

  /**
   * Starts the extension (deploys its verticles). Called once, after the listeners are bound, with the section
   * already {@link #validate validated} ({@code null} when the config has none: most extensions then do nothing).
   * A failed future stops the broker's start with that error.
   */
  Future<Void> start(BrokerContext broker, JsonObject section);

  /** Stops what {@link #start} started; called before the listeners stop, at most once. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
