package io.vela.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw TCP client for protocol-violation tests: writes hand-made bytes and reads whole MQTT packets back. Reads are
 * bounded by a socket timeout, so a test can never hang.
 */
public final class RawClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawClient(String host, int port) throws IOException {
    this(new Socket(host, port));
  }

  /** Over a socket the caller opened (e.g. a TLS one). */
  public RawClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(5000);
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one whole packet (fixed header included); throws on timeout or end of stream. */
  public byte[] readPacket() throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new IOException("connection closed by broker");
    }
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(first);
    int length = 0;
    int multiplier = 1;
    int b;
    do {
      b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside a packet header");
      }
      packet.write(b);
      length += (b & 0x7F) * multiplier;
      multiplier *= 128;
    } while ((b & 0x80) != 0);
    packet.write(in.readNBytes(length));
    return packet.toByteArray();
  }

  /** True if the broker closes the connection within {@code within} (packets still in flight are skipped). */
  public boolean closedWithin(Duration within) throws IOException {
    return readToEnd(within) != End.TIMEOUT; // a reset counts as closed
  }

  /**
   * Reads (and skips) until the end of the stream: true if the broker ended it normally (FIN) within
   * {@code within}, false on a reset (which would have thrown away unread packets) or a timeout.
   */
  public boolean endsNormallyWithin(Duration within) throws IOException {
    return readToEnd(within) == End.NORMAL;
  }

  private enum End { NORMAL, RESET, TIMEOUT }

  private End readToEnd(Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    try {
      byte[] buf = new byte[256];
      while (true) {
        if (in.read(buf) < 0) {
          return End.NORMAL;
        }
      }
    } catch (SocketTimeoutException e) {
      return End.TIMEOUT;
    } catch (IOException e) {
      return End.RESET;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // ------------------------------------------------------------- packet builders (only what the tests need)

  /** CONNECT for protocol level 3 (MQIsdp), 4 (MQTT 3.1.1) or 5, clean start, no will, no credentials. */
  public static byte[] connect(int level, String clientId, int keepAlive) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, level == 3 ? "MQIsdp" : "MQTT");
    body.write(level);
    body.write(0x02); // clean session
    body.write(keepAlive >> 8);
    body.write(keepAlive & 0xFF);
    if (level == 5) {
      body.write(0); // no properties
    }
    writeString(body, clientId);
    return packet(0x10, body.toByteArray());
  }

  /** PUBLISH with the given QoS (packet id used when qos > 0) and no properties (v5 adds an empty property set). */
  public static byte[] publish(int level, String topic, int qos, int packetId, boolean dup, byte[] payload) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeString(body, topic);
    if (qos > 0) {
      body.write(packetId >> 8);
      body.write(packetId & 0xFF);
    }
    if (level == 5) {
      body.write(0);
    }
    body.writeBytes(payload);
    int flags = (dup ? 0x08 : 0) | (qos << 1);
    return packet(0x30 | flags, body.toByteArray());
  }

  public static byte[] packet(int firstByte, byte[] body) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(firstByte);
    int len = body.length;
    do {
      int digit = len % 128;
      len /= 128;
      if (len > 0) {
        digit |= 0x80;
      }
      p.write(digit);
    } while (len > 0);
    p.writeBytes(body);
    return p.toByteArray();
  }

  public static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length & 0xFF);
    out.writeBytes(b);
  }

  /** Packet type (upper nibble of the first byte). */
  public static int type(byte[] packet) {
    return (packet[0] & 0xF0) >> 4;
  }
}
