package io.vela.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.AttributeKey;
import io.vela.api.Message;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our PUBLISH encoding is byte for byte what Netty's MqttEncoder writes, and QoS 0 packets are shared. */
class PublishEncodingTest {

  private static final AttributeKey<io.netty.handler.codec.mqtt.MqttVersion> VERSION =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

  @ParameterizedTest(name = "v5={0} qos={1} dup={2} retain={3} payload={4} bytes topic={5}")
  @CsvSource({
      "false, 0, false, false, 64, a/b",
      "false, 1, false, true, 64, sensors/ü/温度",
      "false, 2, true, false, 0, x",
      "true, 0, false, true, 64, a/b",
      "true, 1, true, false, 200, long/topic/with/levels",
      "true, 2, false, false, 1024, big",
      "false, 1, false, false, 300000, big/wrapped",
  })
  void sameBytesAsNettysEncoder(boolean v5, int qos, boolean dup, boolean retain, int payloadSize, String topic) {
    byte[] payload = new byte[payloadSize];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    int packetId = qos == 0 ? 0 : 4711;
    ByteBuf ours = PublishEncoding.encode(ByteBufAllocator.DEFAULT, topic, payload, qos, dup, retain, packetId, v5);
    try {
      assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(netty(v5, topic, payload, qos, dup, retain, packetId));
      if (payloadSize >= PublishEncoding.WRAP_THRESHOLD) {
        assertThat(ours.nioBufferCount()).as("large payload wrapped, not copied").isEqualTo(2);
      }
    } finally {
      ours.release();
    }
  }

  @Test
  @DisplayName("QoS 0: subscribers of the same message get duplicates of one buffer; the next message replaces it")
  void qos0IsSharedPerMessage() {
    Message m = Message.of("t/1", new byte[] {1, 2, 3}, 0, false, "pub");
    ByteBuf a = PublishEncoding.sharedQos0(ByteBufAllocator.DEFAULT, m, false, false);
    ByteBuf b = PublishEncoding.sharedQos0(ByteBufAllocator.DEFAULT, m, false, false);
    assertThat(a.unwrap()).isSameAs(b.unwrap());
    assertThat(ByteBufUtil.getBytes(a)).isEqualTo(netty(false, "t/1", new byte[] {1, 2, 3}, 0, false, false, 0));
    // reading one duplicate does not move the other
    a.skipBytes(a.readableBytes());
    assertThat(b.readableBytes()).isEqualTo(1 + 1 + 2 + 3 + 3);
    ByteBuf retained = PublishEncoding.sharedQos0(ByteBufAllocator.DEFAULT, m, true, false);
    assertThat(retained.getByte(0) & 0x01).as("RETAIN flag").isEqualTo(1);
    Message other = Message.of("t/2", new byte[] {9}, 0, false, "pub");
    ByteBuf c = PublishEncoding.sharedQos0(ByteBufAllocator.DEFAULT, other, false, false);
    assertThat(Arrays.copyOfRange(ByteBufUtil.getBytes(c), 4, 7)).containsExactly('t', '/', '2');
    // the earlier packets stay valid while their writes hold them
    assertThat(ByteBufUtil.getBytes(b)).isEqualTo(netty(false, "t/1", new byte[] {1, 2, 3}, 0, false, false, 0));
    a.release();
    b.release();
    retained.release();
    c.release();
  }

  private static byte[] netty(boolean v5, String topic, byte[] payload, int qos, boolean dup, boolean retain,
                              int packetId) {
    EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
    ch.attr(VERSION).set(v5 ? io.netty.handler.codec.mqtt.MqttVersion.MQTT_5
        : io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1);
    ch.writeOutbound(new MqttPublishMessage(
        new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
        new MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId, MqttProperties.NO_PROPERTIES),
        Unpooled.wrappedBuffer(payload)));
    ByteBuf encoded = ch.readOutbound();
    byte[] bytes = ByteBufUtil.getBytes(encoded);
    encoded.release();
    ch.finishAndReleaseAll();
    return bytes;
  }
}
