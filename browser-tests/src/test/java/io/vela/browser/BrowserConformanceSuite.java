package io.vela.browser;

import io.vela.config.AuthProviderConfig;
import io.vela.config.ListenerConfig;
import io.vela.config.WebSocketConfig;
import java.net.InetAddress;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vela.config.VelaConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance matrix for one engine: every client x scenario, each in a fresh context of a browser launched once
 * for the class, against one broker for the class (ws, wss, tcp for the Java-side peer). Subclasses name the engine;
 * a subclass that needs another broker set-up (authentication, ACLs, an identity provider) overrides
 * {@link #startFixtures} (runs before the broker starts), {@link #configureBroker} and {@link #pageParams}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserConformanceSuite {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(3);
  private static final int BACKGROUND_KEEPALIVE_SECONDS = 10;
  private static final String ISSUER_ID = "browsers";
  private static final String AUDIENCE = "vela-browser-tests";

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private TestCa ca;
  private MockOAuth2Server idp;
  private BrokerFixture broker;
  private PageServer pages;
  private Browser browser;

  protected abstract Engine engine();

  /**
   * Starts what the broker configuration depends on (e.g. an identity provider whose JWKS URL goes into the
   * authentication section), before the broker; stopped by the subclass's own {@code @AfterAll}.
   */
  protected void startFixtures(Path dir) throws Exception {
  }

  /** Changes the class's broker configuration after the defaults (listeners ws, wss, tcp on free ports). */
  protected void configureBroker(VelaConfig config) {
  }

  /** Adds what the class's scenarios need in the page (e.g. the identity provider's URL) to the page parameters. */
  protected void pageParams(ObjectNode params) {
  }

  @BeforeAll
  void startBrokerPagesAndBrowser(@TempDir Path dir) throws Exception {
    ca = TestCa.create(dir.resolve("pki"));
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    startFixtures(dir);
    broker = BrokerFixture.start(ca, config -> {
      configureAuthentication(config);
      configureBroker(config);
    });
    pages = PageServer.start();
    browser = Browsers.launch(engine(), EngineSource.fromSystemProperty(), ca);
    Matrix.RUN.engine(new Matrix.EngineInfo(engine(), browser.version(), browser.driver(), engineNotes()));
  }

  @AfterAll
  void stopAll() throws Exception {
    Matrix.RUN.write();
    // browser first (its pages hold connections), then the page server and the broker; each even if one fails
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      try {
        if (pages != null) {
          pages.close();
        }
      } finally {
        try {
          if (broker != null) {
            broker.close();
          }
        } finally {
          if (idp != null) {
            idp.shutdown();
          }
        }
      }
    }
  }

  /**
   * A WebSocket listener {@code ws-auth} that takes only tokens of the class's identity provider (OIDC discovery,
   * audience checked) and enforces ACL rules from the token's {@code mqtt_acl} claim; the other listeners stay
   * anonymous, and a client without claims is not restricted ({@code no-match: allow}).
   */
  private void configureAuthentication(VelaConfig config) {
    AuthProviderConfig oidc = new AuthProviderConfig();
    oidc.type = AuthProviderConfig.Type.OIDC;
    oidc.issuer = idp.issuerUrl(ISSUER_ID).toString();
    oidc.audience = List.of(AUDIENCE);
    config.auth.providers.put("idp", oidc);
    config.auth.acl.claim = "mqtt_acl";
    config.limits.authFailureBan.maxFailures = 10_000; // the auth scenarios present a bad token on purpose
    ListenerConfig wsAuth = new ListenerConfig();
    wsAuth.type = "ws";
    wsAuth.bind = "127.0.0.1";
    wsAuth.port = 0;
    wsAuth.websocket = new WebSocketConfig();
    wsAuth.allowAnonymous = false;
    wsAuth.authChain = List.of("idp");
    config.listeners.put("ws-auth", wsAuth);
  }

  /**
   * Lets the identity provider issue the next token (to whoever asks its token endpoint: the page) with an
   * {@code mqtt_acl} claim that allows the scenario's own topics and denies {@code <prefix>/secret}.
   */
  private void expectTokenRequest(String prefix) {
    List<Map<String, Object>> acl = List.of(
        Map.of("permission", "deny", "action", "all", "topic", prefix + "/secret"),
        Map.of("permission", "allow", "action", "all", "topic", prefix + "/#"));
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "browser-user", "JWT", List.of(AUDIENCE),
        Map.of("mqtt_acl", acl), 300));
  }

  private String engineNotes() {
    boolean debian = EngineSource.fromSystemProperty() == EngineSource.DEBIAN;
    return switch (engine()) {
      case CHROMIUM -> "wss: trusts the test server's key (--ignore-certificate-errors-spki-list); background page:"
          + " opened without Playwright's focus emulation (which keeps every page visible), through a second CDP"
          + " connection to the browser's default context";
      case FIREFOX -> "wss: context accepts the test certificate (acceptInsecureCerts); no per-CA switch over BiDi";
      case WEBKIT -> debian ? "wss: test certificate allowed for 127.0.0.1 (webkitgtk:browserOptions.certificates);"
          + " a new tab per test in one WebDriver session"
          : "wss: context accepts the test certificate (ignoreHTTPSErrors)";
    };
  }

  Stream<Arguments> cells() {
    return Stream.of(Scenario.values())
        .flatMap(s -> Stream.of(WebClient.values()).map(c -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cells")
  void scenario(WebClient client, Scenario scenario) throws Exception {
    long started = System.nanoTime();
    Cell cell;
    try {
      cell = run(client, scenario);
    } catch (Exception | AssertionError e) {
      cell = new Cell(engine(), client, scenario, Cell.Status.FAIL, (System.nanoTime() - started) / 1_000_000,
          String.valueOf(e.getMessage()), Map.of());
    }
    Matrix.RUN.record(cell);
    assertThat(cell.status()).as("%s %s %s: %s", engine().label(), client, scenario, cell.detail())
        .isIn(Cell.Status.PASS, Cell.Status.NOT_APPLICABLE);
  }

  private Cell run(WebClient client, Scenario scenario) throws Exception {
    try (BrowserTab tab = browser.open(pages.url(), scenario.javaPart() == Scenario.JavaPart.BACKGROUND)) {
      ObjectNode params = JSON.createObjectNode().put("run", run)
          .put("prefix", "bt/" + run + "/" + engine().name().toLowerCase(java.util.Locale.ROOT) + "/" + client.id()
              + "/" + scenario.id())
          .put("ws", broker.wsUrl()).put("wss", broker.wssUrl()).put("keepalive", BACKGROUND_KEEPALIVE_SECONDS)
          .put("wsAuth", broker.wsAuthUrl())
          .put("tokenUrl", idp.tokenEndpointUrl(ISSUER_ID).toString());
      if (scenario.needsToken()) {
        expectTokenRequest(params.get("prefix").asText());
      }
      pageParams(params);
      tab.evaluate("vela.start(" + JSON.writeValueAsString(client.id()) + ", "
          + JSON.writeValueAsString(scenario.id()) + ", " + params + ")");
      return switch (scenario.javaPart()) {
        case NONE -> fromPage(client, scenario, awaitPhase(tab, "done"));
        case CLOSE_PAGE -> closePageAndExpectWill(tab, client, scenario);
        case BACKGROUND -> backgroundAndAnswer(tab, client, scenario);
      };
    }
  }

  /** The page connected with a will; close the page the way a user closes a tab and expect the will elsewhere. */
  private Cell closePageAndExpectWill(BrowserTab tab, WebClient client, Scenario scenario) throws Exception {
    JsonNode ready = awaitPhase(tab, "ready", "done");
    if (!"ready".equals(ready.path("phase").asText())) {
      return fromPage(client, scenario, ready);
    }
    String topic = ready.path("ready").path("willTopic").asText();
    String payload = ready.path("ready").path("willPayload").asText();
    Mqtt5BlockingClient peer = peer();
    try (Mqtt5BlockingClient.Mqtt5Publishes wills = peer.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
      peer.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
      long closed = System.nanoTime();
      tab.closeAbruptly();
      Optional<Mqtt5Publish> will = wills.receive(30, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - closed) / 1_000_000;
      if (will.isEmpty()) {
        return new Cell(engine(), client, scenario, Cell.Status.FAIL, millis,
            "no will on " + topic + " within 30 s of closing the page", Map.of());
      }
      String got = new String(will.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
      if (!payload.equals(got)) {
        return new Cell(engine(), client, scenario, Cell.Status.FAIL, millis, "will payload '" + got + "'", Map.of());
      }
      return new Cell(engine(), client, scenario, Cell.Status.PASS, millis, "", Map.of());
    } finally {
      peer.disconnect();
    }
  }

  /** The page is connected; send it to the background, answer its ping from outside, read its verdict. */
  private Cell backgroundAndAnswer(BrowserTab tab, WebClient client, Scenario scenario) throws Exception {
    JsonNode ready = awaitPhase(tab, "ready", "done");
    if (!"ready".equals(ready.path("phase").asText())) {
      return fromPage(client, scenario, ready);
    }
    Mqtt5BlockingClient peer = peer();
    try (Mqtt5BlockingClient.Mqtt5Publishes pings = peer.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
      peer.subscribeWith().topicFilter(ready.path("ready").path("ping").asText()).qos(MqttQos.AT_LEAST_ONCE).send();
      tab.sendToBackground();
      Optional<Mqtt5Publish> ping = pings.receive(90, TimeUnit.SECONDS);
      if (ping.isPresent()) {
        peer.publishWith().topic(ready.path("ready").path("pong").asText()).qos(MqttQos.AT_LEAST_ONCE)
            .payload("pong".getBytes(StandardCharsets.UTF_8)).send();
      }
      return fromPage(client, scenario, awaitPhase(tab, "done"));
    } finally {
      peer.disconnect();
    }
  }

  /** A Java-side MQTT 5 client on the broker's TCP listener, checking from outside the browser. */
  private Mqtt5BlockingClient peer() {
    Mqtt5BlockingClient peer = Mqtt5Client.builder().identifier("java-peer-" + UUID.randomUUID())
        .serverHost("127.0.0.1").serverPort(broker.tcpPort()).buildBlocking();
    peer.connect();
    return peer;
  }

  private JsonNode awaitPhase(BrowserTab tab, String... phases) {
    JsonNode[] last = new JsonNode[1];
    try {
      await().atMost(SCENARIO_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
        last[0] = JSON.readTree(tab.evaluate("vela.state()"));
        String phase = last[0].path("phase").asText();
        return Stream.of(phases).anyMatch(phase::equals);
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the page did not reach phase " + String.join("/", phases) + " within "
          + SCENARIO_TIMEOUT.toSeconds() + " s; last state: " + last[0], e);
    }
    return last[0];
  }

  private Cell fromPage(WebClient client, Scenario scenario, JsonNode state) {
    Map<String, String> observations = new LinkedHashMap<>();
    state.path("observations").fields().forEachRemaining(e -> observations.put(e.getKey(), e.getValue().asText()));
    Cell.Status status = switch (state.path("status").asText()) {
      case "pass" -> Cell.Status.PASS;
      case "n/a" -> Cell.Status.NOT_APPLICABLE;
      default -> Cell.Status.FAIL;
    };
    String detail = state.path("detail").asText("");
    if (status == Cell.Status.FAIL) {
      detail = detail + " (sockets: " + state.path("sockets") + ")";
    }
    return new Cell(engine(), client, scenario, status, state.path("ms").asLong(), detail, observations);
  }
}
