package io.vela.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  @DisplayName("well-formed UTF-8 passes; truncated, overlong, surrogate and above-U+10FFFF sequences do not")
  void wellFormed() {
    assertThat(Utf8.isWellFormed(new byte[0])).isTrue();
    assertThat(Utf8.isWellFormed("grüße 🌍".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(Utf8.isWellFormed(new byte[] {(byte) 0xC3})).as("truncated").isFalse();
    assertThat(Utf8.isWellFormed(new byte[] {(byte) 0xC3, 0x28})).as("bad continuation").isFalse();
    assertThat(Utf8.isWellFormed(new byte[] {(byte) 0xC0, (byte) 0xAF})).as("overlong '/'").isFalse();
    assertThat(Utf8.isWellFormed(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).as("U+D800").isFalse();
    assertThat(Utf8.isWellFormed(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}))
        .as("U+110000").isFalse();
  }
}
