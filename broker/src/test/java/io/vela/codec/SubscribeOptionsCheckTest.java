package io.vela.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vela.it.RawClient;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscribeOptionsCheckTest {

  @Test
  @DisplayName("[MQTT-3.8.3-5] finds reserved bits 6-7 in an MQTT 5 SUBSCRIBE wherever the stream is split, and "
      + "passes every byte on unchanged")
  void mqtt5ReservedBitsFoundAcrossEverySplit() {
    byte[] stream = concat(connect(5), publish(200), subscribe(5, 0x01, 0x02), pingReq(), subscribe(5, 0x01, 0x42),
        subscribe(5, 0x80));
    for (int split = 1; split < stream.length; split++) {
      Result r = feed(stream, split, 977);
      assertThat(r.forwarded).as("split at %d", split).isEqualTo(stream);
      assertThat(r.check.level()).isEqualTo(5);
      assertThat(r.check.malformed(1)).as("first SUBSCRIBE, split at %d", split).isFalse();
      assertThat(r.check.malformed(2)).as("second SUBSCRIBE (0x42), split at %d", split).isTrue();
      // only the first malformed one matters: the connection is closed there
      assertThat(r.check.malformed(3)).isFalse();
    }
  }

  @Test
  @DisplayName("[MQTT-3.8.3-4] (3.1.1) bits 2-7 of the requested QoS byte are reserved")
  void mqtt311ReservedBits() {
    for (int options : new int[] {0x04, 0x08, 0x10, 0x20, 0x40, 0x80}) {
      Result r = feed(concat(connect(4), subscribe(4, 0x00, options)), 3, 5);
      assertThat(r.check.malformed(1)).as("options 0x%02x", options).isTrue();
    }
    Result ok = feed(concat(connect(4), subscribe(4, 0x00, 0x01, 0x02)), 1, 1);
    assertThat(ok.check.level()).isEqualTo(4);
    assertThat(ok.check.malformed(1)).isFalse();
  }

  @Test
  @DisplayName("MQTT 5 options that are not reserved (No Local, Retain As Published, Retain Handling) pass")
  void mqtt5ValidOptionsPass() {
    Result r = feed(concat(connect(5), subscribe(5, 0x2E, 0x0D, 0x1E)), 7, 11);
    assertThat(r.check.malformed(1)).isFalse();
  }

  @Test
  @DisplayName("garbage it cannot frame (a Remaining Length over four bytes) switches the check off, bytes still "
      + "pass unchanged")
  void garbageTurnsTheCheckOff() {
    byte[] stream = concat(connect(5), new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        0x01}, subscribe(5, 0x40));
    Result r = feed(stream, 2, 3);
    assertThat(r.forwarded).isEqualTo(stream);
    assertThat(r.check.malformed(1)).isFalse();
  }

  @Test
  @DisplayName("a SUBSCRIBE whose body does not add up (a filter length running past the packet, a topic with no "
      + "options byte) is left to the decoder, and the packets after it are still followed")
  void bodiesThatDoNotAddUpAreNotFlagged() {
    // v5: no properties, filter length 9 with 2 bytes left
    byte[] runsPast = RawClient.packet(0x82, new byte[] {0, 1, 0, 0, 9, 'a', 'b'});
    byte[] noOptions = RawClient.packet(0x82, new byte[] {0, 2, 0, 0, 1, 'a'});
    Result r = feed(concat(connect(5), runsPast, noOptions, subscribe(5, 0x40)), 1, 2);
    assertThat(r.check.malformed(1)).isFalse();
    assertThat(r.check.malformed(2)).isFalse();
    assertThat(r.check.malformed(3)).as("the third, well-framed one").isTrue();
  }

  @Test
  @DisplayName("a SUBSCRIBE header announcing a huge body costs nothing before the bytes arrive (nothing is copied)")
  void hugeAnnouncedBodyAllocatesNothing() {
    SubscribeOptionsCheck check = new SubscribeOptionsCheck();
    EmbeddedChannel channel = new EmbeddedChannel(check);
    long before = allocatedBytes();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}));
    assertThat(allocatedBytes() - before).as("bytes allocated by the check").isLessThan(64 * 1024);
    channel.finishAndReleaseAll();
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private record Result(SubscribeOptionsCheck check, byte[] forwarded) {
  }

  /** Feeds {@code stream} in chunks alternating between {@code a} and {@code b} bytes. */
  private static Result feed(byte[] stream, int a, int b) {
    SubscribeOptionsCheck check = new SubscribeOptionsCheck();
    EmbeddedChannel channel = new EmbeddedChannel(check);
    int i = 0;
    boolean first = true;
    while (i < stream.length) {
      int n = Math.min(first ? a : b, stream.length - i);
      first = !first;
      channel.writeInbound(Unpooled.wrappedBuffer(stream, i, n));
      i += n;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf buf;
    while ((buf = channel.readInbound()) != null) {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      out.writeBytes(bytes);
      buf.release();
    }
    channel.finishAndReleaseAll();
    return new Result(check, out.toByteArray());
  }

  private static byte[] connect(int level) {
    return RawClient.connect(level, "check", 30);
  }

  /** An MQTT 5 QoS 0 PUBLISH; a payload over 127 bytes makes its Remaining Length two bytes long. */
  private static byte[] publish(int payloadSize) {
    return RawClient.publish(5, "t", 0, 0, false, new byte[payloadSize]);
  }

  private static byte[] subscribe(int level, int... options) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0);
    body.write(1);
    if (level == 5) {
      body.write(2); // properties: Subscription Identifier 7
      body.write(0x0B);
      body.write(7);
    }
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < options.length; i++) {
      topics.add("a/" + i + "/#");
      RawClient.writeString(body, topics.get(i));
      body.write(options[i]);
    }
    return RawClient.packet(0x82, body.toByteArray());
  }

  private static byte[] pingReq() {
    return new byte[] {(byte) 0xC0, 0};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
