package io.vela.bridge.kafka;

import io.vela.api.BrokerContext;
import io.vela.api.BrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code kafka-bridges} section: each named bridge connects MQTT and one Kafka cluster in either or both
 * directions. {@code ${NAME}} (and {@code ${NAME:-default}}) in bootstrap-servers and in producer/consumer property
 * values is replaced by the environment variable NAME (or else the Java system property NAME) at load.
 */
public final class KafkaBridgeExtension implements BrokerExtension {

  private final Function<String, String> env;
  private final List<KafkaBridge> bridges = new ArrayList<>();

  /** {@code ${NAME}} from the environment, else from the Java system property NAME ({@code -DNAME=...}). */
  public KafkaBridgeExtension() {
    this(name -> System.getenv(name) != null ? System.getenv(name) : System.getProperty(name));
  }

  /** With another source of environment variables (tests). */
  public KafkaBridgeExtension(Function<String, String> env) {
    this.env = env;
  }

  @Override
  public String configKey() {
    return BridgeConfig.SECTION;
  }

  @Override
  public void validate(JsonObject section) {
    BridgeConfig.parseAll(section, env);
  }

  @Override
  public Future<Void> start(BrokerContext broker, JsonObject section) {
    Future<Void> chain = Future.succeededFuture();
    for (BridgeConfig c : BridgeConfig.parseAll(section, env)) {
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
