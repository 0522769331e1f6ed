package io.vela.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-made MQTT packets for {@link RawClient}, for the cases a well-behaved client library cannot produce
 * (resending a QoS 2 PUBLISH before PUBREL, holding back acknowledgements, DISCONNECT with properties, ...), and
 * parsers for what the broker sends back. Levels: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.
 */
final class RawPackets {

  static final int CONNACK = 2;
  static final int PUBLISH = 3;
  static final int PUBACK = 4;
  static final int PUBREC = 5;
  static final int PUBREL = 6;
  static final int PUBCOMP = 7;
  static final int SUBACK = 9;
  static final int UNSUBACK = 11;
  static final int DISCONNECT = 14;

  /** MQTT 5 property identifiers used here. */
  static final int PROP_PAYLOAD_FORMAT = 0x01;
  static final int PROP_MESSAGE_EXPIRY = 0x02;
  static final int PROP_SUBSCRIPTION_ID = 0x0B;
  static final int PROP_SESSION_EXPIRY = 0x11;
  static final int PROP_WILL_DELAY = 0x18;
  static final int PROP_RECEIVE_MAXIMUM = 0x21;
  static final int PROP_MAXIMUM_PACKET_SIZE = 0x27;

  private RawPackets() {
  }

  // ------------------------------------------------------------------ builders

  static ConnectBuilder connect(int level, String clientId) {
    return new ConnectBuilder(level, clientId);
  }

  /** CONNECT with every option a test may want; defaults: clean start, keep-alive 60, no will, no properties. */
  static final class ConnectBuilder {
    private final int level;
    private final String clientId;
    private boolean cleanStart = true;
    private int keepAlive = 60;
    private Long sessionExpiry;
    private Integer receiveMaximum;
    private Long maximumPacketSize;
    private String willTopic;
    private byte[] willPayload;
    private int willQos;
    private boolean willRetain;
    private Long willDelay;

    private ConnectBuilder(int level, String clientId) {
      this.level = level;
      this.clientId = clientId;
    }

    ConnectBuilder cleanStart(boolean clean) {
      this.cleanStart = clean;
      return this;
    }

    ConnectBuilder keepAlive(int seconds) {
      this.keepAlive = seconds;
      return this;
    }

    ConnectBuilder sessionExpiry(long seconds) {
      this.sessionExpiry = seconds;
      return this;
    }

    ConnectBuilder receiveMaximum(int max) {
      this.receiveMaximum = max;
      return this;
    }

    ConnectBuilder maximumPacketSize(long bytes) {
      this.maximumPacketSize = bytes;
      return this;
    }

    ConnectBuilder will(String topic, String payload, int qos, boolean retain) {
      this.willTopic = topic;
      this.willPayload = payload.getBytes(StandardCharsets.UTF_8);
      this.willQos = qos;
      this.willRetain = retain;
      return this;
    }

    /** MQTT 5 Will Delay Interval. */
    ConnectBuilder willDelay(long seconds) {
      this.willDelay = seconds;
      return this;
    }

    byte[] build() {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writeString(body, level == 3 ? "MQIsdp" : "MQTT");
      body.write(level);
      int flags = cleanStart ? 0x02 : 0;
      if (willTopic != null) {
        flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
      }
      body.write(flags);
      body.write(keepAlive >> 8);
      body.write(keepAlive & 0xFF);
      if (level == 5) {
        ByteArrayOutputStream props = new ByteArrayOutputStream();
        if (sessionExpiry != null) {
          props.write(PROP_SESSION_EXPIRY);
          writeInt(props, sessionExpiry);
        }
        if (receiveMaximum != null) {
          props.write(PROP_RECEIVE_MAXIMUM);
          props.write(receiveMaximum >> 8);
          props.write(receiveMaximum & 0xFF);
        }
        if (maximumPacketSize != null) {
          props.write(PROP_MAXIMUM_PACKET_SIZE);
          writeInt(props, maximumPacketSize);
        }
        writeProperties(body, props.toByteArray());
      }
      writeString(body, clientId);
      if (willTopic != null) {
        if (level == 5) {
          ByteArrayOutputStream willProps = new ByteArrayOutputStream();
          if (willDelay != null) {
            willProps.write(PROP_WILL_DELAY);
            writeInt(willProps, willDelay);
          }
          writeProperties(body, willProps.toByteArray());
        }
        writeString(body, willTopic);
        body.write(willPayload.length >> 8);
        body.write(willPayload.length & 0xFF);
        body.writeBytes(willPayload);
      }
      return RawClient.packet(0x10, body.toByteArray());
    }
  }

  /**
   * SUBSCRIBE with one or more filters, each with its options byte (bits 0-1 QoS, bit 2 No Local, bit 3 Retain As
   * Published, bits 4-5 Retain Handling).
   *
   * @param subscriptionId MQTT 5 Subscription Identifier, 0 for none
   */
  static byte[] subscribe(int level, int packetId, int subscriptionId, Map<String, Integer> filtersAndOptions) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId & 0xFF);
    if (level == 5) {
      ByteArrayOutputStream props = new ByteArrayOutputStream();
      if (subscriptionId > 0) {
        props.write(PROP_SUBSCRIPTION_ID);
        writeVarInt(props, subscriptionId);
      }
      writeProperties(body, props.toByteArray());
    }
    filtersAndOptions.forEach((filter, options) -> {
      writeString(body, filter);
      body.write(options);
    });
    return RawClient.packet(0x82, body.toByteArray());
  }

  static byte[] subscribe(int level, int packetId, String filter, int qos) {
    return subscribe(level, packetId, 0, Map.of(filter, qos));
  }

  static byte[] unsubscribe(int level, int packetId, String... filters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId & 0xFF);
    if (level == 5) {
      body.write(0);
    }
    for (String f : filters) {
      writeString(body, f);
    }
    return RawClient.packet(0xA2, body.toByteArray());
  }

  static byte[] publish(int level, String topic, int qos, int packetId, boolean dup, boolean retain, String payload) {
    byte[] p = RawClient.publish(level, topic, qos, packetId, dup, payload.getBytes(StandardCharsets.UTF_8));
    if (retain) {
      p[0] |= 0x01;
    }
    return p;
  }

  /** MQTT 5 PUBLISH with hand-made property bytes (see {@link #userProperty}, {@link #subscriptionIdProperty}). */
  static byte[] publishV5(String topic, int qos, int packetId, byte[] properties, String payload) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, topic);
    if (qos > 0) {
      body.write(packetId >> 8);
      body.write(packetId & 0xFF);
    }
    writeProperties(body, properties);
    body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
    return RawClient.packet(0x30 | (qos << 1), body.toByteArray());
  }

  static byte[] userProperty(String name, String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x26);
    writeString(out, name);
    writeString(out, value);
    return out.toByteArray();
  }

  static byte[] subscriptionIdProperty(int id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(PROP_SUBSCRIPTION_ID);
    writeVarInt(out, id);
    return out.toByteArray();
  }

  /** PUBACK / PUBREC / PUBREL / PUBCOMP in the short form (reason code 0x00 implied), valid for every level. */
  static byte[] pubAck(int packetId) {
    return ack(0x40, packetId);
  }

  static byte[] pubRec(int packetId) {
    return ack(0x50, packetId);
  }

  /** MQTT 5 PUBACK / PUBREC with a reason code (first byte 0x40 or 0x50). */
  static byte[] ackWithReason(int firstByte, int packetId, int reasonCode) {
    return new byte[] {(byte) firstByte, 3, (byte) (packetId >> 8), (byte) (packetId & 0xFF), (byte) reasonCode};
  }

  static byte[] pubRel(int packetId) {
    return ack(0x62, packetId);
  }

  static byte[] pubComp(int packetId) {
    return ack(0x70, packetId);
  }

  private static byte[] ack(int firstByte, int packetId) {
    return new byte[] {(byte) firstByte, 2, (byte) (packetId >> 8), (byte) (packetId & 0xFF)};
  }

  /** DISCONNECT without a variable header (MQTT 3.x, or MQTT 5 normal disconnection). */
  static byte[] disconnect() {
    return new byte[] {(byte) 0xE0, 0};
  }

  /** MQTT 5 DISCONNECT with a reason code and, when not null, a Session Expiry Interval property. */
  static byte[] disconnect(int reasonCode, Long sessionExpiry) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(reasonCode);
    ByteArrayOutputStream props = new ByteArrayOutputStream();
    if (sessionExpiry != null) {
      props.write(PROP_SESSION_EXPIRY);
      writeInt(props, sessionExpiry);
    }
    writeProperties(body, props.toByteArray());
    return RawClient.packet(0xE0, body.toByteArray());
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    RawClient.writeString(out, s);
  }

  private static void writeInt(ByteArrayOutputStream out, long v) {
    out.write((int) (v >> 24) & 0xFF);
    out.write((int) (v >> 16) & 0xFF);
    out.write((int) (v >> 8) & 0xFF);
    out.write((int) v & 0xFF);
  }

  private static void writeVarInt(ByteArrayOutputStream out, int value) {
    int v = value;
    do {
      int digit = v % 128;
      v /= 128;
      if (v > 0) {
        digit |= 0x80;
      }
      out.write(digit);
    } while (v > 0);
  }

  private static void writeProperties(ByteArrayOutputStream out, byte[] props) {
    writeVarInt(out, props.length);
    out.writeBytes(props);
  }

  // ------------------------------------------------------------------ parsers

  /** One MQTT 5 property as sent: id and value (Integer, Long, String, byte[] or String[2]). */
  record Property(int id, Object value) {
  }

  record ConnAck(boolean sessionPresent, int reasonCode, List<Property> properties) {
    Object property(int id) {
      return properties.stream().filter(p -> p.id() == id).map(Property::value).findFirst().orElse(null);
    }
  }

  record Publish(String topic, int qos, boolean dup, boolean retain, int packetId, String payload,
                 List<Property> properties) {
    List<Integer> subscriptionIds() {
      return properties.stream().filter(p -> p.id() == PROP_SUBSCRIPTION_ID).map(p -> (Integer) p.value()).toList();
    }
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP; reasonCode is 0 when the packet has the short form. */
  record Ack(int type, int packetId, int reasonCode) {
  }

  /** SUBACK return/reason codes, or UNSUBACK reason codes (empty for MQTT 3.x UNSUBACK). */
  record SubAck(int type, int packetId, List<Integer> codes) {
  }

  static ConnAck connAck(byte[] packet, int level) {
    expectType(packet, CONNACK);
    Reader r = new Reader(packet);
    boolean present = (r.u8() & 0x01) != 0;
    int code = r.u8();
    List<Property> props = level == 5 ? r.properties() : List.of();
    return new ConnAck(present, code, props);
  }

  static Publish publish(byte[] packet, int level) {
    expectType(packet, PUBLISH);
    int flags = packet[0] & 0x0F;
    int qos = (flags >> 1) & 0x03;
    Reader r = new Reader(packet);
    String topic = r.string();
    int id = qos > 0 ? r.u16() : 0;
    List<Property> props = level == 5 ? r.properties() : List.of();
    String payload = new String(r.rest(), StandardCharsets.UTF_8);
    return new Publish(topic, qos, (flags & 0x08) != 0, (flags & 0x01) != 0, id, payload, props);
  }

  static Ack ack(byte[] packet) {
    int type = RawClient.type(packet);
    if (type < PUBACK || type > PUBCOMP) {
      throw new AssertionError("expected PUBACK/PUBREC/PUBREL/PUBCOMP but got packet type " + type);
    }
    Reader r = new Reader(packet);
    int id = r.u16();
    int code = r.remaining() > 0 ? r.u8() : 0;
    return new Ack(type, id, code);
  }

  static SubAck subAck(byte[] packet, int level) {
    int type = RawClient.type(packet);
    if (type != SUBACK && type != UNSUBACK) {
      throw new AssertionError("expected SUBACK/UNSUBACK but got packet type " + type);
    }
    Reader r = new Reader(packet);
    int id = r.u16();
    if (level == 5) {
      r.properties();
    }
    List<Integer> codes = new ArrayList<>();
    while (r.remaining() > 0) {
      codes.add(r.u8());
    }
    return new SubAck(type, id, codes);
  }

  /** The reason code of a DISCONNECT (0 for the short form). */
  static int disconnectReason(byte[] packet) {
    expectType(packet, DISCONNECT);
    Reader r = new Reader(packet);
    return r.remaining() > 0 ? r.u8() : 0;
  }

  private static void expectType(byte[] packet, int type) {
    if (RawClient.type(packet) != type) {
      throw new AssertionError("expected packet type " + type + " but got " + RawClient.type(packet));
    }
  }

  /** Reads the variable header and payload of one packet (the fixed header is skipped on construction). */
  private static final class Reader {
    private final DataInputStream in;

    Reader(byte[] packet) {
      int i = 1;
      while ((packet[i] & 0x80) != 0) {
        i++;
      }
      i++;
      in = new DataInputStream(new ByteArrayInputStream(packet, i, packet.length - i));
    }

    int remaining() {
      try {
        return in.available();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    int u8() {
      try {
        return in.readUnsignedByte();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    int u16() {
      return (u8() << 8) | u8();
    }

    long u32() {
      return ((long) u16() << 16) | u16();
    }

    int varInt() {
      int value = 0;
      int multiplier = 1;
      int b;
      do {
        b = u8();
        value += (b & 0x7F) * multiplier;
        multiplier *= 128;
      } while ((b & 0x80) != 0);
      return value;
    }

    byte[] bytes(int n) {
      try {
        return in.readNBytes(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String string() {
      return new String(bytes(u16()), StandardCharsets.UTF_8);
    }

    byte[] rest() {
      return bytes(remaining());
    }

    List<Property> properties() {
      int length = varInt();
      int end = remaining() - length;
      List<Property> out = new ArrayList<>();
      while (remaining() > end) {
        int id = varInt();
        Object value = switch (id) {
          case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> u8();
          case 0x13, 0x21, 0x22, 0x23 -> u16();
          case 0x02, 0x11, 0x18, 0x27 -> u32();
          case 0x0B -> varInt();
          case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> string();
          case 0x09, 0x16 -> bytes(u16());
          case 0x26 -> new String[] {string(), string()};
          default -> throw new AssertionError("unknown property id " + id);
        };
        out.add(new Property(id, value));
      }
      return out;
    }
  }
}
