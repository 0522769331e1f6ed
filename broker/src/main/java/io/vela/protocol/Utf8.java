package io.vela.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Checks on UTF-8 byte sequences (MQTT 5 section 1.5.4 and the Payload Format Indicator, 3.3.2.3.2). */
public final class Utf8 {

  private Utf8() {
  }

  /**
   * True if {@code bytes} is well-formed UTF-8 as RFC 3629 defines it: no overlong forms, no encoded surrogates
   * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
   */
  public static boolean isWellFormed(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
