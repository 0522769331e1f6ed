package io.vela.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chromium and Firefox through Playwright Java: the Debian packages (Chromium over CDP, Firefox ESR over WebDriver
 * BiDi with channel {@code moz-firefox}) or, with {@link EngineSource#PLAYWRIGHT}, Playwright's own builds of all three
 * engines. One browser process per test class, one BrowserContext per test.
 */
final class PlaywrightBrowser implements Browser {

  static final String PLAYWRIGHT_VERSION = "1.62.0";

  private final Engine engine;
  private final EngineSource source;
  private final TestCa ca;
  private final Playwright playwright;
  private final com.microsoft.playwright.Browser browser;

  private PlaywrightBrowser(Engine engine, EngineSource source, TestCa ca, Playwright playwright,
      com.microsoft.playwright.Browser browser) {
    this.engine = engine;
    this.source = source;
    this.ca = ca;
    this.playwright = playwright;
    this.browser = browser;
  }

  static PlaywrightBrowser launch(Engine engine, EngineSource source, TestCa ca) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
    try {
      int deadProxy = DeadProxy.port();
      com.microsoft.playwright.Browser browser = switch (engine) {
        case CHROMIUM -> playwright.chromium().launch(chromiumOptions(source, ca, deadProxy, env));
        case FIREFOX -> playwright.firefox().launch(firefoxOptions(source, deadProxy, env));
        case WEBKIT -> {
          if (source == EngineSource.DEBIAN) {
            throw new IllegalArgumentException("Debian's WebKitGTK runs through WebKitWebDriver, not Playwright");
          }
          yield playwright.webkit().launch(new BrowserType.LaunchOptions().setHeadless(true).setEnv(env));
        }
      };
      return new PlaywrightBrowser(engine, source, ca, playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  private static BrowserType.LaunchOptions chromiumOptions(EngineSource source, TestCa ca, int deadProxy,
      Map<String, String> env) {
    BrowserType.LaunchOptions o = new BrowserType.LaunchOptions().setHeadless(true).setEnv(env)
        .setArgs(List.of("--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            // loopback is never proxied by Chromium; everything else hits a closed port
            "--proxy-server=http://127.0.0.1:" + deadProxy,
            // trust exactly the test server's key for wss (Chromium's documented certificate pin switch)
            "--ignore-certificate-errors-spki-list=" + ca.serverSpkiSha256()))
        // Playwright turns off background throttling by default; a real user's browser has it, so keep it on
        .setIgnoreDefaultArgs(List.of("--disable-background-timer-throttling",
            "--disable-backgrounding-occluded-windows", "--disable-renderer-backgrounding"));
    if (source == EngineSource.DEBIAN) {
      o.setExecutablePath(Path.of("/usr/bin/chromium"));
    }
    return o;
  }

  private static BrowserType.LaunchOptions firefoxOptions(EngineSource source, int deadProxy,
      Map<String, String> env) {
    Map<String, Object> prefs = new LinkedHashMap<>();
    prefs.put("network.proxy.type", 1);
    prefs.put("network.proxy.http", "127.0.0.1");
    prefs.put("network.proxy.http_port", deadProxy);
    prefs.put("network.proxy.ssl", "127.0.0.1");
    prefs.put("network.proxy.ssl_port", deadProxy);
    prefs.put("network.proxy.no_proxies_on", "localhost, 127.0.0.1");
    prefs.put("network.proxy.allow_hijacking_localhost", false);
    prefs.put("network.captive-portal-service.enabled", false);
    prefs.put("network.dns.disablePrefetch", true);
    prefs.put("app.normandy.enabled", false);
    prefs.put("browser.region.update.enabled", false);
    prefs.put("messaging-system.rsexperimentloader.enabled", false);
    prefs.put("services.settings.server", "data:,#remote-settings-dummy/v1");
    Map<String, String> firefoxEnv = new HashMap<>(env);
    firefoxEnv.put("MOZ_REMOTE_SETTINGS_DEVTOOLS", "1");
    BrowserType.LaunchOptions o = new BrowserType.LaunchOptions().setHeadless(true).setEnv(firefoxEnv)
        .setFirefoxUserPrefs(prefs);
    if (source == EngineSource.DEBIAN) {
      o.setChannel("moz-firefox").setExecutablePath(Path.of("/usr/bin/firefox-esr"));
    }
    return o;
  }

  @Override
  public Engine engine() {
    return engine;
  }

  @Override
  public String version() {
    String name = switch (engine) {
      case CHROMIUM -> "Chromium";
      case FIREFOX -> source == EngineSource.DEBIAN ? "Firefox ESR" : "Firefox (Playwright)";
      case WEBKIT -> "WebKit (Playwright)";
    };
    return name + " " + browser.version();
  }

  @Override
  public String driver() {
    String protocol = switch (engine) {
      case CHROMIUM -> "CDP";
      case FIREFOX -> source == EngineSource.DEBIAN ? "WebDriver BiDi" : "Juggler";
      case WEBKIT -> "Playwright WebKit protocol";
    };
    return "Playwright " + PLAYWRIGHT_VERSION + " over " + protocol + " (" + source.label() + ")";
  }

  @Override
  public boolean canHidePages() {
    return engine != Engine.CHROMIUM;
  }

  @Override
  public BrowserTab open(String url) {
    // Chromium trusts the test server through its key pin; Firefox over BiDi and Playwright's own WebKit have no
    // per-certificate switch, so their contexts accept the test server's certificate without a CA check
    boolean acceptCertificate = engine != Engine.CHROMIUM;
    BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setIgnoreHTTPSErrors(acceptCertificate));
    try {
      Page page = context.newPage();
      page.navigate(url);
      return new Tab(context, page);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }

  /** A page in its own context. */
  private static final class Tab implements BrowserTab {

    private final BrowserContext context;
    private final Page page;
    private Page front;

    Tab(BrowserContext context, Page page) {
      this.context = context;
      this.page = page;
    }

    @Override
    public String evaluate(String expression) {
      return String.valueOf(page.evaluate(expression));
    }

    @Override
    public void sendToBackground() {
      // a tab the page opens itself comes to the front in the same window (a new Playwright page gets a window of
      // its own, which leaves this one visible)
      front = context.waitForPage(() -> page.evaluate("window.open('about:blank', '_blank') ? 'opened' : 'blocked'"));
    }

    @Override
    public void closeAbruptly() {
      page.close();
    }

    @Override
    public void close() {
      context.close();
    }
  }
}
