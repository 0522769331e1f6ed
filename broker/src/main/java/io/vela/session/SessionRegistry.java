package io.vela.session;

import io.vela.api.Authenticator;
import io.vela.api.Authorizer;
import io.vela.config.AuthConfig;
import io.vela.config.ListenerConfig;
import io.vela.api.EnhancedAuthenticator;
import io.vela.auth.ConnectionGuard;
import io.vela.api.Message;
import io.vela.api.admin.ClientInfo;
import io.vela.config.LimitsConfig;
import io.vela.config.MqttConfig;
import io.vela.metrics.BrokerMetrics;
import io.vela.protocol.Will;
import io.vela.routing.Dispatcher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session by client id and every live connection, shared by reference by all listener verticles. CONNECTs for
 * one client id are sequenced so takeover is race-free across event loops.
 */
public final class SessionRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

  private final MqttConfig config;
  private final Dispatcher dispatcher;
  private final BrokerMetrics metrics;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
  private final KeyedSequencer sequencer = new KeyedSequencer();
  private final ConnectionGuard guard;
  private volatile Authenticator authenticator = Authenticator.ALLOW_ALL;
  private final ConcurrentHashMap<String, EnhancedAuthenticator> enhancedAuthenticators = new ConcurrentHashMap<>();
  private final Map<ListenerConfig, Authenticator> listenerChains = new java.util.IdentityHashMap<>();
  private volatile Authorizer authorizer = Authorizer.ALLOW_ALL;
  private volatile AuthConfig authConfig = new AuthConfig();

  /** With the default limits and no bans (tests). */
  public SessionRegistry(MqttConfig config, Dispatcher dispatcher, BrokerMetrics metrics) {
    this(config, dispatcher, metrics, new ConnectionGuard(new LimitsConfig(), List.of(), metrics));
  }

  public SessionRegistry(MqttConfig config, Dispatcher dispatcher, BrokerMetrics metrics, ConnectionGuard guard) {
    this.config = config;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.guard = guard;
  }

  /** Limits, bans and abuse control shared by every connection. */
  public ConnectionGuard guard() {
    return guard;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  /** Replaces the authenticator used for new connections. */
  public void authenticator(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * The configured authentication chain of a listener (auth.chain or listeners.NAME.auth-chain), or null when none
   * is configured: then {@link #authenticator()} decides, and a user name is needed unless anonymous is allowed.
   */
  public Authenticator chainFor(ListenerConfig listener) {
    synchronized (listenerChains) {
      return listenerChains.get(listener);
    }
  }

  /** Sets the authentication chain of a listener (composition root, before the listener starts). */
  public void chain(ListenerConfig listener, Authenticator chain) {
    synchronized (listenerChains) {
      listenerChains.put(listener, chain);
    }
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  /** Replaces the authorizer that computes each new connection's permissions. */
  public void authorizer(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** ACL deny action, token expiry handling (auth section of the configuration). */
  public AuthConfig authConfig() {
    return authConfig;
  }

  public void authConfig(AuthConfig authConfig) {
    this.authConfig = authConfig;
  }

  /**
   * Adds (or replaces) the MQTT 5 enhanced authenticator for its {@link EnhancedAuthenticator#method()}. None is
   * registered by default: a CONNECT with an Authentication Method then gets CONNACK 0x8C.
   */
  public void registerEnhancedAuthenticator(EnhancedAuthenticator enhanced) {
    enhancedAuthenticators.put(enhanced.method(), enhanced);
  }

  /** The enhanced authenticator for {@code method}, or null when none is registered. */
  public EnhancedAuthenticator enhancedAuthenticator(String method) {
    return enhancedAuthenticators.get(method);
  }

  public MqttConfig config() {
    return config;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public BrokerMetrics metrics() {
    return metrics;
  }

  /** Sessions known, connected or not. */
  public int sessionCount() {
    return sessions.size();
  }

  public int connectionCount() {
    return connections.size();
  }

  /** Whether a client with this id is connected right now (its DISCONNECT or close fully processed when false). */
  public boolean isOnline(String clientId) {
    Session s = sessions.get(clientId);
    return s != null && s.online();
  }

  /** Whether a session exists for the client id (connected or offline). */
  public boolean hasSession(String clientId) {
    return sessions.containsKey(clientId);
  }

  /**
   * A client id for a client that sent none: 23 characters from [0-9a-z], the longest a server must always accept
   * [MQTT-3.1.3-5], so it passes any mqtt.max-client-id-length and an MQTT 5 client can reconnect with it; about 70
   * random bits (of a random UUID) make a clash with a live session negligible.
   */
  String newClientId() {
    return "vela" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
  }

  void track(ClientConnection c) {
    connections.add(c);
  }

  void untrack(ClientConnection c) {
    connections.remove(c);
  }

  /**
   * Finds or creates the session for {@code conn}'s CONNECT, taking it over from a live connection if needed, and
   * calls {@link ClientConnection#attached} on the connection's context.
   */
  void connect(ClientConnection conn, String clientId, boolean cleanStart, long expirySeconds) {
    Context newOwner = conn.context();
    sequencer.submit(clientId, () -> {
      Session old = sessions.get(clientId);
      Future<Session> previous = old == null
          ? Future.succeededFuture()
          : Contexts.onContext(old.context(), () -> old.detachForTakeover(cleanStart, newOwner) ? old : null);
      return previous.compose(prev -> Contexts.onContext(newOwner, () -> {
        Session session;
        boolean present;
        if (prev != null && !cleanStart) {
          session = prev;
          present = true;
        } else {
          if (prev != null) {
            prev.destroy();
          }
          session = new Session(clientId, this, newOwner);
          sessions.put(clientId, session);
          present = false;
        }
        session.expirySeconds(expirySeconds);
        conn.attached(session, present);
        return null;
      }));
    }).onFailure(e -> LOG.error("clientId={} connect failed: {}", clientId, e.toString(), e));
  }

  /**
   * Disconnects the client with this id (MQTT 5: DISCONNECT 0x98 Administrative action); its will is published as
   * for any connection the server closes. The session itself stays, as its expiry says.
   *
   * @return true if the client was connected
   */
  public Future<Boolean> kick(String clientId) {
    Session s = sessions.get(clientId);
    if (s == null) {
      return Future.succeededFuture(false);
    }
    return Contexts.onContext(s.context(), s::kick);
  }

  /** Snapshots of every session (connected and offline), each taken on its own context, sorted by client id. */
  public Future<List<ClientInfo>> describeAll() {
    List<Future<ClientInfo>> all = new ArrayList<>();
    for (Session s : sessions.values()) {
      all.add(Contexts.onContext(s.context(), s::describe));
    }
    return Future.join(all).map(cf -> {
      List<ClientInfo> out = new ArrayList<>(all.size());
      for (Future<ClientInfo> f : all) {
        if (f.succeeded() && f.result() != null) {
          out.add(f.result());
        }
      }
      out.sort(Comparator.comparing(ClientInfo::clientId));
      return out;
    }).recover(e -> Future.succeededFuture(List.of()));
  }

  /** A snapshot of the session of this client id, or null when there is none. */
  public Future<ClientInfo> describe(String clientId) {
    Session s = sessions.get(clientId);
    return s == null ? Future.succeededFuture() : Contexts.onContext(s.context(), s::describe);
  }

  /**
   * Ends the session of this client id (admin action): the client is disconnected first if connected, then its
   * subscriptions and queued messages are dropped. Sequenced with CONNECTs for the same id.
   *
   * @return true if there was a session
   */
  public Future<Boolean> deleteSession(String clientId) {
    AtomicBoolean existed = new AtomicBoolean();
    return sequencer.submit(clientId, () -> {
      Session s = sessions.get(clientId);
      if (s == null) {
        return Future.succeededFuture();
      }
      return Contexts.onContext(s.context(), () -> {
        s.kick();
        s.destroy();
        removeSession(s);
        existed.set(true);
        return null;
      });
    }).map(v -> existed.get());
  }

  void removeSession(Session s) {
    sessions.remove(s.id(), s);
  }

  void publishWill(String clientId, Will will) {
    LOG.debug("clientId={} publishing will on {}", clientId, will.topic());
    Message m = new Message(will.topic(), will.payload(), will.qos(), will.retain(), will.properties(), clientId,
        System.nanoTime());
    dispatcher.publish(m);
  }

  /**
   * Disconnects every client for shutdown: MQTT 5 clients get DISCONNECT 0x8B (Server shutting down), others a
   * close. Completes when every connection has been written out and closed.
   */
  public Future<Void> disconnectAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (ClientConnection c : connections) {
      all.add(Contexts.onContext(c.context(), c::shutdown).compose(f -> f));
    }
    return Future.join(all).mapEmpty();
  }
}
