package io.vela.browser;

import java.util.Locale;

/**
 * Where the engines come from, chosen with {@code -Dvela.browsers=debian|playwright}.
 *
 * <ul>
 *   <li>{@link #DEBIAN} (default, offline, what CI uses): {@code /usr/bin/chromium} through Playwright (CDP),
 *       {@code /usr/bin/firefox-esr} through Playwright over WebDriver BiDi, and WebKitGTK's {@code WebKitWebDriver}
 *       (W3C WebDriver) under a private Xvfb.</li>
 *   <li>{@link #PLAYWRIGHT}: Playwright's own Chromium, Firefox and WebKit builds, installed beforehand with
 *       {@code npx playwright@1.62.0 install chromium firefox webkit} (the same release as the Java driver); all three
 *       engines then run through Playwright.</li>
 * </ul>
 */
public enum EngineSource {
  DEBIAN,
  PLAYWRIGHT;

  public static final String PROPERTY = "vela.browsers";

  /** The source named by the system property; an unknown value is a clear error, not a silent default. */
  public static EngineSource fromSystemProperty() {
    String value = System.getProperty(PROPERTY, "debian").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "", "debian" -> DEBIAN;
      case "playwright" -> PLAYWRIGHT;
      default -> throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + value + " is not known: use debian (default) or playwright");
    };
  }

  public String label() {
    return this == DEBIAN ? "Debian package" : "Playwright build";
  }
}
