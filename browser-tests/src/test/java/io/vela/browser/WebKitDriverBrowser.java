package io.vela.browser;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.MutableCapabilities;
import org.openqa.selenium.Proxy;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.remote.CapabilityType;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Debian's WebKitGTK (the engine of Epiphany/GNOME Web), driven over W3C WebDriver: a private Xvfb (its own free
 * display, chosen with {@code -displayfd}), {@code WebKitWebDriver} on a free loopback port, one WebDriver session
 * (MiniBrowser) per test class, a new tab per test. Playwright cannot drive Debian's WebKit.
 */
final class WebKitDriverBrowser implements Browser {

  private static final Path WEBDRIVER = Path.of("/usr/bin/WebKitWebDriver");

  private final Process xvfb;
  private final Process webDriver;
  private final RemoteWebDriver driver;
  private final String home;
  private final String version;
  /** Stops Xvfb and the driver if the JVM ends without {@link #close()} (a killed or timed-out test run). */
  private final Thread shutdownHook;

  private WebKitDriverBrowser(Process xvfb, Process webDriver, RemoteWebDriver driver) {
    this.xvfb = xvfb;
    this.webDriver = webDriver;
    this.driver = driver;
    this.shutdownHook = new Thread(() -> {
      stop(webDriver);
      stop(xvfb);
    }, "webkit-processes-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    this.home = driver.getWindowHandle();
    Object v = driver.getCapabilities().getCapability("browserVersion");
    this.version = "WebKitGTK " + (v == null ? "?" : v);
  }

  /**
   * Starts Xvfb, WebKitWebDriver and a session. A session the driver does not create within a minute (MiniBrowser
   * sometimes hangs at start; a clean-clone CI run here once saw it hang twice in a row) is tried again with fresh
   * processes, up to {@link #LAUNCH_ATTEMPTS} times in all.
   */
  static WebKitDriverBrowser launch(TestCa ca) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return launchOnce(ca);
      } catch (org.openqa.selenium.SessionNotCreatedException e) {
        if (attempt == LAUNCH_ATTEMPTS) {
          throw e;
        }
        System.getLogger(WebKitDriverBrowser.class.getName()).log(System.Logger.Level.WARNING,
            "WebKitWebDriver created no session (" + e.getRawMessage() + "); trying again (attempt " + (attempt + 1)
                + " of " + LAUNCH_ATTEMPTS + ")");
      }
    }
  }

  private static final int LAUNCH_ATTEMPTS = 4;

  private static WebKitDriverBrowser launchOnce(TestCa ca) throws Exception {
    Process xvfb = null;
    Process webDriver = null;
    try {
      xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String display = firstLine(xvfb, Duration.ofSeconds(30), "Xvfb to print its display number");
      int port = DeadProxy.port();
      ProcessBuilder pb = new ProcessBuilder(WEBDRIVER.toString(), "--port=" + port, "--host=local")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("DISPLAY", ":" + display);
      webDriver = pb.start();
      awaitStatus(port, webDriver);
      MutableCapabilities caps = new MutableCapabilities();
      caps.setCapability(CapabilityType.BROWSER_NAME, "MiniBrowser");
      int deadProxy = DeadProxy.port();
      Proxy proxy = new Proxy().setProxyType(Proxy.ProxyType.MANUAL)
          .setHttpProxy("127.0.0.1:" + deadProxy).setSslProxy("127.0.0.1:" + deadProxy)
          .setNoProxy("127.0.0.1,localhost");
      caps.setCapability(CapabilityType.PROXY, proxy);
      // trust exactly the test server certificate for 127.0.0.1 (WebKitGTK's per-host certificate capability)
      caps.setCapability("webkitgtk:browserOptions", Map.of("certificates",
          List.of(Map.of("host", "127.0.0.1", "certificateFile", ca.serverCert().toAbsolutePath().toString()))));
      URL url = new URL("http://127.0.0.1:" + port);
      RemoteWebDriver driver = (RemoteWebDriver) RemoteWebDriver.builder().oneOf(caps)
          .config(org.openqa.selenium.remote.http.ClientConfig.defaultConfig().baseUrl(url)
              .readTimeout(Duration.ofSeconds(60)))
          .build();
      return new WebKitDriverBrowser(xvfb, webDriver, driver);
    } catch (Exception | Error e) {
      stop(webDriver);
      stop(xvfb);
      throw e;
    }
  }

  private static String firstLine(Process p, Duration timeout, String what) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      } catch (IOException e) {
        return null;
      }
    });
    String value = line.get(timeout.toSeconds(), TimeUnit.SECONDS);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("no answer waiting for " + what + " (is the xvfb package installed?)");
    }
    return value.trim();
  }

  private static void awaitStatus(int port, Process webDriver) {
    HttpClient http = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(null)).build();
    HttpRequest status = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
        .timeout(Duration.ofSeconds(2)).build();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      if (!webDriver.isAlive()) {
        throw new IllegalStateException("WebKitWebDriver exited with " + webDriver.exitValue());
      }
      return http.send(status, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    });
  }

  private static void stop(Process p) {
    if (p == null) {
      return;
    }
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Engine engine() {
    return Engine.WEBKIT;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String driver() {
    return "WebKitWebDriver (W3C WebDriver, Selenium remote-driver client) under Xvfb (Debian package)";
  }

  @Override
  public BrowserTab open(String url, boolean toBeHidden) {
    driver.switchTo().window(home);
    driver.switchTo().newWindow(WindowType.TAB);
    String handle = driver.getWindowHandle();
    driver.get(url);
    return new Tab(handle);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      stop(webDriver);
      stop(xvfb);
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }
  }

  /** One tab of the session. */
  private final class Tab implements BrowserTab {

    private final String handle;
    private final List<String> frontTabs = new ArrayList<>();
    private boolean open = true;

    Tab(String handle) {
      this.handle = handle;
    }

    @Override
    public String evaluate(String expression) {
      driver.switchTo().window(handle);
      return String.valueOf(((JavascriptExecutor) driver).executeScript("return " + expression + ";"));
    }

    @Override
    public void sendToBackground() {
      driver.switchTo().newWindow(WindowType.TAB);
      // closed together with the page in close()
      frontTabs.add(driver.getWindowHandle());
    }

    @Override
    public void closeAbruptly() {
      driver.switchTo().window(handle);
      driver.close();
      open = false;
      driver.switchTo().window(home);
    }

    @Override
    public void close() {
      for (String front : frontTabs) {
        driver.switchTo().window(front);
        driver.close();
      }
      if (open) {
        driver.switchTo().window(handle);
        driver.close();
        open = false;
      }
      driver.switchTo().window(home);
    }
  }
}
