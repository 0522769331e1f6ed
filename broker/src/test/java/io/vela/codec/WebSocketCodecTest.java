package io.vela.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebSocketCodecTest {

  @Test
  @DisplayName("[MQTT-6.0.0-4] mqtt is chosen whenever offered; otherwise the first accepted legacy name or alias; "
      + "nothing for unknown names")
  void subprotocolChoice() {
    assertThat(WebSocketCodec.chooseSubprotocol("mqttv3.1, mqtt")).isEqualTo("mqtt");
    assertThat(WebSocketCodec.chooseSubprotocol("chat, mqttv3.1")).isEqualTo("mqttv3.1");
    assertThat(WebSocketCodec.chooseSubprotocol("mqtt-v5")).isEqualTo("mqtt-v5");
    assertThat(WebSocketCodec.chooseSubprotocol("chat, superchat")).isNull();
    assertThat(WebSocketCodec.chooseSubprotocol("")).isNull();
  }

  @Test
  @DisplayName("X-Forwarded-For: the right-most hop that is not a trusted proxy is the client; X-Real-IP when there "
      + "is no usable X-Forwarded-For; host names are never resolved")
  void forwardedClient() {
    WebSocketCodec.Gate gate = new WebSocketCodec.Gate(new WebSocketOptions("/mqtt", false, List.of(),
        a -> a.getHostAddress().startsWith("10."), 1024, 1000));
    assertThat(gate.forwardedClient(List.of("203.0.113.7"), null)).isEqualTo("203.0.113.7");
    assertThat(gate.forwardedClient(List.of("198.51.100.1, 203.0.113.7, 10.0.0.2"), null)).isEqualTo("203.0.113.7");
    assertThat(gate.forwardedClient(List.of("198.51.100.1", "10.0.0.3"), null)).isEqualTo("198.51.100.1");
    assertThat(gate.forwardedClient(List.of("10.0.0.1, 10.0.0.2"), null)).isEqualTo("10.0.0.1");
    assertThat(gate.forwardedClient(List.of(), "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(gate.forwardedClient(List.of("localhost"), "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(gate.forwardedClient(List.of("[2001:db8::1]"), null)).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(gate.forwardedClient(List.of(), null)).isNull();
    assertThat(WebSocketCodec.literal("example.com")).isNull();
    assertThat(WebSocketCodec.literal(" 1.2.3.4 ")).isNotNull()
        .extracting(InetAddress::getHostAddress).isEqualTo("1.2.3.4");
  }
}
