package io.vela.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Finds SUBSCRIBE packets whose Subscription Options have reserved bits set, which Netty's decoder silently drops:
 * bits 6-7 in MQTT 5 [MQTT-3.8.3-5], bits 2-7 in MQTT 3.1.1 [MQTT-3.8.3-4 of 3.1.1]. It sits in front of the decoder,
 * follows the packet framing of the byte stream (fixed header and Remaining Length of every packet), copies only the
 * bodies of SUBSCRIBE packets and the first bytes of CONNECT (for the protocol level), and passes every buffer on
 * unchanged. {@link NettyMqttChannel} asks {@link #malformed(long)} for each SUBSCRIBE the decoder hands it, by its
 * ordinal on the connection.
 *
 * <p>Anything it cannot follow (a Remaining Length over four bytes, a SUBSCRIBE larger than the decoder allows) the
 * decoder refuses on its own; the check then stops looking, so it never makes a packet the decoder accepts fail for a
 * reason of its own.
 */
final class SubscribeOptionsCheck extends ChannelInboundHandlerAdapter {

  private static final int CONNECT = 1;
  private static final int SUBSCRIBE = 8;
  /** CONNECT: protocol name length (2), "MQTT" (4) or "MQIsdp" (6), then the level: 9 bytes cover both. */
  private static final int CONNECT_PREFIX = 9;

  private final int maxPacketSize;
  private boolean off;

  // framing state
  private int type = -1;
  private int remaining;
  private int lengthShift;
  private boolean lengthDone;
  private long skip;
  private byte[] body;
  private int bodyFill;
  private int bodyWanted;
  private int bodyLength;

  private int level = -1;
  private long subscribes;
  private long firstMalformed = -1;

  SubscribeOptionsCheck(int maxPacketSize) {
    this.maxPacketSize = maxPacketSize;
  }

  /** Whether the {@code ordinal}-th SUBSCRIBE of the connection (counting from 1) has reserved option bits set. */
  boolean malformed(long ordinal) {
    return ordinal == firstMalformed;
  }

  /** The protocol level the connection's CONNECT carried (4 = 3.1.1, 5 = MQTT 5), -1 before it was seen. */
  int level() {
    return level;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!off && msg instanceof ByteBuf buf) {
      try {
        scan(buf, buf.readerIndex(), buf.writerIndex());
      } catch (RuntimeException e) {
        off = true; // never in the way of the decoder
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void scan(ByteBuf buf, int from, int to) {
    int i = from;
    while (i < to && !off) {
      if (skip > 0) {
        int n = (int) Math.min(skip, to - i);
        skip -= n;
        i += n;
        if (skip == 0) {
          type = -1;
        }
      } else if (body != null) {
        int n = Math.min(bodyWanted - bodyFill, to - i);
        buf.getBytes(i, body, bodyFill, n);
        bodyFill += n;
        i += n;
        if (bodyFill == bodyWanted) {
          bodyComplete();
        }
      } else if (type < 0) {
        type = (buf.getUnsignedByte(i++) >> 4) & 0x0F;
        remaining = 0;
        lengthShift = 0;
        lengthDone = false;
      } else if (!lengthDone) {
        int b = buf.getUnsignedByte(i++);
        remaining |= (b & 0x7F) << lengthShift;
        lengthShift += 7;
        if ((b & 0x80) == 0) {
          lengthDone = true;
          startBody();
        } else if (lengthShift >= 28) {
          off = true; // more than four length bytes: the decoder refuses it
        }
      }
    }
  }

  private void startBody() {
    if (type == SUBSCRIBE && remaining <= maxPacketSize && remaining > 0) {
      collect(remaining, remaining);
    } else if (type == CONNECT && level < 0 && remaining > 0) {
      collect(Math.min(CONNECT_PREFIX, remaining), remaining);
    } else {
      skipBody(remaining);
    }
  }

  private void collect(int wanted, int length) {
    body = new byte[wanted];
    bodyFill = 0;
    bodyWanted = wanted;
    bodyLength = length;
  }

  private void skipBody(long n) {
    if (n == 0) {
      type = -1;
    } else {
      skip = n;
    }
  }

  private void bodyComplete() {
    byte[] b = body;
    body = null;
    if (type == CONNECT) {
      int nameLength = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
      if (2 + nameLength < b.length) {
        level = b[2 + nameLength] & 0xFF;
      }
    } else {
      subscribes++;
      if (firstMalformed < 0 && reservedBitsSet(b, level == 5)) {
        firstMalformed = subscribes;
      }
    }
    skipBody(bodyLength - b.length);
  }

  /** Walks a SUBSCRIBE body: packet id, MQTT 5 properties, then (topic filter, options byte) pairs. */
  static boolean reservedBitsSet(byte[] b, boolean v5) {
    int p = 2;
    if (v5) {
      int length = 0;
      int shift = 0;
      while (true) {
        if (p >= b.length || shift > 21) {
          return false; // malformed otherwise: the decoder's business
        }
        int x = b[p++] & 0xFF;
        length |= (x & 0x7F) << shift;
        shift += 7;
        if ((x & 0x80) == 0) {
          break;
        }
      }
      p += length;
    }
    int reserved = v5 ? 0xC0 : 0xFC;
    while (p + 2 < b.length) {
      int topicLength = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
      p += 2 + topicLength;
      if (p >= b.length) {
        return false;
      }
      if ((b[p++] & reserved) != 0) {
        return true;
      }
    }
    return false;
  }
}
