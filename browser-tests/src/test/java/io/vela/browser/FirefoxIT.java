package io.vela.browser;

import org.junit.jupiter.api.DisplayName;

@DisplayName("Firefox: browser MQTT clients against Vela over ws and wss")
class FirefoxIT extends BrowserConformanceSuite {

  @Override
  protected Engine engine() {
    return Engine.FIREFOX;
  }
}
