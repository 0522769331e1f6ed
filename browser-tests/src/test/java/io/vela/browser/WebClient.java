package io.vela.browser;

/** The browser MQTT clients under test, by the id the page's clients.js knows them by. */
public enum WebClient {
  MQTTJS_311("mqttjs-3.1.1", "mqtt", "MQTT.js", "MQTT 3.1.1"),
  MQTTJS_5("mqttjs-5", "mqtt", "MQTT.js", "MQTT 5"),
  PAHO_311("paho-3.1.1", "paho-mqtt", "Paho JavaScript", "MQTT 3.1.1");

  private final String id;
  private final String npmPackage;
  private final String product;
  private final String protocol;

  WebClient(String id, String npmPackage, String product, String protocol) {
    this.id = id;
    this.npmPackage = npmPackage;
    this.product = product;
    this.protocol = protocol;
  }

  public String id() {
    return id;
  }

  public String npmPackage() {
    return npmPackage;
  }

  /** e.g. "MQTT.js 5.16.0 (MQTT 5)". */
  public String label() {
    return product + " " + ClientLibraries.version(npmPackage) + " (" + protocol + ")";
  }

  @Override
  public String toString() {
    return id;
  }
}
