package io.vela.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/** Launches an engine from the configured {@link EngineSource}. */
public final class Browsers {

  /** What drives an engine. */
  enum Driver {
    /** Playwright Java: Debian's Chromium (CDP) and Firefox ESR (BiDi), or any of Playwright's own builds. */
    PLAYWRIGHT,
    /** Debian's WebKitGTK through WebKitWebDriver under a private Xvfb (Playwright cannot drive it). */
    WEBKIT_WEBDRIVER
  }

  private Browsers() {
  }

  public static Browser launch(Engine engine, EngineSource source, TestCa ca) throws Exception {
    if (source == EngineSource.DEBIAN) {
      Optional<String> missing = missingDebianPackage(engine, Files::isExecutable);
      if (missing.isPresent()) {
        throw new IllegalStateException(missing.get());
      }
    }
    return switch (driver(engine, source)) {
      case WEBKIT_WEBDRIVER -> WebKitDriverBrowser.launch(ca);
      // with -Dvela.browsers=playwright, PlaywrightBrowser names a missing Playwright build before launching
      case PLAYWRIGHT -> PlaywrightBrowser.launch(engine, source, ca);
    };
  }

  static Driver driver(Engine engine, EngineSource source) {
    return engine == Engine.WEBKIT && source == EngineSource.DEBIAN ? Driver.WEBKIT_WEBDRIVER : Driver.PLAYWRIGHT;
  }

  /** A missing Debian engine, named with the package that provides it, not left to a launcher's stack trace. */
  static Optional<String> missingDebianPackage(Engine engine, Predicate<Path> isExecutable) {
    String[][] needs = switch (engine) {
      case CHROMIUM -> new String[][] {{"/usr/bin/chromium", "chromium"}};
      case FIREFOX -> new String[][] {{"/usr/bin/firefox-esr", "firefox-esr"}};
      case WEBKIT -> new String[][] {{"/usr/bin/WebKitWebDriver", "webkit2gtk-driver"}, {"/usr/bin/Xvfb", "xvfb"}};
    };
    for (String[] need : needs) {
      if (!isExecutable.test(Path.of(need[0]))) {
        return Optional.of(engine.label() + ": " + need[0] + " is missing; install the Debian package " + need[1]
            + " (bin/test does it when run as root) or run with -D" + EngineSource.PROPERTY
            + "=playwright after installing Playwright's browsers");
      }
    }
    return Optional.empty();
  }
}
