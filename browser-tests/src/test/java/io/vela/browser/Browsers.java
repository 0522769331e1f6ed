package io.vela.browser;

/** Launches an engine from the configured {@link EngineSource}. */
public final class Browsers {

  private Browsers() {
  }

  public static Browser launch(Engine engine, EngineSource source, TestCa ca) throws Exception {
    if (engine == Engine.WEBKIT && source == EngineSource.DEBIAN) {
      return WebKitDriverBrowser.launch(ca);
    }
    return PlaywrightBrowser.launch(engine, source, ca);
  }
}
