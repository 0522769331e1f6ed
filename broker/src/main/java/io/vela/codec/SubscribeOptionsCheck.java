package io.vela.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Finds SUBSCRIBE packets whose Subscription Options have reserved bits set, which Netty's decoder silently drops:
 * bits 6-7 in MQTT 5 [MQTT-3.8.3-5], bits 2-7 in MQTT 3.1.1 [MQTT-3.8.3-4 of 3.1.1]. It sits in front of the decoder,
 * follows the packet framing of the byte stream (fixed header and Remaining Length of every packet), walks SUBSCRIBE
 * bodies and the first bytes of CONNECT (for the protocol level) byte by byte as they arrive, skips everything else,
 * copies nothing and passes every buffer on unchanged. {@link NettyMqttChannel} asks {@link #malformed(long)} for each
 * SUBSCRIBE the decoder hands it, by its ordinal on the connection.
 *
 * <p>Anything it cannot follow (a Remaining Length over four bytes, a body that does not add up) the decoder refuses on
 * its own; the check then stops looking or lets the packet be, so it never makes a packet the decoder accepts fail
 * for a reason of its own.
 */
final class SubscribeOptionsCheck extends ChannelInboundHandlerAdapter {

  private static final int CONNECT = 1;
  private static final int SUBSCRIBE = 8;

  // where the walk through the current packet stands
  private static final int FIXED_HEADER = 0;
  private static final int REMAINING_LENGTH = 1;
  private static final int SKIP = 2;
  /** CONNECT: the two bytes of the protocol name's length. */
  private static final int CONNECT_NAME_LENGTH = 3;
  /** CONNECT: the protocol name, then the level byte. */
  private static final int CONNECT_NAME = 4;
  private static final int CONNECT_LEVEL = 5;
  /** SUBSCRIBE: packet identifier, properties (MQTT 5), then (filter length, filter, options) entries. */
  private static final int SUB_PACKET_ID = 6;
  private static final int SUB_PROPERTIES_LENGTH = 7;
  private static final int SUB_PROPERTIES = 8;
  private static final int SUB_FILTER_LENGTH = 9;
  private static final int SUB_FILTER = 10;
  private static final int SUB_OPTIONS = 11;

  private boolean off;
  private int state = FIXED_HEADER;
  private int type;
  /** Bytes of the current packet's body not consumed yet. */
  private int remaining;
  private int lengthShift;
  /** Bytes to skip in the current state (SKIP, CONNECT_NAME, SUB_PROPERTIES, SUB_FILTER), or bytes still to read. */
  private int count;
  private int value;

  private int level = -1;
  private long subscribes;
  private long firstMalformed = -1;

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
    try {
      if (!off && msg instanceof ByteBuf buf) {
        scan(buf, buf.readerIndex(), buf.writerIndex());
      }
    } catch (RuntimeException e) {
      off = true; // never in the way of the decoder
    } finally {
      ctx.fireChannelRead(msg);
    }
  }

  private void scan(ByteBuf buf, int from, int to) {
    int i = from;
    while (i < to && !off) {
      switch (state) {
        case FIXED_HEADER -> {
          type = (buf.getUnsignedByte(i++) >> 4) & 0x0F;
          remaining = 0;
          lengthShift = 0;
          state = REMAINING_LENGTH;
        }
        case REMAINING_LENGTH -> {
          int b = buf.getUnsignedByte(i++);
          remaining |= (b & 0x7F) << lengthShift;
          lengthShift += 7;
          if ((b & 0x80) == 0) {
            startBody();
          } else if (lengthShift >= 28) {
            off = true; // more than four length bytes: the decoder refuses it
          }
        }
        case SKIP, CONNECT_NAME, SUB_PROPERTIES, SUB_FILTER -> {
          int n = Math.min(Math.min(count, remaining), to - i);
          i += n;
          count -= n;
          remaining -= n;
          if (remaining == 0) {
            state = FIXED_HEADER;
          } else if (count == 0) {
            switch (state) {
              case CONNECT_NAME -> state = CONNECT_LEVEL;
              case SUB_PROPERTIES -> startFilter();
              case SUB_FILTER -> state = SUB_OPTIONS;
              default -> state = FIXED_HEADER; // SKIP ends with the packet
            }
          }
        }
        default -> {
          int b = buf.getUnsignedByte(i++);
          remaining--;
          fieldByte(b);
          if (remaining == 0) {
            state = FIXED_HEADER;
          }
        }
      }
    }
  }

  private void startBody() {
    if (type == SUBSCRIBE) {
      subscribes++; // every one the decoder may hand on, so the ordinals agree
    }
    if (remaining == 0) {
      state = FIXED_HEADER;
    } else if (type == SUBSCRIBE) {
      state = SUB_PACKET_ID;
      count = 2;
    } else if (type == CONNECT && level < 0) {
      state = CONNECT_NAME_LENGTH;
      count = 2;
      value = 0;
    } else {
      skipRest();
    }
  }

  private void skipRest() {
    state = SKIP;
    count = remaining;
  }

  /** One byte of a field the walk reads (not skips); {@code remaining} already counts it. */
  private void fieldByte(int b) {
    switch (state) {
      case CONNECT_NAME_LENGTH -> twoByteLength(b, CONNECT_NAME, CONNECT_LEVEL);
      case CONNECT_LEVEL -> {
        level = b;
        skipRest();
      }
      case SUB_PACKET_ID -> {
        if (--count == 0) {
          if (level == 5) {
            state = SUB_PROPERTIES_LENGTH;
            value = 0;
            lengthShift = 0;
          } else {
            startFilter();
          }
        }
      }
      case SUB_PROPERTIES_LENGTH -> {
        value |= (b & 0x7F) << lengthShift;
        lengthShift += 7;
        if ((b & 0x80) == 0) {
          state = SUB_PROPERTIES;
          count = value;
          if (count == 0) {
            startFilter();
          }
        } else if (lengthShift >= 28) {
          skipRest(); // malformed: the decoder's business
        }
      }
      case SUB_FILTER_LENGTH -> twoByteLength(b, SUB_FILTER, SUB_OPTIONS);
      case SUB_OPTIONS -> {
        int reserved = level == 5 ? 0xC0 : 0xFC;
        if ((b & reserved) != 0 && firstMalformed < 0) {
          firstMalformed = subscribes;
        }
        startFilter();
      }
      default -> skipRest();
    }
  }

  /** A byte of a two-byte length; once both are in, {@code run} skips that many bytes and {@code after} follows. */
  private void twoByteLength(int b, int run, int after) {
    value = (value << 8) | b;
    if (--count == 0) {
      count = value;
      state = count == 0 ? after : run;
    }
  }

  private void startFilter() {
    state = SUB_FILTER_LENGTH;
    count = 2;
    value = 0;
  }
}
