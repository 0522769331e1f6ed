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
 *       {@code npx playwright@1.62.0 install --with-deps chromium firefox webkit} (the same release as the Java
 *       driver; nothing is downloaded during the tests); all three engines then run through Playwright, Chromium as
 *       its full build (channel {@code chromium}) in the same headless mode as Debian's.</li>
 * </ul>
 */
public enum EngineSource {
  DEBIAN,
  PLAYWRIGHT;

  public static final String PROPERTY = "vela.browsers";

  /** The source named by the system property; an unknown value is a clear error, not a silent default. */
  public static EngineSource fromSystemProperty() {
    return parse(System.getProperty(PROPERTY));
  }

  /** {@code debian} when null or blank, else debian or playwright (any case); anything else is an error. */
  static EngineSource parse(String property) {
    String value = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
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
