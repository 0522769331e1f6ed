package io.vela.browser;

/** One launched browser (once per test class); each test opens its own fresh {@link BrowserTab}. */
public interface Browser extends AutoCloseable {

  Engine engine();

  /** Product and version as the engine reports it, e.g. "Chromium 156.0.8078.114". */
  String version();

  /** How the engine is driven, for the matrix, e.g. "Playwright 1.62.0 over WebDriver BiDi". */
  String driver();

  /**
   * Opens {@code url} in a fresh context (Playwright: a new BrowserContext; WebDriver: a new tab). With
   * {@code toBeHidden} the page is opened so that {@link BrowserTab#sendToBackground()} really hides it
   * (visibilityState "hidden"): in Chromium that is a page Playwright does not emulate focus for (see
   * {@link PlaywrightBrowser}); the other engines need nothing special.
   */
  BrowserTab open(String url, boolean toBeHidden);

  /** Closes the browser and every process it started. */
  @Override
  void close();
}
