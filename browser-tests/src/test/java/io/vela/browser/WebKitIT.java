package io.vela.browser;

import org.junit.jupiter.api.DisplayName;

@DisplayName("WebKit: browser MQTT clients against Vela over ws and wss")
class WebKitIT extends BrowserConformanceSuite {

  @Override
  protected Engine engine() {
    return Engine.WEBKIT;
  }
}
