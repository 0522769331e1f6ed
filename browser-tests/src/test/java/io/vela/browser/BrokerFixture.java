package io.vela.browser;

import io.vela.VelaBroker;
import io.vela.config.ListenerConfig;
import io.vela.config.TlsConfig;
import io.vela.config.VelaConfig;
import io.vela.config.WebSocketConfig;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Vela in this JVM for one test class, on free ports of 127.0.0.1: {@code tcp} (for the Java-side peer client),
 * {@code ws} and {@code wss} (the browsers). Test classes that need more (authentication, ACLs) pass a customizer;
 * it runs after the defaults, so it may also replace listeners.
 */
public final class BrokerFixture implements AutoCloseable {

  private final VelaBroker broker;

  private BrokerFixture(VelaBroker broker) {
    this.broker = broker;
  }

  public static BrokerFixture start(TestCa ca, Consumer<VelaConfig> customize) {
    VelaConfig config = VelaConfig.forTests();
    config.eventLoops = 2;
    config.shutdownTimeoutSeconds = 5;
    config.sys.enabled = false;
    config.listeners.put("ws", webSocket("ws"));
    ListenerConfig wss = webSocket("wss");
    wss.tls = new TlsConfig();
    wss.tls.cert = ca.serverCert().toString();
    wss.tls.key = ca.serverKey().toString();
    config.listeners.put("wss", wss);
    customize.accept(config);
    try {
      return new BrokerFixture(VelaBroker.start(config).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("the broker did not start", e);
    }
  }

  private static ListenerConfig webSocket(String type) {
    ListenerConfig l = new ListenerConfig();
    l.type = type;
    l.bind = "127.0.0.1";
    l.port = 0;
    l.websocket = new WebSocketConfig();
    return l;
  }

  public int tcpPort() {
    return broker.port("tcp");
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + broker.port("ws") + "/mqtt";
  }

  /** The WebSocket listener that requires a token of the test identity provider (see the conformance suite). */
  public String wsAuthUrl() {
    return "ws://127.0.0.1:" + broker.port("ws-auth") + "/mqtt";
  }

  public String wssUrl() {
    return "wss://127.0.0.1:" + broker.port("wss") + "/mqtt";
  }

  @Override
  public void close() {
    try {
      broker.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the broker did not stop", e);
    }
  }
}
