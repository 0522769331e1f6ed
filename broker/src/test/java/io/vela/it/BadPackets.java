package io.vela.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-made MQTT packets for protocol-violation tests, beyond the basic ones in {@link RawClient}: CONNECT with any flags and
 * MQTT 5 properties, SUBSCRIBE with any fixed-header flags, PUBLISH with raw topic bytes or properties, and readers
 * for the few fields the tests check. Protocol levels: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.0.
 */
public final class BadPackets {

  public static final int CONNACK = 2;
  public static final int PUBLISH = 3;
  public static final int PUBACK = 4;
  public static final int SUBACK = 9;
  public static final int PINGRESP = 13;
  public static final int DISCONNECT = 14;

  /** MQTT 5 property identifiers used by the tests. */
  public static final int PROP_TOPIC_ALIAS = 0x23;
  public static final int PROP_AUTHENTICATION_METHOD = 0x15;

  private BadPackets() {
  }

  /**
   * CONNECT with explicit flags.
   *
   * @param connectFlags the whole connect-flags byte (0x02 = clean session/start, 0x80 = user name, ...)
   * @param properties   MQTT 5 properties (without their length prefix), ignored below level 5
   * @param username     written when not null (set flag 0x80 yourself)
   */
  public static byte[] connect(int level, String clientId, int connectFlags, int keepAlive, byte[] properties,
                               String username) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    RawClient.writeString(body, level == 3 ? "MQIsdp" : "MQTT");
    body.write(level);
    body.write(connectFlags);
    body.write(keepAlive >> 8);
    body.write(keepAlive & 0xFF);
    if (level == 5) {
      writeProperties(body, properties);
    }
    RawClient.writeString(body, clientId);
    if (username != null) {
      RawClient.writeString(body, username);
    }
    return RawClient.packet(0x10, body.toByteArray());
  }

  /**
   * CONNECT with explicit flags and raw payload bytes after the client id (will properties/topic/message, user name,
   * password: whatever the flags claim, or not).
   */
  public static byte[] connectWithTail(int level, String clientId, int connectFlags, byte[] tail) {
    byte[] head = connect(level, clientId, connectFlags, 30, null, null);
    int off = bodyOffset(head);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(head, off, head.length - off);
    body.writeBytes(tail);
    return RawClient.packet(0x10, body.toByteArray());
  }

  /** A UTF-8 string or binary field: two-byte length, then the bytes. */
  public static byte[] field(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RawClient.writeString(out, s);
    return out.toByteArray();
  }

  /** SUBSCRIBE with the given first byte (0x82 is the only valid one) asking QoS 0 for each filter. */
  public static byte[] subscribe(int level, int firstByte, int packetId, String... filters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId & 0xFF);
    if (level == 5) {
      body.write(0);
    }
    for (String f : filters) {
      RawClient.writeString(body, f);
      body.write(0);
    }
    return RawClient.packet(firstByte, body.toByteArray());
  }

  /** SUBSCRIBE (QoS 0) or UNSUBSCRIBE (when {@code unsubscribe}) of one filter given as raw bytes, taken as is. */
  public static byte[] rawFilter(int level, boolean unsubscribe, int packetId, byte[] filter) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId & 0xFF);
    if (level == 5) {
      body.write(0);
    }
    body.write(filter.length >> 8);
    body.write(filter.length & 0xFF);
    body.writeBytes(filter);
    if (!unsubscribe) {
      body.write(0);
    }
    return RawClient.packet(unsubscribe ? 0xA2 : 0x82, body.toByteArray());
  }

  /** PUBLISH QoS 0 whose topic is the given bytes, taken as is (they need not be valid UTF-8). */
  public static byte[] publishRawTopic(int level, byte[] topic, byte[] payload) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(topic.length >> 8);
    body.write(topic.length & 0xFF);
    body.writeBytes(topic);
    if (level == 5) {
      body.write(0);
    }
    body.writeBytes(payload);
    return RawClient.packet(0x30, body.toByteArray());
  }

  /** MQTT 5 PUBLISH with the given QoS and properties. */
  public static byte[] publishV5(String topic, int qos, int packetId, byte[] properties, byte[] payload) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    RawClient.writeString(body, topic);
    if (qos > 0) {
      body.write(packetId >> 8);
      body.write(packetId & 0xFF);
    }
    writeProperties(body, properties);
    body.writeBytes(payload);
    return RawClient.packet(0x30 | (qos << 1), body.toByteArray());
  }

  public static byte[] pingReq() {
    return new byte[] {(byte) 0xC0, 0};
  }

  // ---------------------------------------------------------------- MQTT 5 properties

  public static byte[] twoByteProperty(int id, int value) {
    return new byte[] {(byte) id, (byte) (value >> 8), (byte) value};
  }

  public static byte[] stringProperty(int id, String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(id);
    RawClient.writeString(out, value);
    return out.toByteArray();
  }

  private static void writeProperties(ByteArrayOutputStream body, byte[] properties) {
    byte[] p = properties == null ? new byte[0] : properties;
    body.writeBytes(varInt(p.length));
    body.writeBytes(p);
  }

  public static byte[] varInt(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int v = value;
    do {
      int digit = v % 128;
      v /= 128;
      if (v > 0) {
        digit |= 0x80;
      }
      out.write(digit);
    } while (v > 0);
    return out.toByteArray();
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- reading

  /** Offset of the variable header: after the first byte and the remaining-length bytes. */
  public static int bodyOffset(byte[] packet) {
    int i = 1;
    while ((packet[i] & 0x80) != 0) {
      i++;
    }
    return i + 1;
  }

  /** CONNACK: the return code (3.x) or reason code (5). */
  public static int connAckCode(byte[] connAck) {
    return connAck[bodyOffset(connAck) + 1] & 0xFF;
  }

  /** MQTT 5 DISCONNECT reason code (0 when the packet has no variable header). */
  public static int disconnectReason(byte[] disconnect) {
    int off = bodyOffset(disconnect);
    return off < disconnect.length ? disconnect[off] & 0xFF : 0;
  }

  /** PUBLISH: the payload (after topic, packet identifier and, for MQTT 5, properties). */
  public static byte[] publishPayload(int level, byte[] publish) {
    int off = bodyOffset(publish);
    int topicLength = ((publish[off] & 0xFF) << 8) | (publish[off + 1] & 0xFF);
    off += 2 + topicLength;
    if ((publish[0] & 0x06) != 0) {
      off += 2;
    }
    if (level == 5) {
      off = skipProperties(publish, off);
    }
    return java.util.Arrays.copyOfRange(publish, off, publish.length);
  }

  private static int skipProperties(byte[] packet, int offset) {
    int off = offset;
    int len = 0;
    int mul = 1;
    int b;
    do {
      b = packet[off++] & 0xFF;
      len += (b & 0x7F) * mul;
      mul *= 128;
    } while ((b & 0x80) != 0);
    return off + len;
  }

  /** SUBACK: the return / reason code of the n-th filter. MQTT 5 SUBACKs carry a property length to skip. */
  public static int subAckCode(int level, byte[] subAck, int n) {
    int off = bodyOffset(subAck) + 2;
    if (level == 5) {
      off = skipProperties(subAck, off);
    }
    return subAck[off + n] & 0xFF;
  }
}
