package io.vela.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw WebSocket client (the JDK's) for frame-level tests: sends hand-made MQTT bytes in the frames a test chooses
 * and reads whole MQTT packets back from the binary frames received, whatever their boundaries. Every wait is
 * bounded.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(5);

  private final WebSocket ws;
  private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private byte[] pending = new byte[0];

  private WsClient(URI uri, Map<String, String> headers, String... subprotocols) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
    headers.forEach(builder::header);
    if (subprotocols.length > 0) {
      builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    this.ws = builder.buildAsync(uri, this).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Connects to ws://127.0.0.1:port/mqtt offering "mqtt". */
  static WsClient open(int port) {
    return new WsClient(URI.create("ws://127.0.0.1:" + port + "/mqtt"), Map.of(), "mqtt");
  }

  /** Connects, or fails with the CompletionException holding the handshake failure. */
  static WsClient open(URI uri, Map<String, String> headers, String... subprotocols) {
    return new WsClient(uri, headers, subprotocols);
  }

  String subprotocol() {
    return ws.getSubprotocol();
  }

  /** Sends one binary frame; {@code last=false} leaves the message open for continuation frames. */
  WsClient sendFrame(byte[] bytes, boolean last) {
    ws.sendBinary(ByteBuffer.wrap(bytes), last).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    return this;
  }

  /** Sends {@code bytes} as one complete binary message. */
  WsClient send(byte[] bytes) {
    return sendFrame(bytes, true);
  }

  WsClient sendText(String text) {
    ws.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    return this;
  }

  /** The next whole MQTT packet; throws if none arrives within {@link #WAIT} or the connection closes. */
  byte[] readPacket() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      int length = packetLength(pending);
      if (length > 0 && pending.length >= length) {
        byte[] packet = java.util.Arrays.copyOf(pending, length);
        pending = java.util.Arrays.copyOfRange(pending, length, pending.length);
        return packet;
      }
      long left = deadline - System.nanoTime();
      byte[] chunk = left <= 0 ? null : chunks.poll(left, TimeUnit.NANOSECONDS);
      if (chunk == null) {
        throw new IOException(closed.isDone() ? "connection closed (" + closed.join() + ")" : "no packet in time");
      }
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      joined.writeBytes(pending);
      joined.writeBytes(chunk);
      pending = joined.toByteArray();
    }
  }

  /** The close status code the server sent (or -1 for an abrupt close), once closed within {@link #WAIT}. */
  int closeCode() {
    // a copy: orTimeout on the shared future would leave it failed for every later call
    return closed.copy().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** True if the connection closes within {@link #WAIT}. */
  boolean closedWithin() {
    try {
      closeCode();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Total length of the packet at the start of {@code b}, or 0 while its header is incomplete. */
  private static int packetLength(byte[] b) {
    int length = 0;
    int multiplier = 1;
    for (int i = 1; i < b.length && i <= 4; i++) {
      length += (b[i] & 0x7F) * multiplier;
      if ((b[i] & 0x80) == 0) {
        return 1 + i + length;
      }
      multiplier *= 128;
    }
    return 0;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    chunks.add(bytes);
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    ws.abort();
  }
}
