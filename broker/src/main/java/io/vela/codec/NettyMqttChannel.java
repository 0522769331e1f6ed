package io.vela.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vela.api.Message;
import io.vela.api.PublishProperties;
import io.vela.api.SubscriptionOptions;
import io.vela.protocol.ClientChannel;
import io.vela.protocol.ConnAck;
import io.vela.protocol.Connect;
import io.vela.protocol.MqttVersion;
import io.vela.protocol.PacketHandler;
import io.vela.protocol.ReasonCode;
import io.vela.protocol.TopicSubscription;
import io.vela.protocol.Will;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT adapter for any Vert.x socket: Netty's MQTT codec in the socket's pipeline (the same foundation
 * vertx-mqtt's server uses), translating packets to Vela's transport-neutral calls and back. Everything Netty- or
 * codec-specific stays in this package.
 */
public final class NettyMqttChannel implements ClientChannel, ConnectionEnd.Events {

  private static final Logger LOG = LoggerFactory.getLogger(NettyMqttChannel.class);

  private static final String DECODER = "vela-mqtt-decoder";
  private static final String ENCODER = "vela-mqtt-encoder";
  private static final String IDLE = "vela-keepalive";
  private static final String BYTES = "vela-bytes";
  private static final String WRITES = "vela-writes";
  private static final String SUBSCRIBE_CHECK = "vela-subscribe-check";

  static final int WRITE_LOW_WATER_MARK = 1024 * 1024;
  static final int WRITE_HIGH_WATER_MARK = 4 * 1024 * 1024;
  private static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(WRITE_LOW_WATER_MARK, WRITE_HIGH_WATER_MARK);

  /** Where Netty's MQTT codec keeps the protocol version of the last CONNECT it decoded on a channel. */
  private static final AttributeKey<io.netty.handler.codec.mqtt.MqttVersion> CODEC_VERSION =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

  /** Netty's decoder refuses wildcards in a PUBLISH topic with a DecoderException starting so. */
  private static final String NETTY_WILDCARD_TOPIC = "invalid publish topic name";

  private final ConnectionEnd socket;
  private final WriteBatcher out;
  private final Context context;
  private final String remoteAddress;
  private final int maxPacketSize;
  private final SubscribeOptionsCheck subscribeCheck;
  /** SUBSCRIBE packets decoded so far, to ask {@link #subscribeCheck} about each. */
  private long subscribes;
  private PacketHandler handler;
  private MqttVersion version = MqttVersion.V3_1_1;
  private boolean connectSeen;
  /** MQTT 5 Maximum Packet Size the client announced; 0 = no limit. */
  private long clientMaximumPacketSize;
  private final TopicAliases topicAliases = new TopicAliases();
  private boolean closed;

  private NettyMqttChannel(ConnectionEnd socket, WriteBatcher out, SubscribeOptionsCheck subscribeCheck,
                           Context context, int maxPacketSize, String remoteAddress) {
    this.socket = socket;
    this.subscribeCheck = subscribeCheck;
    this.out = out;
    this.context = context;
    this.maxPacketSize = maxPacketSize;
    this.remoteAddress = remoteAddress;
  }

  /**
   * Takes over a freshly accepted socket (see {@link ConnectionEnd#adopt}) and installs the MQTT codec on it.
   *
   * @param maxPacketSize largest packet accepted, in bytes
   * @param byteCounter   receives (bytesIn, bytesOut) deltas for metrics
   */
  public static NettyMqttChannel install(NetSocket socket, Context context, int maxPacketSize,
                                         int maxClientIdLength, ByteCounter byteCounter) {
    ConnectionEnd end = ConnectionEnd.adopt(socket, context);
    return install(end, context, maxPacketSize, maxClientIdLength, byteCounter, end.remoteAddress());
  }

  /**
   * Installs the MQTT codec, reporting the client as {@code remoteAddress} (a WebSocket client behind a trusted
   * proxy is known by its forwarded address). On a WebSocket socket this goes after the frame handlers, so the
   * decoder reads the byte stream the frames carry.
   */
  public static NettyMqttChannel install(ConnectionEnd socket, Context context, int maxPacketSize,
                                         int maxClientIdLength, ByteCounter byteCounter, String remoteAddress) {
    ChannelPipeline pipeline = socket.channel().pipeline();
    // a read burst is flushed once at its end: let a burst of writes queue up before the channel reports
    // unwritable, which is when QoS 0 messages for this client start being dropped
    socket.channel().config().setWriteBufferWaterMark(WATER_MARK);
    pipeline.addFirst(BYTES, new ByteCountingHandler(byteCounter));
    pipeline.addBefore(ConnectionEnd.NAME, ENCODER, MqttEncoder.INSTANCE);
    pipeline.addBefore(ConnectionEnd.NAME, DECODER, new MqttDecoder(maxPacketSize, maxClientIdLength));
    SubscribeOptionsCheck subscribeCheck = new SubscribeOptionsCheck();
    pipeline.addBefore(DECODER, SUBSCRIBE_CHECK, subscribeCheck);
    WriteBatcher out = new WriteBatcher(context);
    pipeline.addBefore(ConnectionEnd.NAME, WRITES, out);
    return new NettyMqttChannel(socket, out, subscribeCheck, context, maxPacketSize, remoteAddress);
  }

  /** Starts delivering decoded packets to {@code packetHandler}. */
  public void start(PacketHandler packetHandler) {
    this.handler = packetHandler;
    socket.events(this);
  }

  @Override
  public void onKeepAliveTimeout() {
    WebSocketCodec.peerSilent(socket.channel()); // a silent WebSocket peer is not waited for at close
    handler.onKeepAliveTimeout();
  }

  @Override
  public void onException(Throwable t) {
    handler.onProtocolViolation(ReasonCode.UNSPECIFIED_ERROR, "network error: " + t.getMessage());
  }

  @Override
  public void onClosed() {
    closed = true;
    handler.onClosed();
  }

  @Override
  public String peerCertificateName() {
    return PeerCertificates.name(socket.sslSession());
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void onMessage(Object msg) {
    try {
      if (!(msg instanceof MqttMessage m)) {
        return;
      }
      DecoderResult result = m.decoderResult();
      if (result.isFailure()) {
        onDecodeFailure(m, result.cause());
        return;
      }
      int size = packetSize(m.fixedHeader().remainingLength());
      if (size > maxPacketSize) {
        // the decoder only bounds the Remaining Length; Maximum Packet Size counts the whole packet (MQTT 5 2.1.4)
        handler.onProtocolViolation(ReasonCode.PACKET_TOO_LARGE, "packet of " + size + " bytes exceeds "
            + maxPacketSize);
        return;
      }
      dispatch(m);
    } catch (RuntimeException e) {
      // a bug of ours must not leave a half-handled connection behind: log it, count it, close it
      LOG.error("address={} internal error handling {}: {}", remoteAddress, ((MqttMessage) msg).fixedHeader(),
          e.toString(), e);
      handler.onProtocolViolation(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, "internal error");
      close();
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Size in bytes of a whole packet: fixed-header byte, Remaining Length varint, then the rest. */
  static int packetSize(int remainingLength) {
    return 1 + Properties.variableByteIntegerLength(remainingLength) + remainingLength;
  }

  private void onDecodeFailure(MqttMessage m, Throwable cause) {
    boolean connect = m.fixedHeader() != null && m.fixedHeader().messageType() == MqttMessageType.CONNECT;
    if (connect && connectSeen) {
      // whatever is wrong with it, a second CONNECT gets no CONNACK: it is a protocol violation [MQTT-3.1.0-2]
      socket.channel().attr(CODEC_VERSION).set(nettyVersion(version));
      handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, "second CONNECT [MQTT-3.1.0-2] (" + cause.getMessage()
          + ")");
    } else if (cause instanceof MqttUnacceptableProtocolVersionException) {
      // [MQTT-3.1.2-2]: CONNACK 0x01 (0x84 in MQTT 5 terms), then close
      writeConnAckAndClose(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      handler.onProtocolViolation(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, "unsupported protocol name or level");
    } else if (cause instanceof MqttIdentifierRejectedException) {
      writeConnAckAndClose(version == MqttVersion.V5
          ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
          : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
      handler.onProtocolViolation(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client identifier rejected");
    } else if (cause instanceof TooLongFrameException) {
      handler.onProtocolViolation(ReasonCode.PACKET_TOO_LARGE, String.valueOf(cause.getMessage()));
    } else if (m.fixedHeader() != null && m.fixedHeader().messageType() == MqttMessageType.PUBLISH
        && cause.getMessage() != null && cause.getMessage().startsWith(NETTY_WILDCARD_TOPIC)) {
      // well formed, but a topic name the protocol does not allow: Topic Name invalid, not Malformed [MQTT-3.3.2-2]
      handler.onProtocolViolation(ReasonCode.TOPIC_NAME_INVALID, cause.getMessage());
    } else {
      handler.onProtocolViolation(ReasonCode.MALFORMED_PACKET, String.valueOf(cause.getMessage()));
    }
  }

  private void writeConnAckAndClose(MqttConnectReturnCode code) {
    MqttConnAckMessage ack = new MqttConnAckMessage(
        new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttConnAckVariableHeader(code, false));
    out.writeAndFlush(ack).onComplete(ar -> socket.close());
  }

  private void dispatch(MqttMessage m) {
    MqttMessageType type = m.fixedHeader().messageType();
    switch (type) {
      case CONNECT -> onConnect((MqttConnectMessage) m);
      case PUBLISH -> onPublish((MqttPublishMessage) m);
      case PUBACK -> handler.onPubAck(messageId(m));
      case PUBREC -> handler.onPubRec(messageId(m), replyReason(m));
      case PUBREL -> handler.onPubRel(messageId(m));
      case PUBCOMP -> handler.onPubComp(messageId(m));
      case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
      case UNSUBSCRIBE -> {
        MqttUnsubscribeMessage u = (MqttUnsubscribeMessage) m;
        handler.onUnsubscribe(u.idAndPropertiesVariableHeader().messageId(), u.payload().topics());
      }
      case PINGREQ -> handler.onPing();
      case DISCONNECT -> onDisconnect(m);
      case AUTH -> onAuth(m);
      default -> handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, type + " is not sent by clients");
    }
  }

  private static int messageId(MqttMessage m) {
    return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
  }

  private static int replyReason(MqttMessage m) {
    return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r ? r.reasonCode() & 0xFF : 0;
  }

  private void onConnect(MqttConnectMessage m) {
    String contradiction = connectSeen ? null : contradictoryFlags(m.variableHeader());
    if (contradiction != null) {
      // a CONNECT that does not conform is not answered with a CONNACK [MQTT-3.1.4-1]
      handler.onProtocolViolation(ReasonCode.MALFORMED_PACKET, contradiction);
      return;
    }
    String forbidden = connectSeen ? null : forbiddenPropertyValue(m.variableHeader());
    if (forbidden != null) {
      handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, forbidden);
      return;
    }
    handler.onConnect(toConnect(m));
  }

  /** MQTT 5 CONNECT property values the spec (3.1.2.11) calls a Protocol Error; null when there is none. */
  private static String forbiddenPropertyValue(MqttConnectVariableHeader vh) {
    if (vh.version() != MqttVersion.V5.level() || vh.properties() == null) {
      return null;
    }
    MqttProperties props = vh.properties();
    Integer receiveMaximum = Properties.integer(props, MqttPropertyType.RECEIVE_MAXIMUM);
    if (receiveMaximum != null && receiveMaximum == 0) {
      return "Receive Maximum 0";
    }
    Integer maximumPacketSize = Properties.integer(props, MqttPropertyType.MAXIMUM_PACKET_SIZE);
    if (maximumPacketSize != null && maximumPacketSize == 0) {
      return "Maximum Packet Size 0";
    }
    for (MqttPropertyType flag : new MqttPropertyType[] {MqttPropertyType.REQUEST_PROBLEM_INFORMATION,
        MqttPropertyType.REQUEST_RESPONSE_INFORMATION}) {
      Integer v = Properties.integer(props, flag);
      if (v != null && v != 0 && v != 1) {
        return flag + " " + v + " (only 0 or 1)";
      }
    }
    return null;
  }

  /** The connect-flag rules Netty's decoder leaves to us; null when the flags are consistent. */
  private static String contradictoryFlags(MqttConnectVariableHeader vh) {
    if (!vh.isWillFlag() && (vh.willQos() != 0 || vh.isWillRetain())) {
      return "will QoS or will retain set without the will flag [MQTT-3.1.2-13] [MQTT-3.1.2-15]";
    }
    if (vh.isWillFlag() && vh.willQos() == 3) {
      return "will QoS 3 [MQTT-3.1.2-14]";
    }
    if (vh.version() < MqttVersion.V5.level() && vh.hasPassword() && !vh.hasUserName()) {
      return "password without user name [MQTT-3.1.2-22]";
    }
    return null;
  }

  private Connect toConnect(MqttConnectMessage m) {
    MqttConnectVariableHeader vh = m.variableHeader();
    MqttConnectPayload p = m.payload();
    MqttVersion claimed = MqttVersion.ofLevel(vh.version());
    boolean first = !connectSeen;
    if (!first) {
      // a second CONNECT (the handler refuses it) must not change the protocol we speak on this connection: Netty's
      // codec switched to the level it claims, switch it back so a DISCONNECT is still encoded for our version
      socket.channel().attr(CODEC_VERSION).set(nettyVersion(version));
    } else {
      connectSeen = true;
      version = claimed;
    }
    MqttProperties props = vh.properties() == null ? MqttProperties.NO_PROPERTIES : vh.properties();
    boolean v5 = claimed == MqttVersion.V5;
    Will will = null;
    if (vh.isWillFlag()) {
      MqttProperties wp = p.willProperties() == null ? MqttProperties.NO_PROPERTIES : p.willProperties();
      Long delay = v5 ? Properties.unsignedInt(wp, MqttPropertyType.WILL_DELAY_INTERVAL) : null;
      byte[] payload = p.willMessageInBytes() == null ? new byte[0] : p.willMessageInBytes();
      will = new Will(p.willTopic() == null ? "" : p.willTopic(), payload, vh.willQos(), vh.isWillRetain(),
          v5 ? Properties.publish(wp) : PublishProperties.NONE, delay == null ? 0 : delay);
    }
    Long expiry = v5 ? Properties.unsignedInt(props, MqttPropertyType.SESSION_EXPIRY_INTERVAL) : null;
    Integer receiveMax = v5 ? Properties.integer(props, MqttPropertyType.RECEIVE_MAXIMUM) : null;
    Long maxPacket = v5 ? Properties.unsignedInt(props, MqttPropertyType.MAXIMUM_PACKET_SIZE) : null;
    if (first && maxPacket != null) {
      clientMaximumPacketSize = maxPacket;
    }
    Integer aliasMax = v5 ? Properties.integer(props, MqttPropertyType.TOPIC_ALIAS_MAXIMUM) : null;
    Integer problemInfo = v5 ? Properties.integer(props, MqttPropertyType.REQUEST_PROBLEM_INFORMATION) : null;
    Integer responseInfo = v5 ? Properties.integer(props, MqttPropertyType.REQUEST_RESPONSE_INFORMATION) : null;
    return new Connect(claimed,
        p.clientIdentifier() == null ? "" : p.clientIdentifier(),
        vh.isCleanSession(),
        vh.keepAliveTimeSeconds(),
        vh.hasUserName() ? p.userName() : null,
        vh.hasPassword() ? p.passwordInBytes() : null,
        will,
        expiry == null ? 0 : expiry,
        receiveMax == null ? 65535 : receiveMax,
        maxPacket == null ? 0 : maxPacket,
        aliasMax == null ? 0 : aliasMax,
        problemInfo == null || problemInfo != 0,
        responseInfo != null && responseInfo != 0,
        v5 ? Properties.string(props, MqttPropertyType.AUTHENTICATION_METHOD) : null,
        v5 ? Properties.binary(props, MqttPropertyType.AUTHENTICATION_DATA) : null,
        v5 ? Properties.userProperties(props) : List.of());
  }

  private static io.netty.handler.codec.mqtt.MqttVersion nettyVersion(MqttVersion v) {
    return switch (v) {
      case V3_1 -> io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1;
      case V3_1_1 -> io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1;
      case V5 -> io.netty.handler.codec.mqtt.MqttVersion.MQTT_5;
    };
  }

  private void onPublish(MqttPublishMessage p) {
    MqttPublishVariableHeader vh = p.variableHeader();
    MqttProperties props = vh.properties();
    String topic = vh.topicName();
    if (version == MqttVersion.V5) {
      if (!Properties.isEmpty(props)
          && props.getProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()) != null) {
        handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, "subscription identifier in PUBLISH [MQTT-3.3.4-6]");
        return;
      }
      topic = resolveTopicAlias(topic, Properties.isEmpty(props) ? null
          : Properties.integer(props, MqttPropertyType.TOPIC_ALIAS));
      if (topic == null) {
        return;
      }
    }
    byte[] payload = ByteBufUtil.getBytes(p.payload());
    Message message = new Message(topic, payload, p.fixedHeader().qosLevel().value(),
        p.fixedHeader().isRetain(), version == MqttVersion.V5 ? Properties.publish(props) : PublishProperties.NONE,
        "", System.nanoTime());
    handler.onPublish(message, vh.packetId(), p.fixedHeader().isDup());
  }

  /**
   * The topic name of an MQTT 5 PUBLISH after its Topic Alias (MQTT 5 3.3.2.3.4): a topic with an alias sets the
   * mapping, an empty topic with an alias uses it. Null when the packet broke a rule (the handler has been told).
   */
  private String resolveTopicAlias(String topic, Integer alias) {
    if (alias == null) {
      if (topic.isEmpty()) {
        handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, "empty topic name without a Topic Alias (MQTT 5 "
            + "3.3.2.3.4)");
        return null;
      }
      return topic;
    }
    if (!topicAliases.validInbound(alias)) {
      handler.onProtocolViolation(ReasonCode.TOPIC_ALIAS_INVALID, "Topic Alias " + alias + " outside 1.."
          + topicAliases.inboundMaximum() + " [MQTT-3.3.2-8] [MQTT-3.3.2-9]");
      return null;
    }
    if (topic.isEmpty()) {
      String mapped = topicAliases.inboundTopic(alias);
      if (mapped == null) {
        handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, "Topic Alias " + alias + " used before it was set "
            + "on this connection (MQTT 5 3.3.2.3.4)");
      }
      return mapped;
    }
    topicAliases.mapInbound(alias, topic);
    return topic;
  }

  private void onAuth(MqttMessage m) {
    if (version != MqttVersion.V5) {
      handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, "AUTH is an MQTT 5 packet");
      return;
    }
    ReasonCode reason = ReasonCode.SUCCESS;
    MqttProperties props = MqttProperties.NO_PROPERTIES;
    if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
      reason = ReasonCode.of(vh.reasonCode() & 0xFF);
      if (vh.properties() != null) {
        props = vh.properties();
      }
    }
    handler.onAuth(reason, Properties.string(props, MqttPropertyType.AUTHENTICATION_METHOD),
        Properties.binary(props, MqttPropertyType.AUTHENTICATION_DATA));
  }

  private void onSubscribe(MqttSubscribeMessage s) {
    if (subscribeCheck.malformed(++subscribes)) {
      handler.onProtocolViolation(ReasonCode.MALFORMED_PACKET, version == MqttVersion.V5
          ? "reserved bits 6-7 set in SUBSCRIBE options [MQTT-3.8.3-5]"
          : "reserved bits set in SUBSCRIBE options [MQTT-3.8.3-4]");
      return;
    }
    MqttMessageIdAndPropertiesVariableHeader vh = s.idAndPropertiesVariableHeader();
    Integer subId = version == MqttVersion.V5 && vh.properties() != null
        ? Properties.integer(vh.properties(), MqttPropertyType.SUBSCRIPTION_IDENTIFIER) : null;
    if (subId != null && subId == 0) {
      handler.onProtocolViolation(ReasonCode.PROTOCOL_ERROR, "subscription identifier 0 [MQTT-3.8.2-?]");
      return;
    }
    List<TopicSubscription> subs = new ArrayList<>();
    for (MqttTopicSubscription ts : s.payload().topicSubscriptions()) {
      MqttSubscriptionOption o = ts.option();
      boolean v5 = version == MqttVersion.V5;
      if (!v5 && (o.isNoLocal() || o.isRetainAsPublished()
          || o.retainHandling() != MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)) {
        // Netty reads MQTT 5 option bits whatever the version; in 3.x bits 2-7 are reserved
        handler.onProtocolViolation(ReasonCode.MALFORMED_PACKET, "reserved bits set in SUBSCRIBE options "
            + "[MQTT-3.8.3-4]");
        return;
      }
      subs.add(new TopicSubscription(ts.topicName(), new SubscriptionOptions(o.qos().value(),
          v5 && o.isNoLocal(), v5 && o.isRetainAsPublished(), v5 ? o.retainHandling().value() : 0,
          subId == null ? 0 : subId)));
    }
    handler.onSubscribe(vh.messageId(), subs);
  }

  private void onDisconnect(MqttMessage m) {
    ReasonCode reason = ReasonCode.SUCCESS;
    Long expiry = null;
    if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
      reason = ReasonCode.of(vh.reasonCode() & 0xFF);
      if (vh.properties() != null) {
        expiry = Properties.unsignedInt(vh.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
      }
    }
    handler.onDisconnect(reason, expiry);
  }

  // ---------------------------------------------------------------- outbound

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remoteAddress() {
    return remoteAddress;
  }

  @Override
  public MqttVersion version() {
    return version;
  }

  @Override
  public void accept(ConnAck a) {
    MqttProperties props = MqttProperties.NO_PROPERTIES;
    if (version == MqttVersion.V5) {
      props = new MqttProperties();
      if (a.assignedClientId() != null) {
        props.add(new StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), a.assignedClientId()));
      }
      if (a.sessionExpiryInterval() != null) {
        props.add(new IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
            (int) a.sessionExpiryInterval().longValue()));
      }
      if (a.serverKeepAlive() != null) {
        props.add(new IntegerProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value(), a.serverKeepAlive()));
      }
      if (a.receiveMaximum() < 65535) {
        props.add(new IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), a.receiveMaximum()));
      }
      if (a.maximumPacketSize() > 0) {
        props.add(new IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), a.maximumPacketSize()));
      }
      if (a.maximumQos() < 2) {
        props.add(new IntegerProperty(MqttPropertyType.MAXIMUM_QOS.value(), a.maximumQos()));
      }
      if (!a.retainAvailable()) {
        props.add(new IntegerProperty(MqttPropertyType.RETAIN_AVAILABLE.value(), 0));
      }
      if (!a.wildcardSubscriptionAvailable()) {
        props.add(new IntegerProperty(MqttPropertyType.WILDCARD_SUBSCRIPTION_AVAILABLE.value(), 0));
      }
      if (!a.subscriptionIdentifiersAvailable()) {
        props.add(new IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE.value(), 0));
      }
      if (!a.sharedSubscriptionAvailable()) {
        props.add(new IntegerProperty(MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE.value(), 0));
      }
      if (a.topicAliasMaximum() > 0) {
        props.add(new IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), a.topicAliasMaximum()));
      }
      topicAliases.inboundMaximum(a.topicAliasMaximum());
      if (a.responseInformation() != null) {
        props.add(new StringProperty(MqttPropertyType.RESPONSE_INFORMATION.value(), a.responseInformation()));
      }
      if (a.authenticationMethod() != null) {
        props.add(new StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), a.authenticationMethod()));
        if (a.authenticationData() != null) {
          props.add(new BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), a.authenticationData()));
        }
      }
    }
    boolean sessionPresent = a.sessionPresent() && version != MqttVersion.V3_1;
    out.write(new MqttConnAckMessage(
        new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttConnAckVariableHeader(MqttConnectReturnCode.CONNECTION_ACCEPTED, sessionPresent, props)));
  }

  @Override
  public void refuse(ReasonCode reason) {
    byte code = (byte) (version == MqttVersion.V5 ? reason.value() : reason.v3ConnackReturnCode());
    writeConnAckAndClose(MqttConnectReturnCode.valueOf(code));
  }

  @Override
  public void redirect(ReasonCode reason, String serverReference) {
    MqttProperties props = new MqttProperties();
    props.add(new StringProperty(MqttPropertyType.SERVER_REFERENCE.value(), serverReference));
    MqttConnAckMessage ack = new MqttConnAckMessage(
        new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttConnAckVariableHeader(MqttConnectReturnCode.valueOf((byte) reason.value()), false, props));
    out.writeAndFlush(ack).onComplete(ar -> socket.close());
  }

  @Override
  public void outboundTopicAliasMaximum(int maximum) {
    topicAliases.outboundMaximum(version == MqttVersion.V5 ? maximum : 0);
  }

  @Override
  public void auth(ReasonCode reason, String method, byte[] data) {
    MqttProperties props = new MqttProperties();
    props.add(new StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), method));
    if (data != null) {
      props.add(new BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), data));
    }
    out.write(new MqttMessage(
        new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttReasonCodeAndPropertiesVariableHeader((byte) reason.value(), props)));
  }

  @Override
  public void publish(Message message, int qos, boolean dup, boolean retain, int packetId, int[] subscriptionIds) {
    MqttProperties props = MqttProperties.NO_PROPERTIES;
    String topic = message.topic();
    boolean v5 = version == MqttVersion.V5;
    if (!v5 || (message.properties().isEmpty() && subscriptionIds.length == 0
        && topicAliases.outboundAlias(topic) == 0)) {
      // no properties for this subscriber: our own encoding (payload not copied per subscriber, QoS 0 shared)
      ByteBufAllocator alloc = socket.channel().alloc();
      out.write(qos == 0 && !dup ? PublishEncoding.sharedQos0(alloc, message, retain, v5)
          : PublishEncoding.encode(alloc, topic, message.payload(), qos, dup, retain, packetId, v5));
      return;
    }
    if (v5) {
      // a topic the client knows by its alias goes as an empty topic name plus the alias
      int alias = topicAliases.outboundAlias(topic);
      boolean known = topicAliases.outboundKnown(topic);
      topicAliases.use(topic, alias);
      props = Properties.publish(message.properties(), message.remainingExpirySeconds(System.nanoTime()),
          subscriptionIds, alias);
      if (known) {
        topic = "";
      }
    }
    ByteBuf payload = Unpooled.wrappedBuffer(message.payload()); // no copy: the encoder reads it once
    out.write(new MqttPublishMessage(
        new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
        new MqttPublishVariableHeader(topic, qos == 0 ? -1 : packetId, props), payload));
  }

  @Override
  public boolean fits(Message message, int qos, int[] subscriptionIds) {
    if (clientMaximumPacketSize == 0) {
      return true;
    }
    // the same alias decision publish() will make, so the size is exact
    String topic = message.topic();
    int alias = topicAliases.outboundAlias(topic);
    int topicBytes = topicAliases.outboundKnown(topic) ? 0 : ByteBufUtil.utf8Bytes(topic);
    int properties = Properties.publishLength(message.properties(), subscriptionIds, alias);
    int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0)
        + Properties.variableByteIntegerLength(properties) + properties + message.payload().length;
    long packetSize = 1L + Properties.variableByteIntegerLength(remaining) + remaining;
    return packetSize <= clientMaximumPacketSize;
  }

  private void reply(MqttMessageType type, int packetId, ReasonCode reason) {
    MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
    byte code = (byte) (version == MqttVersion.V5 ? reason.value() : 0);
    out.write(new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
        new MqttPubReplyMessageVariableHeader(packetId, code, MqttProperties.NO_PROPERTIES)));
  }

  @Override
  public void pubAck(int packetId, ReasonCode reason) {
    reply(MqttMessageType.PUBACK, packetId, reason);
  }

  @Override
  public void pubRec(int packetId, ReasonCode reason) {
    reply(MqttMessageType.PUBREC, packetId, reason);
  }

  @Override
  public void pubRel(int packetId, ReasonCode reason) {
    reply(MqttMessageType.PUBREL, packetId, reason);
  }

  @Override
  public void pubComp(int packetId, ReasonCode reason) {
    reply(MqttMessageType.PUBCOMP, packetId, reason);
  }

  @Override
  public void pingResp() {
    out.write(new MqttMessage(
        new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
  }

  @Override
  public void subAck(int packetId, List<ReasonCode> reasons) {
    int[] codes = new int[reasons.size()];
    for (int i = 0; i < codes.length; i++) {
      int v = reasons.get(i).value();
      codes[i] = version == MqttVersion.V5 || v < 0x80 ? v : 0x80;
    }
    out.write(new MqttSubAckMessage(
        new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
        new MqttSubAckPayload(codes)));
  }

  @Override
  public void unsubAck(int packetId, List<ReasonCode> reasons) {
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
    if (version == MqttVersion.V5) {
      short[] codes = new short[reasons.size()];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (short) reasons.get(i).value();
      }
      out.write(new MqttUnsubAckMessage(fh,
          new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
          new MqttUnsubAckPayload(codes)));
    } else {
      out.write(new MqttUnsubAckMessage(fh, MqttMessageIdVariableHeader.from(packetId)));
    }
  }

  @Override
  public Future<Void> disconnect(ReasonCode reason, String reasonString) {
    if (version != MqttVersion.V5) {
      return close();
    }
    MqttProperties props = MqttProperties.NO_PROPERTIES;
    // the Reason String is left out rather than exceed the client's Maximum Packet Size [MQTT-3.1.2-24]
    if (reasonString != null && (clientMaximumPacketSize == 0
        || packetSize(2 + 3 + ByteBufUtil.utf8Bytes(reasonString)) <= clientMaximumPacketSize)) {
      props = new MqttProperties();
      props.add(new StringProperty(MqttPropertyType.REASON_STRING.value(), reasonString));
    }
    return out.writeAndFlush(new MqttMessage(
            new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
            new MqttReasonCodeAndPropertiesVariableHeader((byte) reason.value(), props)))
        .transform(ar -> close());
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    out.flushNow(); // what was written before the close goes out first
    return socket.close();
  }

  @Override
  public boolean writable() {
    return out.writable();
  }

  @Override
  public void whenWritable(Runnable r) {
    out.whenWritable(r);
  }

  @Override
  public void readIdleTimeoutMillis(long millis) {
    ChannelPipeline pipeline = socket.channel().pipeline();
    if (pipeline.get(IDLE) != null) {
      pipeline.remove(IDLE);
    }
    if (millis > 0) {
      // its READER_IDLE event reaches the ConnectionEnd, which reports the keep-alive timeout
      pipeline.addBefore(DECODER, IDLE, new IdleStateHandler(millis, 0, 0, TimeUnit.MILLISECONDS));
    }
  }

  @Override
  public void pauseReading() {
    socket.pause();
  }

  @Override
  public void resumeReading() {
    socket.resume();
  }
}
