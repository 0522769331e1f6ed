package io.vela.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chromium and Firefox through Playwright Java: the Debian packages (Chromium over CDP, Firefox ESR over WebDriver
 * BiDi with channel {@code moz-firefox}) or, with {@link EngineSource#PLAYWRIGHT}, Playwright's own builds of all three
 * engines. One browser process per test class, one BrowserContext per test.
 *
 * <p>Chromium and hidden pages: Playwright turns on focus emulation ({@code Emulation.setFocusEmulationEnabled}) for
 * the main frame of every page it initialises, and a page with focus emulation on stays {@code visible} whatever tab
 * is in front (checked: a page with focus emulation on in one extra CDP session stays visible behind a new tab and
 * its 100 ms timer is not throttled; without it the same page turns hidden). Playwright skips its default
 * overrides, focus emulation among them, only for pages of the default context of a browser connected with
 * {@code connectOverCDP(..., noDefaults=true)}. So Chromium is launched with a second, loopback-only DevTools endpoint
 * ({@code --remote-debugging-port}), and a page that is to be hidden is opened in that browser's default context
 * through a second connection with {@code noDefaults}; every other page keeps its own fresh context.
 */
final class PlaywrightBrowser implements Browser {

  static final String PLAYWRIGHT_VERSION = "1.62.0";

  private final Engine engine;
  private final EngineSource source;
  private final Playwright playwright;
  private final com.microsoft.playwright.Browser browser;
  /** Chromium: the port of its second DevTools endpoint (on 127.0.0.1), for pages that are to be hidden. */
  private final int devToolsPort;

  private PlaywrightBrowser(Engine engine, EngineSource source, Playwright playwright,
      com.microsoft.playwright.Browser browser, int devToolsPort) {
    this.engine = engine;
    this.source = source;
    this.playwright = playwright;
    this.browser = browser;
    this.devToolsPort = devToolsPort;
  }

  static PlaywrightBrowser launch(Engine engine, EngineSource source, TestCa ca) {
    return launch(engine, source, ca, System.getenv());
  }

  /** Launches with {@code environment} (plus PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD) as Playwright's and the browser's. */
  static PlaywrightBrowser launch(Engine engine, EngineSource source, TestCa ca, Map<String, String> environment) {
    if (engine == Engine.WEBKIT && source == EngineSource.DEBIAN) {
      throw new IllegalArgumentException("Debian's WebKitGTK runs through WebKitWebDriver, not Playwright");
    }
    Map<String, String> env = new HashMap<>(environment);
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
    try {
      BrowserType type = type(playwright, engine);
      if (source == EngineSource.PLAYWRIGHT) {
        requireInstalled(type, engine);
      }
      int deadProxy = DeadProxy.port();
      int devToolsPort = engine == Engine.CHROMIUM ? DeadProxy.port() : -1;
      com.microsoft.playwright.Browser browser = type.launch(switch (engine) {
        case CHROMIUM -> chromiumOptions(source, ca, deadProxy, devToolsPort, env);
        case FIREFOX -> firefoxOptions(source, deadProxy, env);
        case WEBKIT -> new BrowserType.LaunchOptions().setHeadless(true).setEnv(env);
      });
      return new PlaywrightBrowser(engine, source, playwright, browser, devToolsPort);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  private static BrowserType type(Playwright playwright, Engine engine) {
    return switch (engine) {
      case CHROMIUM -> playwright.chromium();
      case FIREFOX -> playwright.firefox();
      case WEBKIT -> playwright.webkit();
    };
  }

  /**
   * Playwright's own build of the engine must have been installed beforehand (the tests never download one): a
   * missing build is named with its path and the command that installs it, not left to Playwright's generic error.
   */
  static void requireInstalled(BrowserType type, Engine engine) {
    Path executable = Path.of(type.executablePath());
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException(missingBuildMessage(engine, type.name(), executable));
    }
  }

  static String missingBuildMessage(Engine engine, String playwrightName, Path executable) {
    return engine.label() + " (Playwright " + PLAYWRIGHT_VERSION + " build): " + executable + " is missing. "
        + "-D" + EngineSource.PROPERTY + "=playwright needs Playwright's own browsers, installed once with "
        + "`npx playwright@" + PLAYWRIGHT_VERSION + " install --with-deps " + playwrightName + "` (the same release as "
        + "the Java driver; PLAYWRIGHT_BROWSERS_PATH chooses where), or use the Debian packages with -D"
        + EngineSource.PROPERTY + "=debian";
  }

  private static BrowserType.LaunchOptions chromiumOptions(EngineSource source, TestCa ca, int deadProxy,
      int devToolsPort, Map<String, String> env) {
    BrowserType.LaunchOptions o = new BrowserType.LaunchOptions().setHeadless(true).setEnv(env)
        .setArgs(List.of("--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            // loopback is never proxied by Chromium; everything else hits a closed port
            "--proxy-server=http://127.0.0.1:" + deadProxy,
            // trust exactly the test server's key for wss (Chromium's documented certificate pin switch)
            "--ignore-certificate-errors-spki-list=" + ca.serverSpkiSha256(),
            // a second DevTools endpoint (Playwright's own is a pipe), for pages without focus emulation
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + devToolsPort))
        // Playwright turns off background throttling by default; a real user's browser has it, so keep it on
        .setIgnoreDefaultArgs(List.of("--disable-background-timer-throttling",
            "--disable-backgrounding-occluded-windows", "--disable-renderer-backgrounding"));
    if (source == EngineSource.DEBIAN) {
      o.setExecutablePath(Path.of("/usr/bin/chromium"));
    } else {
      // the full Chromium build in Chromium's own headless mode, as with Debian's (not the headless shell)
      o.setChannel("chromium");
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
  public BrowserTab open(String url, boolean toBeHidden) {
    if (toBeHidden && engine == Engine.CHROMIUM) {
      return openWithoutFocusEmulation(url);
    }
    // Chromium trusts the test server through its key pin; Firefox over BiDi and Playwright's own WebKit have no
    // per-certificate switch, so their contexts accept the test server's certificate without a CA check
    boolean acceptCertificate = engine != Engine.CHROMIUM;
    BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setIgnoreHTTPSErrors(acceptCertificate));
    try {
      Page page = context.newPage();
      page.navigate(url);
      return new Tab(context, page, null);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  /**
   * Chromium: a page in the browser's default context, reached through a second connection with {@code noDefaults},
   * so Playwright does not turn on focus emulation for it and the page can really go to the background. (The launch
   * connection has no default context and leaves such pages alone.)
   */
  private BrowserTab openWithoutFocusEmulation(String url) {
    com.microsoft.playwright.Browser bare = playwright.chromium().connectOverCDP("http://127.0.0.1:" + devToolsPort,
        new BrowserType.ConnectOverCDPOptions().setNoDefaults(true));
    try {
      Page page = bare.contexts().get(0).newPage();
      Tab tab = new Tab(null, page, bare);
      try {
        page.navigate(url);
        return tab;
      } catch (RuntimeException e) {
        tab.close();
        throw e;
      }
    } catch (RuntimeException e) {
      bare.close();
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

  /**
   * A page in its own context, or (Chromium, to be hidden) a page of the default context of the connection
   * {@code bare}: then its pages are closed one by one and that connection is closed with the tab.
   */
  private static final class Tab implements BrowserTab {

    private final BrowserContext context;
    private final Page page;
    private final com.microsoft.playwright.Browser bare;
    private Page front;

    Tab(BrowserContext context, Page page, com.microsoft.playwright.Browser bare) {
      this.context = context;
      this.page = page;
      this.bare = bare;
    }

    @Override
    public String evaluate(String expression) {
      return String.valueOf(page.evaluate(expression));
    }

    @Override
    public void sendToBackground() {
      // a tab the page opens itself comes to the front in the same window (a new Playwright page gets a window of
      // its own, which leaves this one visible)
      front = page.context().waitForPage(
          () -> page.evaluate("window.open('about:blank', '_blank') ? 'opened' : 'blocked'"));
    }

    @Override
    public void closeAbruptly() {
      page.close();
    }

    @Override
    public void close() {
      if (bare == null) {
        context.close();
        return;
      }
      try {
        for (Page p : new Page[] {front, page}) {
          if (p != null && !p.isClosed()) {
            p.close();
          }
        }
      } finally {
        bare.close(); // disconnects; the browser itself is closed by the launch connection
      }
    }
  }
}
