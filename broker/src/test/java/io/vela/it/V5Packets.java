package io.vela.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * MQTT 5 packets for the feature tests that {@link RawPackets} and {@link BadPackets} do not build: CONNECT with any
 * properties, AUTH in both directions, and property builders.
 */
final class V5Packets {

  static final int AUTH = 15;

  static final int PROP_PAYLOAD_FORMAT = 0x01;
  static final int PROP_CONTENT_TYPE = 0x03;
  static final int PROP_AUTHENTICATION_METHOD = 0x15;
  static final int PROP_AUTHENTICATION_DATA = 0x16;
  static final int PROP_REQUEST_PROBLEM_INFORMATION = 0x17;
  static final int PROP_REQUEST_RESPONSE_INFORMATION = 0x19;
  static final int PROP_RESPONSE_INFORMATION = 0x1A;
  static final int PROP_SERVER_REFERENCE = 0x1C;
  static final int PROP_REASON_STRING = 0x1F;
  static final int PROP_TOPIC_ALIAS_MAXIMUM = 0x22;
  static final int PROP_TOPIC_ALIAS = 0x23;
  static final int PROP_WILDCARD_AVAILABLE = 0x28;
  static final int PROP_SUBSCRIPTION_IDS_AVAILABLE = 0x29;

  private V5Packets() {
  }

  /** MQTT 5 CONNECT, clean start, keep-alive 60, with the given properties (see the builders below). */
  static byte[] connect(String clientId, byte[]... properties) {
    return BadPackets.connect(5, clientId, 0x02, 60, concat(properties), null);
  }

  /** MQTT 5 CONNECT with a will whose payload is given as raw bytes and whose properties are given. */
  static byte[] connectWithWill(String clientId, String willTopic, byte[] willPayload, byte[] willProperties) {
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    tail.writeBytes(BadPackets.varInt(willProperties.length));
    tail.writeBytes(willProperties);
    RawClient.writeString(tail, willTopic);
    tail.write(willPayload.length >> 8);
    tail.write(willPayload.length & 0xFF);
    tail.writeBytes(willPayload);
    return BadPackets.connectWithTail(5, clientId, 0x02 | 0x04, tail.toByteArray());
  }

  /** MQTT 5 PUBLISH with raw payload bytes. */
  static byte[] publish(String topic, int qos, int packetId, byte[] payload, byte[]... properties) {
    return BadPackets.publishV5(topic, qos, packetId, concat(properties), payload);
  }

  /** AUTH with a reason code, an Authentication Method and (when not null) Authentication Data. */
  static byte[] auth(int reasonCode, String method, byte[] data) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(reasonCode);
    byte[] props = concat(stringProperty(PROP_AUTHENTICATION_METHOD, method),
        data == null ? new byte[0] : binaryProperty(PROP_AUTHENTICATION_DATA, data));
    body.writeBytes(BadPackets.varInt(props.length));
    body.writeBytes(props);
    return RawClient.packet(0xF0, body.toByteArray());
  }

  static byte[] byteProperty(int id, int value) {
    return new byte[] {(byte) id, (byte) value};
  }

  static byte[] twoByteProperty(int id, int value) {
    return BadPackets.twoByteProperty(id, value);
  }

  static byte[] stringProperty(int id, String value) {
    return BadPackets.stringProperty(id, value);
  }

  static byte[] binaryProperty(int id, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(id);
    out.write(value.length >> 8);
    out.write(value.length & 0xFF);
    out.writeBytes(value);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      if (p != null) {
        out.writeBytes(p);
      }
    }
    return out.toByteArray();
  }

  /** An AUTH packet as the broker sent it. */
  record Auth(int reasonCode, String method, String data, boolean hasReasonString) {
  }

  static Auth parseAuth(byte[] packet) {
    if (RawClient.type(packet) != AUTH) {
      throw new AssertionError("expected AUTH but got packet type " + RawClient.type(packet));
    }
    int off = BadPackets.bodyOffset(packet);
    if (off == packet.length) {
      return new Auth(0, null, null, false);
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(packet, off, packet.length - off));
    try {
      int reason = in.readUnsignedByte();
      int length = varInt(in);
      int end = in.available() - length;
      String method = null;
      String data = null;
      boolean reasonString = false;
      while (in.available() > end) {
        int id = in.readUnsignedByte();
        byte[] value = in.readNBytes(in.readUnsignedShort());
        switch (id) {
          case PROP_AUTHENTICATION_METHOD -> method = new String(value, StandardCharsets.UTF_8);
          case PROP_AUTHENTICATION_DATA -> data = new String(value, StandardCharsets.UTF_8);
          case PROP_REASON_STRING -> reasonString = true;
          default -> throw new AssertionError("unexpected AUTH property " + id);
        }
      }
      return new Auth(reason, method, data, reasonString);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes of the property section of an acknowledgement (PUBACK ... PUBCOMP): empty when it has none. */
  static int ackPropertyLength(byte[] packet) {
    int off = BadPackets.bodyOffset(packet) + 3; // packet id, reason code
    return off >= packet.length ? 0 : packet[off] & 0xFF;
  }

  /** Whether an MQTT 5 DISCONNECT carries a Reason String property. */
  static boolean disconnectHasReasonString(byte[] packet) {
    int off = BadPackets.bodyOffset(packet);
    if (packet.length <= off + 1 || packet[off + 1] == 0) {
      return false; // short form, or no properties
    }
    int i = off + 1;
    while ((packet[i] & 0x80) != 0) {
      i++;
    }
    for (i = i + 1; i < packet.length; ) {
      int id = packet[i] & 0xFF;
      if (id == PROP_REASON_STRING) {
        return true;
      }
      int length = ((packet[i + 1] & 0xFF) << 8) | (packet[i + 2] & 0xFF); // string-valued properties only
      i += 3 + length;
    }
    return false;
  }

  private static int varInt(DataInputStream in) throws IOException {
    int value = 0;
    int multiplier = 1;
    int b;
    do {
      b = in.readUnsignedByte();
      value += (b & 0x7F) * multiplier;
      multiplier *= 128;
    } while ((b & 0x80) != 0);
    return value;
  }
}
