package io.vela.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser (Debian's Chromium driven by Playwright; launched once for the class): log in, watch
 * a client appear, kick it, and use the built-in MQTT client page against real MQTT clients.
 */
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final double TIMEOUT_MS = 30_000;

  static ConsoleBroker broker;
  static Playwright playwright;
  static Browser browser;
  BrowserContext context;
  Page page;

  @BeforeAll
  static void start() {
    assertThat(CHROMIUM).as("Debian's Chromium is needed: apt-get install chromium (bin/test installs it as root)")
        .isExecutable();
    broker = ConsoleBroker.start();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
    int deadProxy = ConsoleBroker.freePort();
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
        .setHeadless(true).setArgs(List.of("--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--proxy-server=http://127.0.0.1:" + deadProxy)));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void login() {
    context = browser.newContext();
    context.setDefaultTimeout(TIMEOUT_MS);
    page = context.newPage();
    page.navigate(broker.base() + "/");
    page.locator("#login-form input[name=username]").fill("admin");
    page.locator("#login-form input[name=password]").fill(ConsoleBroker.ADMIN_PASSWORD);
    page.locator("#login-form button[type=submit]").click();
    assertThat(page.locator("#who")).hasText("admin (admin)", timeout());
    assertThat(page.locator("#overview")).isVisible(visible());
  }

  @AfterEach
  void close() {
    context.close();
  }

  private static LocatorAssertions.HasTextOptions timeout() {
    return new LocatorAssertions.HasTextOptions().setTimeout(TIMEOUT_MS);
  }

  private static LocatorAssertions.IsVisibleOptions visible() {
    return new LocatorAssertions.IsVisibleOptions().setTimeout(TIMEOUT_MS);
  }

  private static Mqtt5BlockingClient mqtt(String id) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
        .serverPort(broker.mqttPort()).buildBlocking();
    c.connect();
    return c;
  }

  @Test
  @DisplayName("a wrong password shows an error and no console")
  void wrongPassword() {
    BrowserContext other = browser.newContext();
    try {
      Page p = other.newPage();
      p.navigate(broker.base() + "/");
      p.locator("#login-form input[name=username]").fill("admin");
      p.locator("#login-form input[name=password]").fill("not the password");
      p.locator("#login-form button[type=submit]").click();
      assertThat(p.locator("#login-error")).hasText("wrong user name or password", timeout());
      assertThat(p.locator("#nav")).isHidden();
    } finally {
      other.close();
    }
  }

  @Test
  @DisplayName("a read-only user sees clients but no buttons that change anything")
  void readOnlyUser() {
    BrowserContext other = browser.newContext();
    other.setDefaultTimeout(TIMEOUT_MS);
    Mqtt5BlockingClient client = mqtt("browser-ro-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Page p = other.newPage();
      p.navigate(broker.base() + "/#clients");
      p.locator("#login-form input[name=username]").fill("viewer");
      p.locator("#login-form input[name=password]").fill(ConsoleBroker.VIEWER_PASSWORD);
      p.locator("#login-form button[type=submit]").click();
      assertThat(p.locator("#who")).hasText("viewer (read-only)", timeout());
      Locator row = p.locator("#client-table tr[data-client-id='" + client.getConfig().getClientIdentifier()
          .map(Object::toString).orElseThrow() + "']");
      assertThat(row).isVisible(visible());
      assertThat(row.locator("button")).hasCount(0);
      p.locator("#nav a[href='#bans']").click();
      assertThat(p.locator("#ban-form")).isHidden();
    } finally {
      client.disconnect();
      other.close();
    }
  }

  @Test
  @DisplayName("the overview counts messages as a client publishes, in total and on the listener it uses")
  void overviewMoves() {
    Locator messagesIn = page.locator("[data-stat='Messages in'] .v");
    assertThat(messagesIn).isVisible(visible());
    long before = Long.parseLong(messagesIn.textContent());
    // the listeners table: the tcp listener's "Messages in" column (the clients here connect over tcp)
    Locator tcpIn = page.locator("#listeners tbody tr").filter(new Locator.FilterOptions().setHasText("tcp"))
        .first().locator("td").nth(5);
    assertThat(tcpIn).isVisible(visible());
    long tcpBefore = Long.parseLong(tcpIn.textContent());
    Mqtt5BlockingClient pub = mqtt("browser-pub-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      for (int i = 0; i < 5; i++) {
        pub.publishWith().topic("browser/overview").qos(MqttQos.AT_LEAST_ONCE).send();
      }
      await().atMost(Duration.ofSeconds(30)).until(() ->
          Long.parseLong(messagesIn.textContent()) >= before + 5);
      await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(tcpIn.textContent()) >= tcpBefore + 5);
      assertThat(page.locator("#chart-messages polyline").first()).hasAttribute("points",
          java.util.regex.Pattern.compile("\\d.*,.*\\d"));
    } finally {
      pub.disconnect();
    }
  }

  @Test
  @DisplayName("a client that connects appears in the clients table; Kick disconnects it and it goes away")
  void watchAndKick() {
    page.locator("#nav a[href='#clients']").click();
    String id = "browser-watched-" + UUID.randomUUID().toString().substring(0, 8);
    Locator row = page.locator("#client-table tr[data-client-id='" + id + "']");
    assertThat(row).hasCount(0);
    Mqtt5BlockingClient client = mqtt(id);
    assertThat(row).isVisible(visible());
    assertThat(row.locator("td").nth(3)).hasText("5.0");
    row.locator("button[data-action=kick]").click();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.getState() == MqttClientState.DISCONNECTED);
    assertThat(row).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(TIMEOUT_MS));
  }

  @Test
  @DisplayName("the MQTT client page connects over WebSocket, subscribes, receives from and publishes to a TCP "
      + "client")
  void mqttClientPage() throws Exception {
    page.locator("#nav a[href='#mqtt']").click();
    assertThat(page.locator("#mqtt-url")).hasValue(java.util.regex.Pattern.compile(
        "ws://127\\.0\\.0\\.1:" + broker.wsPort() + "/mqtt"), new LocatorAssertions.HasValueOptions()
        .setTimeout(TIMEOUT_MS));
    page.locator("#mqtt-connect-button").click();
    assertThat(page.locator("#mqtt-state")).hasText("connected", timeout());

    page.locator("#mqtt-filter").fill("browser/in/#");
    page.locator("#mqtt-subscribe button[type=submit]").click();
    assertThat(page.locator("#mqtt-subs li")).hasText("browser/in/# (granted 1)", timeout());

    Mqtt5BlockingClient tcp = mqtt("browser-tcp-" + UUID.randomUUID().toString().substring(0, 8));
    try (Mqtt5BlockingClient.Mqtt5Publishes inbox = tcp.publishes(MqttGlobalPublishFilter.ALL)) {
      tcp.publishWith().topic("browser/in/greeting").qos(MqttQos.AT_LEAST_ONCE)
          .payload("hello browser".getBytes(StandardCharsets.UTF_8)).send();
      Locator first = page.locator("#mqtt-messages tbody tr").first();
      assertThat(first.locator("td").nth(1)).hasText("browser/in/greeting", timeout());
      assertThat(first.locator("td").nth(3)).hasText("hello browser");

      tcp.subscribeWith().topicFilter("browser/out").qos(MqttQos.AT_LEAST_ONCE).send();
      page.locator("#mqtt-topic").fill("browser/out");
      page.locator("#mqtt-payload").fill("hello tcp");
      page.locator("#mqtt-publish button[type=submit]").click();
      Mqtt5Publish got = inbox.receive(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(got.getTopic().toString()).isEqualTo("browser/out");
      assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello tcp");
    } finally {
      tcp.disconnect();
    }
  }
}
