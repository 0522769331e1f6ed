package io.vela.auth;

import io.vela.config.BanConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Banned client ids, user names, IP addresses and address blocks, each with an optional expiry. Thread-safe: read at
 * accept and CONNECT from every event loop, changed by configuration, flapping detection, repeated authentication
 * failures and (later) the admin API. Expired bans are dropped when met. The clock (epoch milliseconds) is injected.
 */
public final class BanList {

  /** What a ban matches. */
  public enum Kind { CLIENT_ID, USERNAME, IP, CIDR }

  /**
   * One ban.
   *
   * @param value           the client id, user name, IP address (normalized) or block ("10.0.0.0/8")
   * @param expiresAtMillis epoch milliseconds after which it no longer applies; 0 = never
   * @param reason          for logs and the admin API; may be null
   */
  public record Ban(Kind kind, String value, long expiresAtMillis, String reason) {

    public boolean expired(long nowMillis) {
      return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }
  }

  private record Block(Ban ban, byte[] network, int prefix) {

    boolean contains(byte[] address) {
      return BanConfig.inBlock(address, network, prefix);
    }
  }

  private final LongSupplier clock;
  private final Map<String, Ban> clientIds = new ConcurrentHashMap<>();
  private final Map<String, Ban> usernames = new ConcurrentHashMap<>();
  private final Map<InetAddress, Ban> addresses = new ConcurrentHashMap<>();
  private final List<Block> blocks = new CopyOnWriteArrayList<>();

  /** @param clock epoch milliseconds ({@code System::currentTimeMillis} outside tests) */
  public BanList(LongSupplier clock) {
    this.clock = clock;
  }

  /** The bans of the {@code bans:} configuration list ({@code seconds} counts from now). Validated already. */
  public static BanList fromConfig(List<BanConfig> entries, LongSupplier clock) {
    BanList list = new BanList(clock);
    long now = clock.getAsLong();
    for (BanConfig b : entries) {
      long expires = b.until != null ? java.time.Instant.parse(b.until).toEpochMilli()
          : b.seconds != null ? now + b.seconds * 1000 : 0;
      Kind kind = b.clientId != null ? Kind.CLIENT_ID : b.username != null ? Kind.USERNAME
          : b.ip != null ? Kind.IP : Kind.CIDR;
      String value = b.clientId != null ? b.clientId : b.username != null ? b.username
          : b.ip != null ? b.ip : b.cidr;
      list.add(kind, value, expires, b.reason);
    }
    return list;
  }

  /**
   * Adds (or replaces) a ban.
   *
   * @param expiresAtMillis epoch milliseconds; 0 = never
   * @return the ban as stored (addresses normalized)
   * @throws IllegalArgumentException if an IP or CIDR value is not a literal address (block)
   */
  public Ban add(Kind kind, String value, long expiresAtMillis, String reason) {
    switch (kind) {
      case CLIENT_ID -> {
        Ban ban = new Ban(kind, value, expiresAtMillis, reason);
        clientIds.put(value, ban);
        return ban;
      }
      case USERNAME -> {
        Ban ban = new Ban(kind, value, expiresAtMillis, reason);
        usernames.put(value, ban);
        return ban;
      }
      case IP -> {
        InetAddress a = address(value);
        Ban ban = new Ban(kind, a.getHostAddress(), expiresAtMillis, reason);
        addresses.put(a, ban);
        return ban;
      }
      default -> {
        Block block = block(value, expiresAtMillis, reason);
        remove(Kind.CIDR, block.ban().value());
        blocks.add(block);
        return block.ban();
      }
    }
  }

  /** Removes a ban; true if there was one. */
  public boolean remove(Kind kind, String value) {
    return switch (kind) {
      case CLIENT_ID -> clientIds.remove(value) != null;
      case USERNAME -> usernames.remove(value) != null;
      case IP -> addresses.remove(address(value)) != null;
      case CIDR -> {
        String normalized = block(value, 0, null).ban().value();
        yield blocks.removeIf(b -> b.ban().value().equals(normalized));
      }
    };
  }

  /** Every ban in force (expired ones are dropped on the way). */
  public List<Ban> list() {
    long now = clock.getAsLong();
    List<Ban> out = new ArrayList<>();
    for (Map<?, Ban> m : List.of(clientIds, usernames, addresses)) {
      m.values().removeIf(b -> b.expired(now));
      out.addAll(m.values());
    }
    blocks.removeIf(b -> b.ban().expired(now));
    blocks.forEach(b -> out.add(b.ban()));
    return out;
  }

  /** The ban in force on this client id, or null. */
  public Ban clientId(String clientId) {
    return live(clientIds, clientId);
  }

  /** The ban in force on this user name, or null (null user name: null). */
  public Ban username(String username) {
    return username == null ? null : live(usernames, username);
  }

  /** The ban in force on this address, by exact address or by block, or null. */
  public Ban address(InetAddress address) {
    if (address == null) {
      return null;
    }
    Ban exact = live(addresses, address);
    if (exact != null || blocks.isEmpty()) {
      return exact;
    }
    long now = clock.getAsLong();
    byte[] bytes = address.getAddress();
    for (Block b : blocks) {
      if (b.contains(bytes)) {
        if (!b.ban().expired(now)) {
          return b.ban();
        }
        blocks.remove(b);
      }
    }
    return null;
  }

  private <K> Ban live(Map<K, Ban> map, K key) {
    if (map.isEmpty()) {
      return null;
    }
    Ban b = map.get(key);
    if (b != null && b.expired(clock.getAsLong())) {
      map.remove(key, b);
      return null;
    }
    return b;
  }

  private static InetAddress address(String value) {
    InetAddress a = BanConfig.parseAddress(value);
    if (a == null) {
      throw new IllegalArgumentException("not an IP address: " + value);
    }
    return a;
  }

  private static Block block(String cidr, long expiresAtMillis, String reason) {
    int prefix = BanConfig.cidrPrefix(cidr);
    if (prefix < 0) {
      throw new IllegalArgumentException("not an address block: " + cidr);
    }
    byte[] network = address(cidr.substring(0, cidr.indexOf('/'))).getAddress();
    byte[] masked = Arrays.copyOf(network, network.length);
    for (int bit = prefix; bit < masked.length * 8; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    String normalized;
    try {
      normalized = InetAddress.getByAddress(masked).getHostAddress() + "/" + prefix;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
    return new Block(new Ban(Kind.CIDR, normalized, expiresAtMillis, reason), masked, prefix);
  }
}
