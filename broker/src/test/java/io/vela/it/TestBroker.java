package io.vela.it;

import io.vela.VelaBroker;
import io.vela.config.VelaConfig;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A broker running in this JVM on a free port of 127.0.0.1, for integration tests. Close it when done. */
public final class TestBroker implements AutoCloseable {

  private final VelaBroker broker;

  private TestBroker(VelaBroker broker) {
    this.broker = broker;
  }

  public static TestBroker start() {
    return start(c -> { });
  }

  /** Starts a broker with {@link VelaConfig#forTests()} changed by {@code customize}. */
  public static TestBroker start(Consumer<VelaConfig> customize) {
    VelaConfig config = VelaConfig.forTests();
    config.eventLoops = 2;
    config.shutdownTimeoutSeconds = 5;
    customize.accept(config);
    try {
      return new TestBroker(VelaBroker.start(config).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("broker did not start", e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return broker.port("tcp");
  }

  public String uri() {
    return "tcp://127.0.0.1:" + port();
  }

  public VelaBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    try {
      broker.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("broker did not stop", e);
    }
  }
}
