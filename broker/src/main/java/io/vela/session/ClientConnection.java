package io.vela.session;

import io.vela.api.AuthResult;
import io.vela.api.Authenticator;
import io.vela.api.ClientIdentity;
import io.vela.api.Permissions;
import io.vela.config.AclConfig;
import io.vela.config.AuthConfig;
import io.vela.api.Credentials;
import io.vela.api.EnhancedAuthenticator;
import io.vela.api.Message;
import io.vela.api.QuotaExceededException;
import io.vela.api.Subscriber;
import io.vela.api.SubscriptionOptions;
import io.vela.auth.ConnectionGuard;
import io.vela.auth.PublishLimiter;
import io.vela.config.LimitsConfig;
import io.vela.config.ListenerConfig;
import io.vela.config.MqttConfig;
import io.vela.protocol.ClientChannel;
import io.vela.protocol.ConnAck;
import io.vela.protocol.Connect;
import io.vela.protocol.MqttVersion;
import io.vela.protocol.PacketHandler;
import io.vela.protocol.ReasonCode;
import io.vela.protocol.SharedFilter;
import io.vela.protocol.TopicSubscription;
import io.vela.protocol.Topics;
import io.vela.protocol.Utf8;
import io.vela.protocol.Will;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state machine of one network connection: CONNECT handling, inbound PUBLISH flows, SUBSCRIBE /
 * UNSUBSCRIBE, keep-alive, DISCONNECT and every protocol violation. Transport-neutral: it only sees a
 * {@link ClientChannel}. Runs on the connection's context.
 */
public final class ClientConnection implements PacketHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

  /** AUTHENTICATING: an MQTT 5 enhanced authentication exchange runs between CONNECT and CONNACK. */
  enum State { AWAITING_CONNECT, AUTHENTICATING, CONNECTING, CONNECTED, CLOSING, CLOSED }

  private final ClientChannel channel;
  private final SessionRegistry registry;
  private final MqttConfig config;
  private State state = State.AWAITING_CONNECT;
  private long connectTimer;
  /** The CONNECT being handled; dropped once the session is attached (it holds the password and the will). */
  private Connect connect;
  private MqttVersion version;
  /** MQTT 5 Request Problem Information: reason strings may be sent. */
  private boolean problemInformation = true;
  private String clientId = "";
  private boolean clientIdAssigned;
  private long requestedExpiry;
  private long grantedExpiry;
  private Integer serverKeepAlive;
  private int keepAliveSeconds;
  private Will will;
  private Session session;
  private boolean takenOver;
  private boolean shuttingDown;
  private final Promise<Void> closed = Promise.promise();
  private final Consumer<Subscriber> onCongested = this::holdBackFor;
  private boolean heldBack;
  private long holdBackTimer = -1;
  private Credentials credentials;
  /** The enhanced authentication this connection agreed at CONNECT (re-authentication uses it too), or null. */
  private EnhancedAuthentication enhancedAuth;
  /** Authentication Data for the CONNACK, from the exchange's last step. */
  private byte[] finalAuthData;
  private final ConnectionGuard.Admission admission;
  private final ListenerConfig listener;
  /** The traffic counters of the listener this connection arrived on. */
  final io.vela.metrics.BrokerMetrics.ListenerTraffic traffic;
  private final LimitsConfig limits;
  private PublishLimiter publishLimiter;
  private long throttleTimer = -1;
  private boolean throttleLogged;
  /**
   * Why the client is not read from now, one bit per reason ({@link #pauseReadingFor}); reading resumes when the
   * last reason is gone, and only while connected.
   */
  private int readPausedFor;
  private static final int PAUSE_CONNECTING = 1;
  private static final int PAUSE_HELD_BACK = 2;
  private static final int PAUSE_THROTTLED = 4;
  private static final int PAUSE_ACKS_FULL = 8;
  /** What this connection may publish and subscribe to, computed at CONNECT / re-authentication. */
  private Permissions permissions = Permissions.ALLOW_ALL;
  /** When the credentials expire (token exp), or null. */
  private java.time.Instant expiresAt;
  private long expiryTimer = -1;
  /** Acknowledgements waiting for a ConfirmingSubscriber (e.g. a Kafka bridge), created on first use. */
  private PublisherAcks waitingAcks;
  /** What the PUBLISH being routed must wait for before its acknowledgement, or null. */
  private Future<Void> confirmation;
  private final Consumer<Future<Void>> onConfirmation = this::awaitConfirmation;

  /** A connection that did not come through a listener's admission control (tests). */
  public ClientConnection(ClientChannel channel, SessionRegistry registry) {
    this(channel, registry, registry.guard().unlimited(channel.remoteAddress()), "test", new ListenerConfig());
  }

  /**
   * @param listenerName the name of the listener the connection arrived on (its traffic is counted there)
   * @param listener     the listener's settings (its per-listener settings apply)
   */
  public ClientConnection(ClientChannel channel, SessionRegistry registry, ConnectionGuard.Admission admission,
                          String listenerName, ListenerConfig listener) {
    this.channel = channel;
    this.listener = listener;
    this.traffic = registry.metrics().listener(listenerName);
    this.registry = registry;
    this.config = registry.config();
    this.admission = admission;
    this.limits = registry.guard().limits();
    registry.track(this);
    connectTimer = channel.context().owner().setTimer(config.connectTimeoutSeconds * 1000L, id -> {
      connectTimer = -1;
      if (state == State.AWAITING_CONNECT || state == State.AUTHENTICATING) {
        LOG.info("address={} not connected within {}s, closing", channel.remoteAddress(),
            config.connectTimeoutSeconds);
        registry.metrics().protocolError("CONNECT_TIMEOUT");
        state = State.CLOSING;
        channel.close();
      }
    });
  }

  public ClientChannel channel() {
    return channel;
  }

  Context context() {
    return channel.context();
  }

  public String clientId() {
    return clientId;
  }

  private boolean v5() {
    return version == MqttVersion.V5;
  }

  // ---------------------------------------------------------------- CONNECT

  @Override
  public void onConnect(Connect c) {
    if (state != State.AWAITING_CONNECT) {
      violation(ReasonCode.PROTOCOL_ERROR, "second CONNECT [MQTT-3.1.0-2]");
      return;
    }
    if (c.authenticationMethod() == null) {
      cancelConnectTimer(); // an enhanced authentication exchange must end within the connect timeout too
    }
    this.connect = c;
    this.version = c.version();
    this.problemInformation = c.requestProblemInformation();
    String id = c.clientId();
    if (id.isEmpty()) {
      if (c.version() != MqttVersion.V5 && !c.cleanStart()) {
        refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id with clean session 0 [MQTT-3.1.3-8]");
        return;
      }
      id = registry.newClientId();
      clientIdAssigned = true;
    }
    this.clientId = id;
    if (id.length() > config.maxClientIdLength || !Topics.isValidUtf8Text(id)) {
      refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id invalid or longer than "
          + config.maxClientIdLength);
      return;
    }
    String username = username(c);
    ConnectionGuard.Refusal refusal = registry.guard().onConnect(admission, clientIdAssigned ? null : id,
        username);
    if (refusal != null) {
      refuse(refusal.quota ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.BANNED, refusal.metric);
      return;
    }
    if (c.version() == MqttVersion.V5 && config.redirect != MqttConfig.Redirect.NONE) {
      redirect();
      return;
    }
    EnhancedAuthenticator enhanced = null;
    if (c.authenticationMethod() != null) {
      enhanced = registry.enhancedAuthenticator(c.authenticationMethod());
      if (enhanced == null) {
        refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, "authentication method " + c.authenticationMethod()
            + " not supported [MQTT-4.12.0-1]");
        return;
      }
    }
    Authenticator chain = registry.chainFor(listener);
    // with a configured chain a client may present just a token (MQTT 5 allows a password without a user name)
    boolean anonymous = username == null && (chain == null || c.password() == null);
    if (enhanced == null && !allowAnonymous() && anonymous) {
      refuse(c.version() == MqttVersion.V5 ? ReasonCode.BAD_USER_NAME_OR_PASSWORD : ReasonCode.NOT_AUTHORIZED,
          "anonymous connections are not allowed");
      registry.guard().authenticationFailed(admission);
      return;
    }
    Will w = c.will();
    if (w != null) {
      if (!Topics.isValidTopicName(w.topic()) || topicOverLimits("will topic", w.topic()) != null) {
        if (v5()) {
          refuse(ReasonCode.TOPIC_NAME_INVALID, "invalid will topic");
        } else {
          violation(ReasonCode.PROTOCOL_ERROR, "invalid will topic");
        }
        return;
      }
      if (!notReserved(w.topic())) {
        // the will would be published on the client's behalf: same rule as its PUBLISH packets
        refuse(ReasonCode.NOT_AUTHORIZED, "will topic " + w.topic() + " is reserved for the broker");
        return;
      }
      if (w.qos() > config.maxQos) {
        refuse(ReasonCode.QOS_NOT_SUPPORTED, "will QoS " + w.qos() + " above maximum " + config.maxQos);
        return;
      }
      if (w.retain() && !config.retainAvailable) {
        refuse(ReasonCode.RETAIN_NOT_SUPPORTED, "retained will but retain is not available");
        return;
      }
      if (payloadFormatInvalid(w.properties().payloadFormatIndicator(), w.payload())) {
        refuse(ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8 though its Payload Format Indicator "
            + "says so (MQTT 5 3.1.3.2.3)");
        return;
      }
    }
    this.will = w;
    this.requestedExpiry = c.sessionExpiryInterval();
    if (c.version() == MqttVersion.V5) {
      grantedExpiry = Math.min(c.sessionExpiryInterval(), config.maxSessionExpirySeconds);
    } else {
      grantedExpiry = c.cleanStart() ? 0 : config.maxSessionExpirySeconds;
    }
    keepAliveSeconds = grantedKeepAlive(c.keepAliveSeconds(), listener.minKeepAliveSeconds,
        config.maxKeepAliveSeconds);
    if (keepAliveSeconds != c.keepAliveSeconds() && c.version() == MqttVersion.V5) {
      serverKeepAlive = keepAliveSeconds; // MQTT 5 3.2.2.3.14: the client must use the Server Keep Alive
    }
    credentials = new Credentials(id, username, c.password(), channel.remoteAddress(), c.version().label());
    if (enhanced != null) {
      state = State.AUTHENTICATING;
      enhancedAuth = new EnhancedAuthentication(enhanced, credentials, new AuthCallbacks());
      enhancedAuth.start(c.authenticationData());
      return;
    }
    state = State.CONNECTING;
    pauseReadingFor(PAUSE_CONNECTING);
    Future<AuthResult> decision;
    try {
      if (chain == null) {
        decision = registry.authenticator().authenticate(credentials);
      } else if (anonymous) {
        decision = Future.succeededFuture(AuthResult.ALLOWED); // allow-anonymous, nothing to check
      } else {
        decision = chain.authenticate(credentials);
      }
    } catch (RuntimeException e) {
      decision = Future.failedFuture(e);
    }
    decision.onComplete(ar -> {
      if (Vertx.currentContext() == context()) {
        authenticated(ar);
      } else {
        context().runOnContext(v -> authenticated(ar));
      }
    });
  }

  /**
   * The user name this connection authenticates as: the one the client sent, or with the listener's
   * {@code tls.cn-as-username} the name in its certificate (null without one: what the client sent is ignored, so no
   * client can claim a certificate identity it does not hold).
   */
  private String username(Connect c) {
    if (listener.tls != null && listener.tls.cnAsUsername) {
      return channel.peerCertificateName();
    }
    return c.username();
  }

  /** The listener's allow-anonymous, else mqtt.allow-anonymous. */
  private boolean allowAnonymous() {
    return listener.allowAnonymous != null ? listener.allowAnonymous : config.allowAnonymous;
  }

  private void authenticated(AsyncResult<AuthResult> ar) {
    if (state != State.CONNECTING) {
      return; // closed while the authenticator was deciding
    }
    if (ar.failed()) {
      LOG.warn("clientId={} address={} authenticator failed: {}", clientId, channel.remoteAddress(),
          ar.cause().toString());
      refuse(ReasonCode.SERVER_UNAVAILABLE, "authenticator failed");
      return;
    }
    AuthResult result = ar.result();
    if (!result.allowed()) {
      registry.metrics().authentication(result.outcome() == AuthResult.Outcome.NOT_AUTHORIZED ? "not-authorized"
          : "bad-credentials");
      refuse(result.outcome() == AuthResult.Outcome.NOT_AUTHORIZED ? ReasonCode.NOT_AUTHORIZED
          : ReasonCode.BAD_USER_NAME_OR_PASSWORD, result.detail() == null ? "authentication failed" : result.detail());
      registry.guard().authenticationFailed(admission);
      return;
    }
    String problem = authorize(result);
    if (problem != null) {
      refuse(ReasonCode.NOT_AUTHORIZED, problem);
      registry.guard().authenticationFailed(admission);
      return;
    }
    registry.connect(this, clientId, connect.cleanStart(), grantedExpiry);
  }

  /**
   * Computes and keeps this connection's permissions and expiry from an authentication result (at CONNECT and at
   * re-authentication): the only place the authorizer runs, so PUBLISH and SUBSCRIBE never call out.
   *
   * @return why the client may not connect (malformed ACL claim, will topic denied), or null
   */
  private String authorize(AuthResult result) {
    Permissions p;
    try {
      p = registry.authorizer().permissions(new ClientIdentity(clientId, credentials.username(),
          result == null ? null : result.principal(), result == null ? null : result.claims(), listener.type));
    } catch (RuntimeException e) {
      registry.metrics().authentication("not-authorized");
      return e.getMessage();
    }
    if (state != State.CONNECTED && will != null && !p.mayPublish(will.topic(), will.qos(), will.retain())) {
      registry.metrics().authentication("not-authorized");
      return "will topic " + will.topic() + " denied by the ACL";
    }
    registry.metrics().authentication("allowed");
    permissions = p;
    expiresAt = result == null ? null : result.expiresAt();
    if (state == State.CONNECTED) {
      scheduleExpiry();
    }
    return null;
  }

  // ---------------------------------------------------------------- MQTT 5 enhanced authentication (spec 4.12)

  @Override
  public void onAuth(ReasonCode reason, String method, byte[] data) {
    if (state == State.AWAITING_CONNECT) {
      violation(ReasonCode.PROTOCOL_ERROR, "AUTH before CONNECT [MQTT-3.1.0-1]");
      return;
    }
    if (state != State.AUTHENTICATING && state != State.CONNECTED) {
      return;
    }
    if (enhancedAuth == null) {
      violation(ReasonCode.PROTOCOL_ERROR, "AUTH without an Authentication Method at CONNECT [MQTT-4.12.0-7]");
      return;
    }
    enhancedAuth.onAuth(reason, method, data);
  }

  /** What {@link EnhancedAuthentication} tells this connection, and reads from it. */
  private final class AuthCallbacks implements EnhancedAuthentication.Connection {
    @Override
    public Context context() {
      return ClientConnection.this.context();
    }

    @Override
    public boolean connected() {
      return state == State.CONNECTED;
    }

    @Override
    public boolean authenticating() {
      return state == State.AUTHENTICATING;
    }

    @Override
    public String clientId() {
      return clientId;
    }

    @Override
    public String remoteAddress() {
      return channel.remoteAddress();
    }

    @Override
    public void sendAuth(ReasonCode reason, String method, byte[] data) {
      channel.auth(reason, method, data);
    }

    @Override
    public String authorize(AuthResult result) {
      return ClientConnection.this.authorize(result);
    }

    @Override
    public void authenticated(boolean reauthentication, byte[] data) {
      if (reauthentication) {
        LOG.debug("clientId={} re-authenticated with {}{}", clientId, enhancedAuth.method(), expiresAt == null ? ""
            : ", credentials now expire at " + expiresAt);
        channel.auth(ReasonCode.SUCCESS, enhancedAuth.method(), data);
        return;
      }
      cancelConnectTimer();
      finalAuthData = data;
      state = State.CONNECTING;
      pauseReadingFor(PAUSE_CONNECTING);
      registry.connect(ClientConnection.this, clientId, connect.cleanStart(), grantedExpiry);
    }

    @Override
    public void refused(boolean reauthentication, boolean authenticatorError, String detail) {
      if (!authenticatorError) {
        registry.guard().authenticationFailed(admission); // a denial, not an authenticator error, counts
      }
      if (reauthentication) {
        reauthenticationFailed(detail);
      } else {
        refuse(authenticatorError ? ReasonCode.SERVER_UNAVAILABLE : ReasonCode.NOT_AUTHORIZED, detail);
      }
    }

    @Override
    public void violation(ReasonCode reason, String detail) {
      ClientConnection.this.violation(reason, detail);
    }
  }

  /** The registry found or created the session; called on this connection's context. */
  void attached(Session s, boolean present) {
    if (state != State.CONNECTING) {
      // the network connection went away while the session was being prepared
      s.attach(this, present, connect);
      s.connectionLost(this, will);
      return;
    }
    this.session = s;
    state = State.CONNECTED;
    publishLimiter = PublishLimiter.create(limits, System.nanoTime());
    boolean v5 = v5();
    channel.accept(new ConnAck(present,
        clientIdAssigned && v5 ? clientId : null,
        v5 && grantedExpiry != requestedExpiry ? grantedExpiry : null,
        serverKeepAlive,
        config.receiveMaximum,
        config.maxPacketSize,
        config.maxQos,
        config.retainAvailable,
        config.wildcardSubscriptionAvailable,
        config.subscriptionIdentifiersAvailable,
        config.sharedSubscriptions.enabled,
        v5 ? config.topicAliasMaximum : 0,
        v5 && connect.requestResponseInformation() ? config.responseInformation : null, // [MQTT-3.1.2-31]
        enhancedAuth == null ? null : enhancedAuth.method(),
        finalAuthData));
    channel.outboundTopicAliasMaximum(v5 && config.outboundTopicAliases ? connect.topicAliasMaximum() : 0);
    registry.metrics().connectionsCurrent.incrementAndGet();
    registry.metrics().connectionsTotal.increment();
    if (keepAliveSeconds > 0) {
      channel.readIdleTimeoutMillis(keepAliveSeconds * 1500L); // 1.5 x keep-alive [MQTT-3.1.2-24]
    }
    LOG.debug("clientId={} address={} connected (MQTT {}, clean={}, present={}, keepAlive={})", clientId,
        channel.remoteAddress(), connect.version().label(), connect.cleanStart(), present, keepAliveSeconds);
    s.attach(this, present, connect);
    connect = null;
    resumeReadingFor(PAUSE_CONNECTING);
    scheduleExpiry();
  }

  // ---------------------------------------------------------------- credential expiry

  /** (Re)arms the timer that disconnects the client at its credentials' expiry + auth.expiry-grace-seconds. */
  private void scheduleExpiry() {
    if (expiryTimer >= 0) {
      context().owner().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (expiresAt == null || state != State.CONNECTED) {
      return;
    }
    long at = expiresAt.toEpochMilli() + registry.authConfig().expiryGraceSeconds * 1000L;
    long delay = Math.max(1, at - System.currentTimeMillis());
    expiryTimer = context().owner().setTimer(delay, id -> {
      expiryTimer = -1;
      credentialsExpired();
    });
  }

  private void credentialsExpired() {
    if (state != State.CONNECTED) {
      return;
    }
    AuthConfig auth = registry.authConfig();
    LOG.info("clientId={} address={} credentials expired at {} (grace {}s) and were not refreshed, disconnecting",
        clientId, channel.remoteAddress(), expiresAt, auth.expiryGraceSeconds);
    registry.metrics().reject("credentials-expired");
    if (!auth.expiryPublishWill) {
      will = null;
    }
    state = State.CLOSING;
    if (v5()) {
      ReasonCode reason = auth.expiryReasonCode == AuthConfig.ExpiryReason.NOT_AUTHORIZED ? ReasonCode.NOT_AUTHORIZED
          : ReasonCode.MAXIMUM_CONNECT_TIME;
      channel.disconnect(reason, problemInformation ? "token expired" : null);
    } else {
      channel.close();
    }
  }

  /** Sends an MQTT 5 client to the configured server (MQTT 5 4.11): CONNACK 0x9C or 0x9D with Server Reference. */
  private void redirect() {
    ReasonCode reason = config.redirect == MqttConfig.Redirect.SERVER_MOVED ? ReasonCode.SERVER_MOVED
        : ReasonCode.USE_ANOTHER_SERVER;
    LOG.info("clientId={} address={} redirected to {} ({})", clientId, channel.remoteAddress(),
        config.serverReference, reason);
    registry.metrics().connectionsRefused.increment();
    state = State.CLOSING;
    channel.redirect(reason, config.serverReference);
  }

  private void refuse(ReasonCode reason, String detail) {
    LOG.info("clientId={} address={} connection refused: {} ({})", clientId, channel.remoteAddress(), reason,
        detail);
    registry.metrics().connectionsRefused.increment();
    state = State.CLOSING;
    channel.refuse(reason);
  }

  // ---------------------------------------------------------------- PUBLISH flows

  private boolean requireConnected(String packet) {
    if (state == State.CONNECTED) {
      return true;
    }
    if (state == State.AWAITING_CONNECT) {
      violation(ReasonCode.PROTOCOL_ERROR, packet + " before CONNECT [MQTT-3.1.0-1]");
    } else if (state == State.AUTHENTICATING) {
      violation(ReasonCode.PROTOCOL_ERROR, packet + " before CONNACK during enhanced authentication "
          + "[MQTT-3.1.2-33]");
    }
    return false;
  }

  @Override
  public void onPublish(Message received, int packetId, boolean dup) {
    if (!requireConnected("PUBLISH")) {
      return;
    }
    Message message = received.withPublisher(clientId, credentials == null ? null : credentials.username());
    registry.metrics().received(message.qos());
    traffic.publishReceived.increment();
    if (malformedText("topic name", message.topic())) {
      return;
    }
    if (!Topics.isValidTopicName(message.topic())) {
      violation(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name in PUBLISH [MQTT-3.3.2-2]");
      return;
    }
    String overLimits = topicOverLimits("topic name", message.topic());
    if (overLimits != null) {
      violation(ReasonCode.TOPIC_NAME_INVALID, overLimits);
      return;
    }
    if (publishLimiter != null && overRate(message)) {
      return;
    }
    int qos = message.qos();
    if (qos > config.maxQos) {
      violation(ReasonCode.QOS_NOT_SUPPORTED, "PUBLISH QoS " + qos + " above maximum [MQTT-3.2.2-11]");
      return;
    }
    if (message.retain() && !config.retainAvailable) {
      violation(ReasonCode.RETAIN_NOT_SUPPORTED, "retained PUBLISH but retain is not available [MQTT-3.2.2-14]");
      return;
    }
    if (payloadFormatInvalid(message.properties().payloadFormatIndicator(), message.payload())) {
      String detail = "payload is not UTF-8 though its Payload Format Indicator says so (MQTT 5 3.3.2.3.2)";
      switch (qos) {
        case 0 -> violation(ReasonCode.PAYLOAD_FORMAT_INVALID, detail);
        case 1 -> channel.pubAck(packetId, ReasonCode.PAYLOAD_FORMAT_INVALID);
        default -> channel.pubRec(packetId, ReasonCode.PAYLOAD_FORMAT_INVALID);
      }
      if (qos > 0) {
        registry.metrics().protocolError(ReasonCode.PAYLOAD_FORMAT_INVALID.name());
        LOG.debug("clientId={} PUBLISH refused with 0x99: {}", clientId, detail);
      }
      return;
    }
    boolean allowed = notReserved(message.topic())
        && permissions.mayPublish(message.topic(), qos, message.retain());
    if (!allowed && aclDenied("PUBLISH to " + message.topic())) {
      return;
    }
    switch (qos) {
      case 0 -> {
        if (allowed) {
          route(message);
        }
      }
      case 1 -> {
        confirmation = null;
        int n = allowed ? route(message) : 0;
        if (confirmation == null && (waitingAcks == null || waitingAcks.isEmpty())) {
          channel.pubAck(packetId, ack(allowed, n));
        } else {
          ReasonCode reason = ack(allowed, n);
          acks().add(confirmation, ok -> acknowledgeConfirmed(1, packetId, reason, ok));
        }
      }
      default -> {
        if (session.awaitingRelease().contains(packetId)) {
          // a resend before PUBREL: already routed, never deliver twice [MQTT-4.3.3-10]
          if (waitingAcks == null || waitingAcks.isEmpty()) {
            channel.pubRec(packetId, ReasonCode.SUCCESS);
          } else {
            // answered like the original, which is still waiting: refused if that one fails meanwhile
            acks().add(null, ok -> acknowledgeConfirmed(2, packetId, session.awaitingRelease().contains(packetId)
                ? ReasonCode.SUCCESS : ReasonCode.UNSPECIFIED_ERROR, ok));
          }
          return;
        }
        if (session.awaitingRelease().size() >= config.receiveMaximum) {
          violation(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than " + config.receiveMaximum
              + " QoS 2 messages awaiting PUBREL [MQTT-3.3.4-7]");
          return;
        }
        confirmation = null;
        int n = allowed ? route(message) : 0;
        if (allowed) {
          session.awaitingRelease().add(packetId);
        }
        if (confirmation == null && (waitingAcks == null || waitingAcks.isEmpty())) {
          channel.pubRec(packetId, ack(allowed, n));
        } else {
          ReasonCode reason = ack(allowed, n);
          acks().add(confirmation, ok -> acknowledgeConfirmed(2, packetId, reason, ok));
        }
      }
    }
  }

  /** With mqtt.validate-utf8-payload: a payload declared UTF-8 (indicator 1) that is not well-formed UTF-8. */
  private boolean payloadFormatInvalid(Integer payloadFormatIndicator, byte[] payload) {
    return config.validateUtf8Payload && payloadFormatIndicator != null && payloadFormatIndicator == 1
        && !Utf8.isWellFormed(payload);
  }

  /** Clients may not publish (nor leave a will) under $SYS, which the broker's own status topics use. */
  private static boolean notReserved(String topic) {
    return !topic.startsWith("$SYS");
  }

  /**
   * An ACL said no. With auth.acl.deny-action disconnect the client is disconnected (MQTT 5 DISCONNECT 0x87, MQTT
   * 3.x close); otherwise only the packet is refused (PUBACK / PUBREC / SUBACK 0x87, MQTT 3.x: PUBLISH dropped, SUBACK
   * 0x80).
   *
   * @return true if the connection is being closed
   */
  private boolean aclDenied(String what) {
    if (registry.authConfig().acl.denyAction != AclConfig.DenyAction.DISCONNECT) {
      return false;
    }
    LOG.info("clientId={} address={} {} denied by the ACL, disconnecting (auth.acl.deny-action)", clientId,
        channel.remoteAddress(), what);
    state = State.CLOSING;
    if (v5()) {
      channel.disconnect(ReasonCode.NOT_AUTHORIZED, problemInformation ? what + " denied" : null);
    } else {
      channel.close();
    }
    return true;
  }

  private ReasonCode ack(boolean allowed, int delivered) {
    if (!allowed) {
      return ReasonCode.NOT_AUTHORIZED;
    }
    return delivered == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
  }

  private int route(Message message) {
    return registry.dispatcher().publish(message, onCongested, onConfirmation);
  }

  /** A ConfirmingSubscriber wants the acknowledgement of the PUBLISH being routed to wait for {@code f}. */
  private void awaitConfirmation(Future<Void> f) {
    confirmation = confirmation == null ? f : Future.all(confirmation, f).mapEmpty();
  }

  private PublisherAcks acks() {
    if (waitingAcks == null) {
      // twice the receive maximum: an MQTT 5 client that keeps to it is never paused (its PINGREQs still get
      // answers); MQTT 3.x clients, which have no such limit, are not read from past this many
      waitingAcks = new PublisherAcks(context(), 2 * config.receiveMaximum, () -> pauseReadingFor(PAUSE_ACKS_FULL),
          () -> resumeReadingFor(PAUSE_ACKS_FULL));
    }
    return waitingAcks;
  }

  /**
   * Sends an acknowledgement that waited for a ConfirmingSubscriber. When that failed, an MQTT 5 publisher gets
   * reason code 0x80 (the message is not safe; 0x97 for a {@link QuotaExceededException}), an MQTT 3.x publisher,
   * which has no negative acknowledgement, loses its connection unacknowledged so that it sends the message again.
   */
  private void acknowledgeConfirmed(int qos, int packetId, ReasonCode reason, Throwable failure) {
    if (state != State.CONNECTED) {
      return;
    }
    if (failure != null) {
      registry.metrics().protocolError("CONFIRMATION_FAILED");
      if (!v5()) {
        LOG.info("clientId={} address={} a subscriber could not take packetId={}, closing unacknowledged", clientId,
            channel.remoteAddress(), packetId);
        state = State.CLOSING;
        channel.close();
        return;
      }
      reason = failure instanceof QuotaExceededException ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.UNSPECIFIED_ERROR;
      if (qos == 2) {
        session.awaitingRelease().remove(packetId); // an error PUBREC ends the exchange (MQTT 5 4.3.3)
      }
    }
    if (qos == 1) {
      channel.pubAck(packetId, reason);
    } else {
      channel.pubRec(packetId, reason);
    }
  }

  /**
   * A subscriber of what this client publishes cannot keep up: stop reading from this client until the subscriber
   * drains, for at most publisher-backpressure-ms (after that the subscriber's queue policy applies instead).
   */
  private void holdBackFor(Subscriber slow) {
    if (heldBack) {
      return;
    }
    heldBack = true;
    registry.metrics().publisherHoldBacks.increment();
    pauseReadingFor(PAUSE_HELD_BACK);
    Context ctx = context();
    holdBackTimer = ctx.owner().setTimer(config.publisherBackpressureMs, id -> {
      holdBackTimer = -1;
      release();
    });
    slow.whenDrained(() -> {
      try {
        ctx.runOnContext(v -> release());
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        // the broker is shutting down and this client's event loop is gone: nothing left to resume
      }
    });
  }

  private void release() {
    if (!heldBack) {
      return;
    }
    heldBack = false;
    if (holdBackTimer >= 0) {
      context().owner().cancelTimer(holdBackTimer);
      holdBackTimer = -1;
    }
    resumeReadingFor(PAUSE_HELD_BACK);
  }

  /** Stops reading from the client for {@code reason} (one of the PAUSE_ bits). */
  private void pauseReadingFor(int reason) {
    boolean reading = readPausedFor == 0;
    readPausedFor |= reason;
    if (reading) {
      channel.pauseReading();
    }
  }

  /** {@code reason} is gone: reading resumes if it was the last one and the client is connected. */
  private void resumeReadingFor(int reason) {
    if ((readPausedFor & reason) == 0) {
      return;
    }
    readPausedFor &= ~reason;
    if (readPausedFor == 0 && state == State.CONNECTED) {
      channel.resumeReading();
    }
  }

  // ---------------------------------------------------------------- limits and rate limits

  /**
   * A topic name or filter longer than limits.max-topic-length or with more levels than limits.max-topic-levels;
   * counted. Cheap: levels are only counted when the topic is long enough to have too many.
   *
   * @return why, or null when within the limits
   */
  private String topicOverLimits(String what, String topic) {
    if (topic.length() > limits.maxTopicLength) {
      registry.metrics().reject("topic-length");
      return what + " longer than limits.max-topic-length (" + limits.maxTopicLength + ")";
    }
    if (topic.length() >= limits.maxTopicLevels) {
      int levels = 1;
      for (int i = 0; i < topic.length(); i++) {
        if (topic.charAt(i) == '/') {
          levels++;
        }
      }
      if (levels > limits.maxTopicLevels) {
        registry.metrics().reject("topic-levels");
        return what + " has more levels than limits.max-topic-levels (" + limits.maxTopicLevels + ")";
      }
    }
    return null;
  }

  /**
   * SUBACK code for a filter over the topic limits (0x8F Topic Filter invalid) or past limits.max-subscriptions (0x97
   * Quota exceeded); MQTT 3.x clients see 0x80. Null when the subscription may be made.
   */
  private ReasonCode subscriptionOverLimits(String filter) {
    String why = topicOverLimits("topic filter", filter);
    if (why != null) {
      LOG.info("clientId={} address={} subscription refused: {}", clientId, channel.remoteAddress(), why);
      return ReasonCode.TOPIC_FILTER_INVALID;
    }
    Map<String, SubscriptionOptions> current = session.subscriptions();
    if (limits.maxSubscriptions > 0 && current.size() >= limits.maxSubscriptions && !current.containsKey(filter)) {
      registry.metrics().reject("max-subscriptions");
      LOG.info("clientId={} address={} subscription to {} refused: limits.max-subscriptions ({}) reached", clientId,
          channel.remoteAddress(), filter, limits.maxSubscriptions);
      return ReasonCode.QUOTA_EXCEEDED;
    }
    return null;
  }

  /**
   * Publish-rate and byte-rate. Throttle: this PUBLISH is processed, then nothing more is read from the client until
   * its buckets are out of debt. Disconnect: MQTT 5 DISCONNECT 0x96 Message rate too high, MQTT 3.x close.
   *
   * @return true if the connection is being closed and the PUBLISH must be dropped
   */
  private boolean overRate(Message message) {
    long wait = publishLimiter.onPublish(message.payload().length, System.nanoTime());
    if (wait == 0) {
      return false;
    }
    PublishLimiter.Exceeded which = publishLimiter.exceeded();
    registry.metrics().reject(which.metric);
    String detail = "over limits." + which.metric;
    if (limits.rateLimitAction == LimitsConfig.RateLimitAction.DISCONNECT) {
      violation(ReasonCode.MESSAGE_RATE_TOO_HIGH, detail);
      return true;
    }
    if (!throttleLogged) {
      throttleLogged = true;
      LOG.info("clientId={} address={} throttled: {} (logged once per connection)", clientId,
          channel.remoteAddress(), detail);
    }
    if (throttleTimer < 0) {
      pauseReadingFor(PAUSE_THROTTLED);
      throttleTimer = context().owner().setTimer(Math.max(1, (wait + 999_999) / 1_000_000), id -> {
        throttleTimer = -1;
        resumeReadingFor(PAUSE_THROTTLED);
      });
    }
    return false;
  }

  @Override
  public void onPubAck(int packetId) {
    if (requireConnected("PUBACK")) {
      session.onPubAck(packetId);
    }
  }

  @Override
  public void onPubRec(int packetId, int reasonCode) {
    if (requireConnected("PUBREC")) {
      session.onPubRec(packetId, reasonCode);
    }
  }

  @Override
  public void onPubRel(int packetId) {
    if (!requireConnected("PUBREL")) {
      return;
    }
    boolean known = session.awaitingRelease().remove(packetId);
    channel.pubComp(packetId, known ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
  }

  @Override
  public void onPubComp(int packetId) {
    if (requireConnected("PUBCOMP")) {
      session.onPubComp(packetId);
    }
  }

  // ---------------------------------------------------------------- SUBSCRIBE / UNSUBSCRIBE

  @Override
  public void onSubscribe(int packetId, List<TopicSubscription> subscriptions) {
    if (!requireConnected("SUBSCRIBE")) {
      return;
    }
    if (subscriptions.isEmpty()) {
      violation(ReasonCode.PROTOCOL_ERROR, "SUBSCRIBE without topic filters [MQTT-3.8.3-3]");
      return;
    }
    if (!config.subscriptionIdentifiersAvailable && subscriptions.get(0).options().subscriptionId() != 0) {
      violation(ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, "Subscription Identifier sent though CONNACK said "
          + "they are not available (MQTT 5 3.2.2.3.13)");
      return;
    }
    for (TopicSubscription ts : subscriptions) {
      if (malformedText("topic filter", ts.filter())) {
        return;
      }
      if (ts.options().noLocal() && Topics.isSharedFilter(ts.filter()) && config.sharedSubscriptions.enabled) {
        violation(ReasonCode.PROTOCOL_ERROR, "No Local set on shared subscription " + ts.filter()
            + " [MQTT-3.8.3-4]");
        return;
      }
    }
    List<ReasonCode> reasons = new ArrayList<>(subscriptions.size());
    List<Runnable> retainedSends = new ArrayList<>();
    for (TopicSubscription ts : subscriptions) {
      String filter = ts.filter();
      if (!Topics.isValidFilter(filter)) {
        if (!v5()) {
          violation(ReasonCode.TOPIC_FILTER_INVALID, "invalid topic filter [MQTT-4.7.1-2] [MQTT-4.7.1-3]");
          return;
        }
        reasons.add(ReasonCode.TOPIC_FILTER_INVALID);
        continue;
      }
      ReasonCode limited = subscriptionOverLimits(filter);
      if (limited != null) {
        reasons.add(limited);
        continue;
      }
      if (!config.wildcardSubscriptionAvailable && Topics.hasWildcard(filter)) {
        reasons.add(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED); // MQTT 3.x SUBACK: 0x80
        continue;
      }
      boolean shared = Topics.isSharedFilter(filter);
      if (shared) {
        if (!config.sharedSubscriptions.enabled) {
          reasons.add(v5() ? ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED : ReasonCode.UNSPECIFIED_ERROR);
          continue;
        }
        if (SharedFilter.parse(filter) == null) {
          if (!v5()) {
            violation(ReasonCode.TOPIC_FILTER_INVALID, "invalid shared subscription filter [MQTT-4.8.2-1] "
                + "[MQTT-4.8.2-2]");
            return;
          }
          reasons.add(ReasonCode.TOPIC_FILTER_INVALID);
          continue;
        }
      }
      SubscriptionOptions req = ts.options();
      int granted = Math.min(req.qos(), config.maxQos);
      if (!permissions.maySubscribe(shared ? SharedFilter.parse(filter).filter() : filter, granted)) {
        if (aclDenied("SUBSCRIBE to " + filter)) {
          return;
        }
        reasons.add(ReasonCode.NOT_AUTHORIZED); // MQTT 3.x SUBACK: 0x80
        continue;
      }
      SubscriptionOptions opts = new SubscriptionOptions(granted, req.noLocal(), req.retainAsPublished(),
          req.retainHandling(), req.subscriptionId());
      boolean isNew = session.subscribe(filter, opts);
      reasons.add(granted == 0 ? ReasonCode.SUCCESS : granted == 1 ? ReasonCode.GRANTED_QOS_1
          : ReasonCode.GRANTED_QOS_2);
      if (shared) {
        continue; // no retained messages on a shared subscription (MQTT 5 section 4.8.2)
      }
      if (opts.retainHandling() == 0 || (opts.retainHandling() == 1 && isNew)) {
        int[] ids = opts.subscriptionId() == 0 ? new int[0] : new int[] {opts.subscriptionId()};
        retainedSends.add(() -> {
          for (Message m : registry.dispatcher().retained().match(filter)) {
            session.deliverRetained(m, granted, ids);
          }
        });
      }
    }
    channel.subAck(packetId, reasons);
    retainedSends.forEach(Runnable::run); // after SUBACK [MQTT-3.8.4-4]
  }

  @Override
  public void onUnsubscribe(int packetId, List<String> filters) {
    if (!requireConnected("UNSUBSCRIBE")) {
      return;
    }
    if (filters.isEmpty()) {
      violation(ReasonCode.PROTOCOL_ERROR, "UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]");
      return;
    }
    for (String filter : filters) {
      if (malformedText("topic filter", filter)) {
        return;
      }
    }
    List<ReasonCode> reasons = new ArrayList<>(filters.size());
    for (String filter : filters) {
      if (!Topics.isValidFilter(filter)) {
        if (!v5()) {
          violation(ReasonCode.TOPIC_FILTER_INVALID, "invalid topic filter in UNSUBSCRIBE");
          return;
        }
        reasons.add(ReasonCode.TOPIC_FILTER_INVALID);
        continue;
      }
      if (Topics.isSharedFilter(filter) && config.sharedSubscriptions.enabled && SharedFilter.parse(filter) == null) {
        if (!v5()) {
          violation(ReasonCode.TOPIC_FILTER_INVALID, "invalid shared subscription filter in UNSUBSCRIBE "
              + "[MQTT-4.8.2-2]");
          return;
        }
        reasons.add(ReasonCode.TOPIC_FILTER_INVALID);
        continue;
      }
      reasons.add(session.unsubscribe(filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
    }
    channel.unsubAck(packetId, reasons);
  }

  // ---------------------------------------------------------------- keep-alive, DISCONNECT, errors, close

  @Override
  public void onPing() {
    if (requireConnected("PINGREQ")) {
      channel.pingResp();
    }
  }

  /**
   * The keep-alive the broker enforces (x 1.5): the listener's floor raises a shorter non-zero request (a browser
   * tab throttled in the background pings late); 0 ("no keep-alive") stays 0, as a floor on it would drop MQTT 3
   * clients that were told nothing and never ping. Then {@code mqtt.max-keep-alive-seconds} caps it, 0 included.
   */
  static int grantedKeepAlive(int requested, int floor, int max) {
    int granted = requested;
    if (floor > 0 && granted > 0 && granted < floor) {
      granted = floor;
    }
    if (max > 0 && (granted == 0 || granted > max)) {
      granted = max;
    }
    return granted;
  }

  @Override
  public void onKeepAliveTimeout() {
    if (state == State.CONNECTED) {
      violation(ReasonCode.KEEP_ALIVE_TIMEOUT, "nothing received within 1.5 x keep-alive (" + keepAliveSeconds
          + "s)");
    }
  }

  @Override
  public void onDisconnect(ReasonCode reason, Long sessionExpiryInterval) {
    if (state == State.AUTHENTICATING) {
      state = State.CLOSING; // a client may give up an authentication exchange with DISCONNECT [MQTT-3.1.2-33]
      channel.close();
      return;
    }
    if (!requireConnected("DISCONNECT")) {
      return;
    }
    if (sessionExpiryInterval != null) {
      if (requestedExpiry == 0 && sessionExpiryInterval != 0) {
        violation(ReasonCode.PROTOCOL_ERROR, "Session Expiry Interval set at DISCONNECT after 0 at CONNECT "
            + "(MQTT 5 section 3.14.2.2.2)");
        return;
      }
      session.expirySeconds(Math.min(sessionExpiryInterval, config.maxSessionExpirySeconds));
    }
    if (reason == ReasonCode.SUCCESS) {
      will = null; // only a normal disconnection discards the will [MQTT-3.14.4-3]; 0x04 and errors keep it
    }
    LOG.debug("clientId={} DISCONNECT ({})", clientId, reason);
    state = State.CLOSING;
    channel.close();
  }

  /**
   * Ill-formed UTF-8 (which the codec decodes to U+FFFD) or U+0000 in a string makes the whole packet a Malformed
   * Packet [MQTT-1.5.4-1] [MQTT-1.5.4-2] (MQTT 3.1.1: [MQTT-1.5.3-1] [MQTT-1.5.3-2]), whatever the field.
   *
   * @return true if {@code text} was refused and the connection is being closed
   */
  private boolean malformedText(String field, String text) {
    if (Topics.isValidUtf8Text(text)) {
      return false;
    }
    violation(ReasonCode.MALFORMED_PACKET, field + " is not well-formed UTF-8 or contains U+0000 [MQTT-1.5.4-1]");
    return true;
  }

  @Override
  public void onProtocolViolation(ReasonCode reason, String detail) {
    violation(reason, detail);
  }

  /**
   * The one place a protocol violation ends a connection: one log line, one counter, DISCONNECT with the reason code
   * for MQTT 5 clients past CONNACK, a plain close otherwise. The will (if any) is published by {@link #onClosed()}.
   */
  private void violation(ReasonCode reason, String detail) {
    if (state == State.CLOSING || state == State.CLOSED) {
      return;
    }
    LOG.info("clientId={} address={} protocol violation, disconnecting: {} {} ({})", clientId,
        channel.remoteAddress(), reason.hex(), reason, detail);
    registry.metrics().protocolError(reason.name());
    boolean sendDisconnect = state == State.CONNECTED && v5();
    state = State.CLOSING;
    if (sendDisconnect) {
      channel.disconnect(reason, problemInformation ? detail : null);
    } else {
      channel.close();
    }
  }

  /** A re-authentication failed: DISCONNECT 0x87 and close [MQTT-4.12.1-2]; the will applies as for any close. */
  private void reauthenticationFailed(String detail) {
    LOG.info("clientId={} address={} re-authentication failed, disconnecting: {}", clientId, channel.remoteAddress(),
        detail);
    state = State.CLOSING;
    channel.disconnect(ReasonCode.NOT_AUTHORIZED, problemInformation ? detail : null);
  }

  /** An administrator disconnects this client: DISCONNECT 0x98 for MQTT 5, a close otherwise; the will applies. */
  void kick() {
    if (state != State.CONNECTED) {
      return;
    }
    LOG.info("clientId={} address={} disconnected by an administrator", clientId, channel.remoteAddress());
    state = State.CLOSING;
    if (v5()) {
      channel.disconnect(ReasonCode.ADMINISTRATIVE_ACTION, null);
    } else {
      channel.close();
    }
  }

  /** Another connection took over this client id; returns the will to apply (null if none). */
  Will takenOver() {
    takenOver = true;
    Will w = state == State.CONNECTED || state == State.CLOSING && will != null ? will : null;
    if (state == State.CONNECTED) {
      LOG.debug("clientId={} address={} session taken over by a new connection", clientId, channel.remoteAddress());
      state = State.CLOSING;
      if (v5()) {
        channel.disconnect(ReasonCode.SESSION_TAKEN_OVER, null);
      } else {
        channel.close();
      }
    }
    will = null;
    return w;
  }

  /** Server shutdown: DISCONNECT 0x8B for MQTT 5, close otherwise; no will. Completes once closed. */
  Future<Void> shutdown() {
    shuttingDown = true;
    will = null;
    if (state == State.CLOSED) {
      return Future.succeededFuture();
    }
    boolean sendDisconnect = state == State.CONNECTED && v5();
    state = State.CLOSING;
    Future<Void> f = sendDisconnect ? channel.disconnect(ReasonCode.SERVER_SHUTTING_DOWN, null) : channel.close();
    return f.transform(ar -> closed.future());
  }

  @Override
  public void onClosed() {
    if (state == State.CLOSED) {
      return;
    }
    State previous = state;
    state = State.CLOSED;
    if (waitingAcks != null) {
      waitingAcks.discard();
    }
    cancelConnectTimer();
    if (expiryTimer >= 0) {
      context().owner().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    admission.release();
    registry.untrack(this);
    if (session != null) {
      registry.metrics().connectionsCurrent.decrementAndGet();
      if (!takenOver) {
        session.connectionLost(this, shuttingDown ? null : will);
      }
    }
    LOG.debug("clientId={} address={} connection closed (was {})", clientId, channel.remoteAddress(), previous);
    closed.tryComplete();
  }

  private void cancelConnectTimer() {
    if (connectTimer >= 0) {
      channel.context().owner().cancelTimer(connectTimer);
      connectTimer = -1;
    }
  }
}
