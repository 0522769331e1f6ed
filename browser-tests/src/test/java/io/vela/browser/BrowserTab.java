package io.vela.browser;

/** A page loaded in a fresh context. */
public interface BrowserTab extends AutoCloseable {

  /**
   * Evaluates a JavaScript expression in the page and returns its value, which must be a string (JSON): the same
   * contract works over CDP, BiDi and W3C WebDriver.
   */
  String evaluate(String expression);

  /** Puts another tab of the same window in front of this one, so the page is in the background. */
  void sendToBackground();

  /** Closes the page the way a user closes a tab: no script of the page gets to clean up. */
  void closeAbruptly();

  /** Closes the page and its context if still open. */
  @Override
  void close();
}
