package io.vela.bridge.kafka;

import io.vela.VelaBroker;
import io.vela.api.ManagedComponent;
import io.vela.config.VelaConfig;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A broker in this JVM on a free port with a {@code kafka-bridges} section, for the bridge's integration tests. */
final class BridgeBroker implements AutoCloseable {

  final VelaBroker broker;

  private BridgeBroker(VelaBroker broker) {
    this.broker = broker;
  }

  static BridgeBroker start(JsonObject bridges) {
    new KafkaBridgeExtension().validate(bridges);
    VelaConfig config = VelaConfig.forTests();
    config.eventLoops = 2;
    config.shutdownTimeoutSeconds = 5;
    config.extensions.put(BridgeConfig.SECTION, bridges);
    try {
      return new BridgeBroker(VelaBroker.start(config).toCompletionStage().toCompletableFuture()
          .get(120, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("broker did not start", e);
    }
  }

  int port() {
    return broker.port("tcp");
  }

  ManagedComponent component(String bridge) {
    return broker.context().components().stream().filter(c -> c.name().equals("kafka-bridge/" + bridge))
        .findFirst().orElseThrow();
  }

  @Override
  public void close() {
    try {
      broker.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("broker did not stop", e);
    }
  }
}
