package io.vela.auth;

import io.vela.config.BanConfig;
import io.vela.config.LimitsConfig;
import io.vela.metrics.BrokerMetrics;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission control for connections, shared by every listener: connection limits (global and per listener), the
 * per-IP connection rate, the ban list, flapping detection and bans after repeated authentication failures. Called at
 * accept and at CONNECT only; the per-PUBLISH checks live in {@link PublishLimiter}, one per connection.
 */
public final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** Why a connection is refused; {@link #metric} names the rejection counter. */
  public enum Refusal {
    MAX_CONNECTIONS("max-connections", true),
    LISTENER_MAX_CONNECTIONS("listener-max-connections", true),
    CONNECTION_RATE("ip-connection-rate", false),
    BANNED_IP("banned-ip", false),
    BANNED_CLIENT_ID("banned-client-id", false),
    BANNED_USERNAME("banned-username", false),
    FLAPPING("flapping", false);

    public final String metric;
    /** True for limits (MQTT 5 0x97 Quota exceeded), false for bans (0x8A Banned). */
    public final boolean quota;

    Refusal(String metric, boolean quota) {
      this.metric = metric;
      this.quota = quota;
    }
  }

  /**
   * One accepted socket's standing: whether it must be closed at once, or refused at CONNECT (over a connection
   * limit, which needs the protocol version to answer). {@link #release()} once when the socket closes.
   */
  public final class Admission {
    private final String host;
    private final InetAddress address;
    private final AtomicInteger listenerCount;
    private final Refusal refusal;
    private boolean released;

    private Admission(String host, InetAddress address, AtomicInteger listenerCount, Refusal refusal) {
      this.host = host;
      this.address = address;
      this.listenerCount = listenerCount;
      this.refusal = refusal;
    }

    /** True if the socket must be closed without reading anything (banned address, connection rate). */
    public boolean closeNow() {
      return refusal == Refusal.BANNED_IP || refusal == Refusal.CONNECTION_RATE;
    }

    public String host() {
      return host;
    }

    /** Gives the connection slot back (no-op for sockets that never held one). */
    public void release() {
      if (released || listenerCount == null) {
        return;
      }
      released = true;
      listenerCount.decrementAndGet();
      open.decrementAndGet();
    }
  }

  private final LimitsConfig limits;
  private final BrokerMetrics metrics;
  private final LongSupplier millis;
  private final LongSupplier nanos;
  private final BanList bans;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perListener = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<InetAddress, TokenBucket> connectionRates = new ConcurrentHashMap<>();
  private final AtomicLong nextRateSweep = new AtomicLong();
  private final WindowCounter<String> connects;
  private final WindowCounter<InetAddress> authFailures;

  public ConnectionGuard(LimitsConfig limits, List<BanConfig> bans, BrokerMetrics metrics) {
    this(limits, bans, metrics, System::currentTimeMillis, System::nanoTime);
  }

  /** With injected clocks: epoch milliseconds (bans, windows) and nanoseconds (rates). */
  public ConnectionGuard(LimitsConfig limits, List<BanConfig> bans, BrokerMetrics metrics, LongSupplier millis,
                         LongSupplier nanos) {
    this.limits = limits;
    this.metrics = metrics;
    this.millis = millis;
    this.nanos = nanos;
    this.bans = BanList.fromConfig(bans, millis);
    this.connects = new WindowCounter<>(limits.flapping.windowSeconds * 1000L);
    this.authFailures = new WindowCounter<>(limits.authFailureBan.windowSeconds * 1000L);
  }

  public LimitsConfig limits() {
    return limits;
  }

  /** The ban list, for the admin API. */
  public BanList bans() {
    return bans;
  }

  /** Open connections counted against limits.max-connections. */
  public int openConnections() {
    return open.get();
  }

  /** Open connections on one listener (sockets accepted and not yet closed). */
  public int openConnections(String listener) {
    AtomicInteger n = perListener.get(listener);
    return n == null ? 0 : n.get();
  }

  /** A socket was accepted on {@code listener} (at most {@code listenerMax} connections, 0 = no own limit). */
  public Admission admit(String listener, int listenerMax, String host) {
    InetAddress address = host == null ? null : BanConfig.parseAddress(stripZone(host));
    BanList.Ban ban = bans.address(address);
    if (ban != null) {
      metrics.reject(Refusal.BANNED_IP.metric);
      LOG.debug("address={} banned ({}), closed at accept", host, ban.reason());
      return new Admission(host, address, null, Refusal.BANNED_IP);
    }
    if (limits.connectionsPerIpPerSecond > 0 && address != null && !connectionRateAllows(address)) {
      metrics.reject(Refusal.CONNECTION_RATE.metric);
      LOG.debug("address={} more than {} connections per second, closed at accept", host,
          limits.connectionsPerIpPerSecond);
      return new Admission(host, address, null, Refusal.CONNECTION_RATE);
    }
    AtomicInteger count = perListener.computeIfAbsent(listener, l -> new AtomicInteger());
    int total = open.incrementAndGet();
    int onListener = count.incrementAndGet();
    Refusal over = limits.maxConnections > 0 && total > limits.maxConnections ? Refusal.MAX_CONNECTIONS
        : listenerMax > 0 && onListener > listenerMax ? Refusal.LISTENER_MAX_CONNECTIONS : null;
    if (over != null) {
      open.decrementAndGet();
      count.decrementAndGet();
      return new Admission(host, address, null, over); // refused at CONNECT, closed by the connect timeout before
    }
    return new Admission(host, address, count, null);
  }

  /** An admission for connections that did not come through a listener (unit tests). */
  public Admission unlimited(String host) {
    return new Admission(host, null, null, null);
  }

  /**
   * The CONNECT of an admitted socket: connection limits, bans (address again: it may have been banned since accept,
   * client id, user name) and flapping. Counts the refusal; the caller refuses the connection and logs it.
   *
   * @param clientId the client id, or null when the broker assigned one (not counted for flapping)
   * @return null when the connection may proceed to authentication
   */
  public Refusal onConnect(Admission admission, String clientId, String username) {
    Refusal r = check(admission, clientId, username);
    if (r != null) {
      metrics.reject(r.metric);
    }
    return r;
  }

  private Refusal check(Admission admission, String clientId, String username) {
    if (admission.refusal != null) {
      return admission.refusal;
    }
    if (bans.address(admission.address) != null) {
      return Refusal.BANNED_IP;
    }
    if (clientId != null && bans.clientId(clientId) != null) {
      return Refusal.BANNED_CLIENT_ID;
    }
    if (bans.username(username) != null) {
      return Refusal.BANNED_USERNAME;
    }
    LimitsConfig.Flapping f = limits.flapping;
    if (f.enabled && clientId != null) {
      long now = millis.getAsLong();
      if (connects.hit(clientId, now) >= f.maxConnects) {
        connects.reset(clientId);
        bans.add(BanList.Kind.CLIENT_ID, clientId, now + f.banSeconds * 1000L, "flapping: " + f.maxConnects
            + " connects within " + f.windowSeconds + "s");
        LOG.warn("clientId={} address={} banned for {}s: {} connects within {}s (flapping)", clientId,
            admission.host, f.banSeconds, f.maxConnects, f.windowSeconds);
        return Refusal.FLAPPING;
      }
    }
    return null;
  }

  /** A CONNECT from this admission failed authentication; enough of them from one address ban the address. */
  public void authenticationFailed(Admission admission) {
    metrics.authFailures.increment();
    LimitsConfig.AuthFailureBan a = limits.authFailureBan;
    if (!a.enabled || admission.address == null) {
      return;
    }
    long now = millis.getAsLong();
    if (authFailures.hit(admission.address, now) >= a.maxFailures) {
      authFailures.reset(admission.address);
      bans.add(BanList.Kind.IP, admission.address.getHostAddress(), now + a.banSeconds * 1000L,
          a.maxFailures + " failed authentications within " + a.windowSeconds + "s");
      metrics.reject("auth-failure-ban");
      LOG.warn("address={} banned for {}s: {} failed authentications within {}s", admission.host, a.banSeconds,
          a.maxFailures, a.windowSeconds);
    }
  }

  private boolean connectionRateAllows(InetAddress address) {
    long now = nanos.getAsLong();
    sweepConnectionRates(now);
    TokenBucket bucket = connectionRates.computeIfAbsent(address, a -> new TokenBucket(
        limits.connectionsPerIpPerSecond, limits.connectionsPerIpBurst, now));
    synchronized (bucket) {
      return bucket.tryTake(1, now);
    }
  }

  /** Once a second at most: forget addresses whose bucket is full again (they are like new). */
  private void sweepConnectionRates(long now) {
    long next = nextRateSweep.get();
    if (now - next < 0 || !nextRateSweep.compareAndSet(next, now + 1_000_000_000L)) {
      return;
    }
    connectionRates.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return e.getValue().isFull(now);
      }
    });
  }

  private static String stripZone(String host) {
    int percent = host.indexOf('%');
    return percent < 0 ? host : host.substring(0, percent);
  }
}
