package io.vela.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebSocketConfigTest {

  private static final Map<String, String> NO_ENV = Map.of();

  private static VelaConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "test.yaml", NO_ENV);
  }

  @Test
  @DisplayName("a ws listener gets EMQX's defaults: port 8083, path /mqtt, no compression, any origin, no trusted "
      + "proxies, no keep-alive floor")
  void wsDefaults() {
    ListenerConfig ws = parse("listeners:\n  ws: {}\n").listeners.get("ws");
    assertThat(ws.type).isEqualTo("ws");
    assertThat(ws.port).isEqualTo(8083);
    assertThat(ws.minKeepAliveSeconds).isZero();
    assertThat(ws.websocket.path).isEqualTo("/mqtt");
    assertThat(ws.websocket.compression).isFalse();
    assertThat(ws.websocket.allowedOrigins).isEmpty();
    assertThat(ws.websocket.trustedProxies).isEmpty();
    assertThat(parse("listeners:\n  tcp: {}\n").listeners.get("tcp").port).isEqualTo(1883);
  }

  @Test
  @DisplayName("conf/vela.yaml enables a ws listener on 8083 with the ws defaults")
  void shippedConfigurationHasWs() {
    VelaConfig shipped = ConfigLoader.load(java.nio.file.Path.of("..", "conf", "vela.yaml"), NO_ENV);
    ListenerConfig defaults = parse("listeners:\n  ws:\n    bind: 0.0.0.0\n").listeners.get("ws");
    assertThat(shipped.listeners.get("ws")).usingRecursiveComparison().isEqualTo(defaults);
    assertThat(shipped.listeners.get("ws").enabled).isTrue();
  }

  @Test
  @DisplayName("every ws key binds: websocket.path, compression, allowed-origins, trusted-proxies, "
      + "min-keep-alive-seconds")
  void wsKeysBind() {
    ListenerConfig ws = parse("""
        listeners:
          browsers:
            type: ws
            port: 9001
            min-keep-alive-seconds: 120
            websocket:
              path: /ws/mqtt
              compression: true
              allowed-origins: [https://app.example.com]
              trusted-proxies: [10.0.0.5, 192.168.0.0/16, "2001:db8::/32"]
        """).listeners.get("browsers");
    assertThat(ws.port).isEqualTo(9001);
    assertThat(ws.minKeepAliveSeconds).isEqualTo(120);
    assertThat(ws.websocket.path).isEqualTo("/ws/mqtt");
    assertThat(ws.websocket.compression).isTrue();
    assertThat(ws.websocket.allowedOrigins).containsExactly("https://app.example.com");
    assertThat(ws.websocket.trustedProxies).containsExactly("10.0.0.5", "192.168.0.0/16", "2001:db8::/32");
  }

  @Test
  @DisplayName("environment overrides reach ws keys: VELA_LISTENERS__WS__WEBSOCKET__PATH")
  void environment() {
    VelaConfig c = ConfigLoader.parse("listeners:\n  ws: {}\n", "test.yaml",
        Map.of("VELA_LISTENERS__WS__WEBSOCKET__PATH", "/other", "VELA_LISTENERS__WS__MIN_KEEP_ALIVE_SECONDS", "90"));
    assertThat(c.listeners.get("ws").websocket.path).isEqualTo("/other");
    assertThat(c.listeners.get("ws").minKeepAliveSeconds).isEqualTo(90);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "listeners:\\n  ws:\\n    websocket:\\n      path: mqtt | listeners.ws.websocket.path",
      "listeners:\\n  ws:\\n    websocket:\\n      path: '/a b' | listeners.ws.websocket.path",
      "listeners:\\n  ws:\\n    websocket:\\n      trusted-proxies: [proxy.example.com] "
          + "| listeners.ws.websocket.trusted-proxies",
      "listeners:\\n  ws:\\n    websocket:\\n      trusted-proxies: [10.0.0.0/33] "
          + "| listeners.ws.websocket.trusted-proxies",
      "listeners:\\n  ws:\\n    websocket:\\n      allowed-origins: ['https://a.example.com/'] "
          + "| listeners.ws.websocket.allowed-origins",
      "listeners:\\n  tcp:\\n    websocket:\\n      path: /mqtt | listeners.tcp.websocket",
      "listeners:\\n  ws:\\n    min-keep-alive-seconds: 70000 | listeners.ws.min-keep-alive-seconds",
      "listeners:\\n  ws:\\n    min-keep-alive-seconds: 120\\nmqtt:\\n  max-keep-alive-seconds: 60 "
          + "| listeners.ws.min-keep-alive-seconds",
      "listeners:\\n  ws:\\n    websocket:\\n      pathh: /mqtt | listeners.ws.websocket.pathh"})
  @DisplayName("a bad ws setting is refused with a message naming the key")
  void badValuesNameTheKey(String yaml, String key) {
    assertThatThrownBy(() -> parse(yaml.replace("\\n", "\n"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'");
  }
}
