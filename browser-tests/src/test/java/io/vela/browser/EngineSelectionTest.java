package io.vela.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code -Dvela.browsers} picks the engines, and what a run says when they are not there. The Playwright part is
 * real: Playwright's driver is started with an empty PLAYWRIGHT_BROWSERS_PATH, so none of its builds is installed
 * whatever the machine has.
 */
class EngineSelectionTest {

  @Test
  void thePropertyChoosesDebianByDefaultAndPlaywrightByName() {
    assertThat(EngineSource.parse(null)).isEqualTo(EngineSource.DEBIAN);
    assertThat(EngineSource.parse(" ")).isEqualTo(EngineSource.DEBIAN);
    assertThat(EngineSource.parse("debian")).isEqualTo(EngineSource.DEBIAN);
    assertThat(EngineSource.parse(" Playwright ")).isEqualTo(EngineSource.PLAYWRIGHT);
    assertThatThrownBy(() -> EngineSource.parse("snap")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-Dvela.browsers=snap").hasMessageContaining("debian").hasMessageContaining("playwright");
  }

  @Test
  void debianWebKitRunsThroughWebKitWebDriverEverythingElseThroughPlaywright() {
    assertThat(Browsers.driver(Engine.CHROMIUM, EngineSource.DEBIAN)).isEqualTo(Browsers.Driver.PLAYWRIGHT);
    assertThat(Browsers.driver(Engine.FIREFOX, EngineSource.DEBIAN)).isEqualTo(Browsers.Driver.PLAYWRIGHT);
    assertThat(Browsers.driver(Engine.WEBKIT, EngineSource.DEBIAN)).isEqualTo(Browsers.Driver.WEBKIT_WEBDRIVER);
    for (Engine engine : Engine.values()) {
      assertThat(Browsers.driver(engine, EngineSource.PLAYWRIGHT)).as("%s", engine)
          .isEqualTo(Browsers.Driver.PLAYWRIGHT);
    }
    assertThatThrownBy(() -> PlaywrightBrowser.launch(Engine.WEBKIT, EngineSource.DEBIAN, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WebKitWebDriver");
  }

  @Test
  void aMissingDebianEngineIsNamedWithItsPackage() {
    assertThat(Browsers.missingDebianPackage(Engine.CHROMIUM, p -> true)).isEmpty();
    assertThat(Browsers.missingDebianPackage(Engine.CHROMIUM, p -> false)).hasValueSatisfying(m -> assertThat(m)
        .contains("/usr/bin/chromium").contains("Debian package chromium").contains("-Dvela.browsers=playwright"));
    assertThat(Browsers.missingDebianPackage(Engine.WEBKIT, p -> !p.endsWith("Xvfb")))
        .hasValueSatisfying(m -> assertThat(m).contains("/usr/bin/Xvfb").contains("Debian package xvfb"));
  }

  @Test
  void missingPlaywrightBuildsAreNamedWithTheirPathAndTheInstallCommand(@TempDir Path empty) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PLAYWRIGHT_BROWSERS_PATH", empty.toString());
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    // the launch path itself: it stops before any browser starts (no TestCa is needed to get there)
    assertThatThrownBy(() -> PlaywrightBrowser.launch(Engine.CHROMIUM, EngineSource.PLAYWRIGHT, null, env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Chromium (Playwright 1.62.0 build): " + empty)
        .hasMessageContaining("is missing")
        .hasMessageContaining("`npx playwright@1.62.0 install --with-deps chromium`")
        .hasMessageContaining("-Dvela.browsers=debian");
    try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env))) {
      assertThatThrownBy(() -> PlaywrightBrowser.requireInstalled(playwright.firefox(), Engine.FIREFOX))
          .hasMessageStartingWith("Firefox (Playwright 1.62.0 build): " + empty)
          .hasMessageContaining("install --with-deps firefox`");
      assertThatThrownBy(() -> PlaywrightBrowser.requireInstalled(playwright.webkit(), Engine.WEBKIT))
          .hasMessageStartingWith("WebKit (Playwright 1.62.0 build): " + empty)
          .hasMessageContaining("install --with-deps webkit`");
    }
  }
}
