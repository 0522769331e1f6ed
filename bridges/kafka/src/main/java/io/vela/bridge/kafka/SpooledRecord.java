package io.vela.bridge.kafka;

import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The bytes of one Kafka record in the {@link Spool}: topic, key, headers, value. */
final class SpooledRecord {

  private SpooledRecord() {
  }

  static byte[] encode(KafkaProducerRecord<byte[], byte[]> r) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (r.value() == null ? 0 : r.value().length));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(r.topic());
      bytes(out, r.key());
      out.writeInt(r.headers().size());
      for (KafkaHeader h : r.headers()) {
        out.writeUTF(h.key());
        bytes(out, h.value() == null ? null : h.value().getBytes());
      }
      bytes(out, r.value());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KafkaProducerRecord<byte[], byte[]> decode(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      String topic = in.readUTF();
      byte[] key = bytes(in);
      int n = in.readInt();
      List<KafkaHeader> headers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        byte[] v = bytes(in);
        headers.add(KafkaHeader.header(name, v == null ? null : Buffer.buffer(v)));
      }
      byte[] value = bytes(in);
      KafkaProducerRecord<byte[], byte[]> r = KafkaProducerRecord.create(topic, key, value);
      if (!headers.isEmpty()) {
        r.addHeaders(headers);
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt spooled record", e);
    }
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
