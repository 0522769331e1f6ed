package io.vela.browser;

import org.junit.jupiter.api.DisplayName;

@DisplayName("Chromium: browser MQTT clients against Vela over ws and wss")
class ChromiumIT extends BrowserConformanceSuite {

  @Override
  protected Engine engine() {
    return Engine.CHROMIUM;
  }
}
