package io.vela.browser;

import java.nio.file.Files;
import java.nio.file.Path;

/** Launches an engine from the configured {@link EngineSource}. */
public final class Browsers {

  private Browsers() {
  }

  public static Browser launch(Engine engine, EngineSource source, TestCa ca) throws Exception {
    if (source == EngineSource.DEBIAN) {
      requireDebianPackage(engine);
      if (engine == Engine.WEBKIT) {
        return WebKitDriverBrowser.launch(ca);
      }
    }
    return PlaywrightBrowser.launch(engine, source, ca);
  }

  /** A missing engine is named with the package that provides it, not left to a launcher's stack trace. */
  private static void requireDebianPackage(Engine engine) {
    String[][] needs = switch (engine) {
      case CHROMIUM -> new String[][] {{"/usr/bin/chromium", "chromium"}};
      case FIREFOX -> new String[][] {{"/usr/bin/firefox-esr", "firefox-esr"}};
      case WEBKIT -> new String[][] {{"/usr/bin/WebKitWebDriver", "webkit2gtk-driver"}, {"/usr/bin/Xvfb", "xvfb"}};
    };
    for (String[] need : needs) {
      if (!Files.isExecutable(Path.of(need[0]))) {
        throw new IllegalStateException(engine.label() + ": " + need[0] + " is missing; install the Debian package "
            + need[1] + " (bin/test does it when run as root) or run with -D" + EngineSource.PROPERTY
            + "=playwright after installing Playwright's browsers");
      }
    }
  }
}
