package io.vela.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeepAliveFloorTest {

  @Test
  @DisplayName("listeners.<name>.min-keep-alive-seconds raises a shorter non-zero keep-alive, leaves 0 (none) alone; "
      + "mqtt.max-keep-alive-seconds still caps")
  void grantedKeepAlive() {
    assertThat(ClientConnection.grantedKeepAlive(30, 120, 0)).isEqualTo(120);
    assertThat(ClientConnection.grantedKeepAlive(300, 120, 0)).isEqualTo(300);
    assertThat(ClientConnection.grantedKeepAlive(0, 120, 0)).isZero();
    assertThat(ClientConnection.grantedKeepAlive(30, 0, 0)).isEqualTo(30);
    assertThat(ClientConnection.grantedKeepAlive(30, 120, 600)).isEqualTo(120);
    assertThat(ClientConnection.grantedKeepAlive(900, 120, 600)).isEqualTo(600);
    assertThat(ClientConnection.grantedKeepAlive(0, 120, 600)).isEqualTo(600);
  }
}
