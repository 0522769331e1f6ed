package io.vela.console;

import io.vela.api.ManagedComponent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A bridge for the console's tests: kind {@code test-bridge}, a state the test can set and start/stop change, and
 * fixed extra status fields (numbers become metrics).
 */
final class FakeBridge implements ManagedComponent {

  private final String name;
  private final JsonObject extra;
  volatile String state = "running";

  FakeBridge(String name, JsonObject extra) {
    this.name = name;
    this.extra = extra;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "test-bridge";
  }

  @Override
  public JsonObject status() {
    return extra.copy().put("state", state);
  }

  @Override
  public Future<Void> start() {
    state = "running";
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    state = "stopped";
    return Future.succeededFuture();
  }
}
