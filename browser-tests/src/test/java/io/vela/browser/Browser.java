package io.vela.browser;

/** One launched browser (once per test class); each test opens its own fresh {@link BrowserTab}. */
public interface Browser extends AutoCloseable {

  Engine engine();

  /** Product and version as the engine reports it, e.g. "Chromium 156.0.8078.114". */
  String version();

  /** How the engine is driven, for the matrix, e.g. "Playwright 1.62.0 over WebDriver BiDi". */
  String driver();

  /**
   * Whether {@link BrowserTab#sendToBackground()} really hides the page (visibilityState "hidden"). Chromium driven
   * by Playwright keeps every page visible, headless or headed under Xvfb, whatever tab is in front (tried: new
   * page + bringToFront, window.open from the page, CDP Target.createTarget/activateTarget, minimizing the window):
   * there the background-page scenario cannot run, and the matrix says so.
   */
  boolean canHidePages();

  /** Opens {@code url} in a fresh context (Playwright: a new BrowserContext; WebDriver: a new tab). */
  BrowserTab open(String url);

  /** Closes the browser and every process it started. */
  @Override
  void close();
}
