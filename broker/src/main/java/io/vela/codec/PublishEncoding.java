package io.vela.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.vela.api.Message;

/**
 * Encodes outbound PUBLISH packets that carry no MQTT 5 properties (every MQTT 3.x PUBLISH, and MQTT 5 ones without
 * properties, subscription identifiers or topic alias) without Netty's MqttEncoder, which copies the payload into a
 * new buffer per subscriber:
 * <ul>
 *   <li>small payloads are copied once into the packet buffer (cheaper than a composite for a few bytes);</li>
 *   <li>payloads of {@link #WRAP_THRESHOLD} bytes or more are not copied: header buffer + the shared payload
 *       array wrapped, as one composite buffer (one gathering write);</li>
 *   <li>a QoS 0 packet is identical for every subscriber of a message: it is encoded once per event loop and each
 *       subscriber gets a retained duplicate of the same buffer ({@link #sharedQos0}).</li>
 * </ul>
 */
final class PublishEncoding {

  /** Payloads at least this large are wrapped, not copied. */
  static final int WRAP_THRESHOLD = 1024;

  /** The last QoS 0 packet encoded on this thread, per protocol flavour (0 = MQTT 3.x, 1 = MQTT 5). */
  private static final FastThreadLocal<Shared[]> SHARED = new FastThreadLocal<>() {
    @Override
    protected Shared[] initialValue() {
      return new Shared[] {new Shared(), new Shared()};
    }
  };

  private PublishEncoding() {
  }

  /**
   * The QoS 0 PUBLISH of {@code message} with {@code retain}, for a subscriber that needs no properties: a retained
   * duplicate of a buffer shared by every such subscriber on this event loop (the caller's write releases it).
   */
  static ByteBuf sharedQos0(ByteBufAllocator alloc, Message message, boolean retain, boolean v5) {
    Shared s = SHARED.get()[v5 ? 1 : 0];
    if (s.message != message || s.retain != retain || s.buf == null) {
      if (s.buf != null) {
        s.buf.release();
      }
      s.buf = encode(alloc, message.topic(), message.payload(), 0, false, retain, 0, v5);
      s.message = message;
      s.retain = retain;
    }
    return s.buf.retainedDuplicate();
  }

  /** One PUBLISH without properties (MQTT 5: property length 0). */
  static ByteBuf encode(ByteBufAllocator alloc, String topic, byte[] payload, int qos, boolean dup, boolean retain,
                        int packetId, boolean v5) {
    int topicBytes = ByteBufUtil.utf8Bytes(topic);
    int variableHeader = 2 + topicBytes + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0);
    int remaining = variableHeader + payload.length;
    int headerLength = 1 + Properties.variableByteIntegerLength(remaining) + variableHeader;
    boolean wrap = payload.length >= WRAP_THRESHOLD;
    ByteBuf head = alloc.buffer(headerLength + (wrap ? 0 : payload.length));
    head.writeByte(0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0));
    writeVariableByteInteger(head, remaining);
    head.writeShort(topicBytes);
    ByteBufUtil.reserveAndWriteUtf8(head, topic, topicBytes);
    if (qos > 0) {
      head.writeShort(packetId);
    }
    if (v5) {
      head.writeByte(0); // no properties
    }
    if (!wrap) {
      head.writeBytes(payload);
      return head;
    }
    CompositeByteBuf packet = alloc.compositeBuffer(2);
    packet.addComponents(true, head, Unpooled.wrappedBuffer(payload));
    return packet;
  }

  private static void writeVariableByteInteger(ByteBuf buf, int value) {
    do {
      int digit = value % 128;
      value /= 128;
      if (value > 0) {
        digit |= 0x80;
      }
      buf.writeByte(digit);
    } while (value > 0);
  }

  private static final class Shared {
    Message message;
    boolean retain;
    ByteBuf buf;
  }
}
