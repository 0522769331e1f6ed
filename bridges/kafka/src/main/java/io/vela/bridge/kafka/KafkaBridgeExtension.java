package io.vela.bridge.kafka;

import io.vela.api.BrokerContext;
import io.vela.api.BrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code kafka-bridges} section: each named bridge connects MQTT and one Kafka cluster in either or both
 * directions. Environment references ({@code ${NAME}}, {@code ${NAME:-default}}) are resolved by the configuration
 * loader like everywhere in the file.
 */
public final class KafkaBridgeExtension implements BrokerExtension {

  private final List<KafkaBridge> bridges = new ArrayList<>();

  @Override
  public String configKey() {
    return BridgeConfig.SECTION;
  }

  @Override
  public void validate(JsonObject section) {
    BridgeConfig.parseAll(section);
  }

  @Override
  public Future<Void> start(BrokerContext broker, JsonObject section) {
    Future<Void> chain = Future.succeededFuture();
    for (BridgeConfig c : BridgeConfig.parseAll(section)) {
      KafkaBridge bridge = new KafkaBridge(c, broker);
      bridges.add(bridge);
      broker.register(bridge);
      if (c.autoStart()) {
        // a Kafka that is down does not stop the broker: the producer and consumer keep retrying
        chain = chain.compose(v -> bridge.start());
      }
    }
    return chain;
  }

  @Override
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (KafkaBridge b : bridges) {
      chain = chain.transform(ar -> b.stop());
    }
    return chain;
  }
}
