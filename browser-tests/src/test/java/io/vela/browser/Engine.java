package io.vela.browser;

/** The three browser engines the suite runs in. */
public enum Engine {
  CHROMIUM("Chromium"),
  FIREFOX("Firefox"),
  WEBKIT("WebKit");

  private final String label;

  Engine(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
