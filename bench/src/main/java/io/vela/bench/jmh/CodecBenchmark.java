package io.vela.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Netty's MQTT codec (the one Vela's {@code NettyMqttChannel} installs) on a 64-byte QoS 1 PUBLISH to a
 * 21-character topic: encode (as Vela does per subscriber today) and decode, each through an
 * {@link EmbeddedChannel}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  private static final String TOPIC = "sensors/0042/temp/raw";

  private EmbeddedChannel encoder;
  private EmbeddedChannel decoder;
  private ByteBuf payload;
  private ByteBuf encoded;

  @Setup(Level.Trial)
  public void setUp() {
    encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    decoder = new EmbeddedChannel(new MqttDecoder(1024 * 1024));
    payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(64).writeZero(64));
    encoder.writeOutbound(publish());
    encoded = Unpooled.unreleasableBuffer(encoder.readOutbound());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    encoder.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
  }

  private MqttPublishMessage publish() {
    return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
        new MqttPublishVariableHeader(TOPIC, 4711), payload.duplicate());
  }

  @Benchmark
  public int encodePublish() {
    encoder.writeOutbound(publish());
    ByteBuf out = encoder.readOutbound();
    int n = out.readableBytes();
    out.release();
    return n;
  }

  @Benchmark
  public int decodePublish() {
    decoder.writeInbound(encoded.duplicate());
    MqttPublishMessage m = decoder.readInbound();
    int n = m.variableHeader().packetId();
    ReferenceCountUtil.release(m);
    return n;
  }
}
