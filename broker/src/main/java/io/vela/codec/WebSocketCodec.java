package io.vela.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over WebSocket (MQTT 5 chapter 6, RFC 6455) in a Vert.x socket's pipeline: an HTTP upgrade checked by
 * {@link Gate} (path, Upgrade header, Origin, subprotocol; a clear 4xx otherwise), Netty's WebSocket handshake,
 * framing, ping/pong and close handling, optional permessage-deflate, and {@link Frames} turning binary and
 * continuation frames into the byte stream {@link NettyMqttChannel}'s decoder reads (so packets may be split across
 * frames or share one), and outbound bytes into binary frames. When the upgrade is done a {@link WebSocketOpened}
 * event reaches the socket's event handler; the caller then installs the MQTT codec.
 */
public final class WebSocketCodec {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketCodec.class);

  private static final String HTTP = "vela-ws-http";
  private static final String AGGREGATOR = "vela-ws-aggregator";
  private static final String COMPRESSION = "vela-ws-deflate";
  private static final String GATE = "vela-ws-gate";
  private static final String PROTOCOL = "vela-ws-protocol";
  private static final String FRAMES = "vela-ws-frames";

  /** A handshake request carries no body; this bounds what the aggregator buffers. */
  static final int MAX_REQUEST_BODY = 8192;

  /** How long the broker waits for the client's Close after sending its own before it closes TCP anyway. */
  public static final long CLOSE_HANDSHAKE_TIMEOUT_MILLIS = 5000;

  private static final AttributeKey<WebSocketOpened> CLIENT = AttributeKey.valueOf("vela.ws.client");
  /** Set on a channel whose peer went silent (keep-alive expired): no waiting for its Close on the way out. */
  private static final AttributeKey<Boolean> PEER_SILENT = AttributeKey.valueOf("vela.ws.peer-silent");

  /**
   * The peer of {@code channel} stopped talking (its keep-alive expired): when the connection is closed, a Close frame
   * is still sent but TCP is closed at once, without waiting for an answer that will not come (so its will is not
   * held back by the close handshake's timeout). No effect on a connection that is not a WebSocket.
   */
  static void peerSilent(io.netty.channel.Channel channel) {
    channel.attr(PEER_SILENT).set(Boolean.TRUE);
  }

  private WebSocketCodec() {
  }

  /** Installs the upgrade and framing handlers on a freshly accepted socket. */
  public static void install(ConnectionEnd socket, WebSocketOptions options) {
    ChannelPipeline pipeline = socket.channel().pipeline();
    pipeline.addBefore(ConnectionEnd.NAME, HTTP, new HttpServerCodec());
    pipeline.addBefore(ConnectionEnd.NAME, AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST_BODY));
    if (options.compression()) {
      pipeline.addBefore(ConnectionEnd.NAME, COMPRESSION, new WebSocketServerCompressionHandler(options.maxFramePayload()));
    }
    pipeline.addBefore(ConnectionEnd.NAME, GATE, new Gate(options));
    WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(options.path())
        .checkStartsWith(true) // the gate has matched the path exactly; this lets a query string through
        .subprotocols(String.join(",", WebSocketOptions.SUBPROTOCOLS))
        .handshakeTimeoutMillis(options.handshakeTimeoutMillis())
        .handleCloseFrames(false) // Frames runs the close handshake (RFC 6455 7.1.1)
        .dropPongFrames(true)
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(options.maxFramePayload())
            .allowExtensions(options.compression()) // RSV1 marks a compressed message
            .expectMaskedFrames(true) // RFC 6455 5.1: a client masks every frame
            .closeOnProtocolViolation(true)
            .build())
        .build();
    pipeline.addBefore(ConnectionEnd.NAME, PROTOCOL, new WebSocketServerProtocolHandler(config));
    pipeline.addBefore(ConnectionEnd.NAME, FRAMES, new Frames());
  }

  /**
   * Checks the upgrade request before Netty's handshaker sees it, answering anything that is not an acceptable MQTT
   * WebSocket upgrade with a 4xx and closing; the accepted request goes on with only the chosen subprotocol, so that
   * is the one echoed.
   */
  static final class Gate extends ChannelInboundHandlerAdapter {
    private final WebSocketOptions options;
    private ScheduledFuture<?> timeout;

    Gate(WebSocketOptions options) {
      this.options = options;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timeout = ctx.executor().schedule(() -> {
        LOG.info("address={} no WebSocket upgrade request within {} ms, closing", peer(ctx),
            options.handshakeTimeoutMillis());
        ctx.close();
      }, options.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest req)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        String subprotocol = check(ctx, req);
        if (subprotocol == null) {
          return;
        }
        req.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocol);
        ctx.channel().attr(CLIENT).set(client(ctx, req, subprotocol));
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(req.retain());
      } finally {
        req.release();
      }
    }

    /** The subprotocol to echo, or null once the request has been refused. */
    private String check(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.decoderResult().isFailure()) {
        return refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + req.decoderResult().cause());
      }
      if (!HttpMethod.GET.equals(req.method())) {
        return refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + req.method() + " (only GET upgrades)");
      }
      String path = new QueryStringDecoder(req.uri()).path();
      if (!path.equals(options.path())) {
        return refuse(ctx, HttpResponseStatus.NOT_FOUND, "path " + path + " (MQTT over WebSocket is at "
            + options.path() + ")");
      }
      if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
          || !req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
        return refuse(ctx, HttpResponseStatus.UPGRADE_REQUIRED, "no WebSocket upgrade (this port speaks MQTT over "
            + "WebSocket at " + options.path() + ")");
      }
      String origin = req.headers().get(HttpHeaderNames.ORIGIN);
      if (origin != null && !options.allowedOrigins().isEmpty()
          && options.allowedOrigins().stream().noneMatch(origin::equalsIgnoreCase)) {
        return refuse(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " not allowed");
      }
      String offered = String.join(",", req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
      String chosen = chooseSubprotocol(offered);
      if (chosen == null) {
        return refuse(ctx, HttpResponseStatus.BAD_REQUEST, (offered.isBlank() ? "no subprotocol offered"
            : "subprotocol(s) " + offered + " not supported") + " (offer mqtt [MQTT-6.0.0-3])");
      }
      return chosen;
    }

    private String refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
      LOG.info("address={} WebSocket upgrade refused with {}: {}", peer(ctx), status.code(),
          why);
      ByteBuf body = Unpooled.copiedBuffer(status + ": " + why + "\n", StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
        response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return null;
    }

    private WebSocketOpened client(ChannelHandlerContext ctx, FullHttpRequest req, String subprotocol) {
      InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
      String peerHost = peer == null ? "unknown" : peer.getAddress().getHostAddress();
      String peerAddress = peer == null ? "unknown" : peerHost + ":" + peer.getPort();
      if (peer != null && options.trustedProxy().test(peer.getAddress())) {
        String forwarded = forwardedClient(req.headers().getAll("X-Forwarded-For"),
            req.headers().get("X-Real-IP"));
        if (forwarded != null) {
          LOG.debug("address={} client address {} forwarded by trusted proxy", forwarded, peerAddress);
          return new WebSocketOpened(forwarded, forwarded, true, subprotocol);
        }
      }
      return new WebSocketOpened(peerHost, peerAddress, false, subprotocol);
    }

    /**
     * The client behind the trusted proxies: the right-most X-Forwarded-For entry that is not itself a trusted proxy
     * (entries further left could be written by the client), else X-Real-IP; null when neither holds an address.
     */
    String forwardedClient(java.util.List<String> xForwardedFor, String xRealIp) {
      String[] hops = String.join(",", xForwardedFor).split(",");
      String leftMost = null;
      for (int i = hops.length - 1; i >= 0; i--) {
        InetAddress hop = literal(hops[i]);
        if (hop == null) {
          break; // an unparseable hop: do not believe anything left of it
        }
        leftMost = hop.getHostAddress();
        if (!options.trustedProxy().test(hop)) {
          return leftMost;
        }
      }
      if (leftMost != null) {
        return leftMost;
      }
      InetAddress real = xRealIp == null ? null : literal(xRealIp);
      return real == null ? null : real.getHostAddress();
    }
  }

  /** The TCP peer as host:port, like the addresses of TCP clients in the logs. */
  static String peer(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(ctx.channel().remoteAddress());
  }

  /** An IPv4 or IPv6 literal (brackets allowed), never resolving a host name; null otherwise. */
  static InetAddress literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || !t.matches("[0-9a-fA-F:.]+") || (!t.contains(":") && !t.matches("\\d+(\\.\\d+){3}"))) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * After the upgrade: WebSocket data frames in, the MQTT byte stream out, and back. Text frames break
   * [MQTT-6.0.0-1]: the connection is closed with 1003.
   *
   * <p>The close handshake (RFC 6455 5.5.1, 7.1.1): when the broker closes the connection (DISCONNECT, takeover,
   * a violation) it sends a Close frame and closes TCP once the client's Close has arrived, or after
   * {@link #CLOSE_HANDSHAKE_TIMEOUT_MILLIS}; a client's Close is answered with the same code and TCP closed after it.
   * (Netty's handler closes TCP as soon as its own Close is written, so a browser's answering Close met a closed
   * socket and the page saw {@code wasClean} true or false depending on timing.)
   */
  static final class Frames extends ChannelDuplexHandler {
    private boolean opened;
    /** A Close has been sent: the handshake is under way, data frames from the client are no longer read. */
    private boolean closing;
    private boolean closeReceived;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof CloseWebSocketFrame close) {
        closeReceived = true;
        if (closing) {
          close.release();
          ctx.close(); // both Close frames have been exchanged: the server closes TCP first
        } else {
          closing = true;
          ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE); // the client's own code, echoed
        }
      } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
        if (closing) {
          ReferenceCountUtil.release(msg);
          return;
        }
        // continuation frames only follow a binary frame here: a text message is refused at its first frame
        ctx.fireChannelRead(((WebSocketFrame) msg).content());
      } else if (msg instanceof WebSocketFrame frame) {
        frame.release();
        if (!closing) {
          LOG.info("address={} {} received: MQTT needs binary frames [MQTT-6.0.0-1], closing with 1003",
              address(ctx), frame.getClass().getSimpleName());
          sendClose(ctx, new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
              "MQTT needs binary frames"));
        }
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
        this.opened = true;
        WebSocketOpened opened = ctx.channel().attr(CLIENT).get();
        LOG.debug("address={} WebSocket open (subprotocol {})", opened.clientAddress(), done.selectedSubprotocol());
        ctx.fireUserEventTriggered(opened);
      } else if (evt instanceof WebSocketServerProtocolHandler.ServerHandshakeStateEvent) {
        return; // HandshakeComplete above says it; a timeout closes the channel itself
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        ctx.write(new BinaryWebSocketFrame(buf), promise);
      } else {
        ctx.write(msg, promise); // an empty buffer (a flush before close) is no empty binary frame
      }
    }

    /** The broker closes: a Close frame first, TCP when the client's Close arrives or the handshake times out. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (!opened || closeReceived || !ctx.channel().isActive()) {
        ctx.close(promise);
        return;
      }
      if (Boolean.TRUE.equals(ctx.channel().attr(PEER_SILENT).get())) {
        if (closing) {
          ctx.close(promise);
        } else {
          closing = true;
          ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
              .addListener(f -> ctx.close(promise));
        }
        return;
      }
      ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
      if (!closing) {
        sendClose(ctx, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
      }
    }

    private void sendClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
      closing = true;
      ctx.writeAndFlush(close).addListener(f -> {
        if (!f.isSuccess()) {
          ctx.close();
        }
      });
      ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
        LOG.debug("address={} no Close frame in answer within {} ms, closing", address(ctx),
            CLOSE_HANDSHAKE_TIMEOUT_MILLIS);
        ctx.close();
      }, CLOSE_HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      ctx.channel().closeFuture().addListener(f -> timeout.cancel(false));
    }

    private static String address(ChannelHandlerContext ctx) {
      WebSocketOpened opened = ctx.channel().attr(CLIENT).get();
      return opened == null ? peer(ctx) : opened.clientAddress();
    }
  }

  /**
   * The subprotocol to echo from the comma-separated names a client offered: "mqtt" whenever offered
   * [MQTT-6.0.0-4], else the first accepted legacy name or alias; null when none is acceptable.
   */
  static String chooseSubprotocol(String offered) {
    java.util.List<String> names = java.util.Arrays.stream(offered.split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    if (names.contains("mqtt")) {
      return "mqtt"; // [MQTT-6.0.0-4] the server returns "mqtt" when offered
    }
    return names.stream().filter(WebSocketOptions.SUBPROTOCOLS::contains).findFirst().orElse(null);
  }
}
