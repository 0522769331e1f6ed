package io.vela.browser;

/** The three browser engines the suite runs in. */
public enum Engine {
  CHROMIUM("Chromium", false),
  FIREFOX("Firefox", true),
  WEBKIT("WebKit", true);

  private final String label;
  private final boolean canHidePages;

  Engine(String label, boolean canHidePages) {
    this.label = label;
    this.canHidePages = canHidePages;
  }

  /**
   * Whether the test can put a page of this engine in the background (visibilityState "hidden"). Chromium under
   * Playwright keeps every page visible, headless or headed, whatever tab is in front: the background-page scenario
   * cannot run there and says so in the matrix.
   */
  public boolean canHidePages() {
    return canHidePages;
  }

  public String label() {
    return label;
  }
}
