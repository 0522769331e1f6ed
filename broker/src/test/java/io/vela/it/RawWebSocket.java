package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for the close handshake (RFC 6455 5.5.1, 7.1): unlike the JDK's client it
 * answers nothing on its own, so a test decides when (and whether) its Close frame goes out and can see when the
 * server closes TCP. Frames it sends are masked; every read is bounded by the socket timeout.
 */
final class RawWebSocket implements AutoCloseable {

  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;

  /** One frame from the server (the server never masks). */
  record Frame(int opcode, byte[] payload) {
    /** The status code of a Close frame, or -1 when it has none. */
    int closeCode() {
      return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Upgrades a connection to ws://127.0.0.1:port/mqtt offering "mqtt". */
  static RawWebSocket open(int port, Duration timeout) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout((int) timeout.toMillis());
    RawWebSocket ws = new RawWebSocket(s);
    ws.out.write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    assertThat(readHead(ws.in).toLowerCase()).startsWith("http/1.1 101");
    return ws;
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("closed during the upgrade: " + head);
      }
      head.append((char) c);
    }
    return head.toString();
  }

  RawWebSocket sendBinary(byte[] payload) throws IOException {
    return send(BINARY, payload);
  }

  /** Sends a Close frame with {@code code} (and no reason). */
  RawWebSocket sendClose(int code) throws IOException {
    return send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  private RawWebSocket send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xFF);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
    return this;
  }

  /** The next frame; EOFException if the server closes TCP first. */
  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new Frame(b0 & 0x0F, payload);
  }

  /**
   * Whether the server closes TCP (end of stream) within {@code window}, with nothing sent before it. False when the
   * connection is still open at the end of the window; a frame arriving instead is an error.
   */
  boolean tcpClosedWithin(Duration window) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout((int) window.toMillis());
    try {
      int b = in.read();
      if (b >= 0) {
        throw new IOException("expected the end of the connection, got another frame (first byte " + b + ")");
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
