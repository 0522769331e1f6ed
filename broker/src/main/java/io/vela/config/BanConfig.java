package io.vela.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One entry of the {@code bans:} list: exactly one of client-id, username, ip or cidr, with an optional end (an
 * ISO-8601 instant in {@code until}, or {@code seconds} from broker start) and a reason for the log.
 */
public final class BanConfig {

  public String clientId;

  public String username;

  /** One IPv4 or IPv6 address, as a literal. */
  public String ip;

  /** An address block such as 10.0.0.0/8 or 2001:db8::/32. */
  public String cidr;

  /** ISO-8601 instant (2030-01-01T00:00:00Z) after which the ban no longer applies; null = see seconds. */
  public String until;

  /** The ban ends this many seconds after the broker starts; null (and no until) = never. */
  public Long seconds;

  public String reason;

  /** The address of an IPv4 or IPv6 literal, never looking up a host name; null if {@code text} is not one. */
  public static InetAddress parseAddress(String text) {
    String t = text.trim();
    if (t.isEmpty() || !t.matches("[0-9a-fA-F:.]+") || (!t.contains(":") && !t.matches("\\d+(\\.\\d+){3}"))) {
      return null; // only literals reach InetAddress.getByName, so it never resolves a name
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The prefix length of an address block such as 10.0.0.0/8; -1 if {@code cidr} is not one. */
  public static int cidrPrefix(String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress a = slash < 0 ? null : parseAddress(cidr.substring(0, slash));
    if (a == null) {
      return -1;
    }
    try {
      int prefix = Integer.parseInt(cidr.substring(slash + 1).trim());
      return prefix >= 0 && prefix <= a.getAddress().length * 8 ? prefix : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** True if {@code address} lies in the block {@code network}/{@code prefix} (same address family). */
  public static boolean inBlock(byte[] address, byte[] network, int prefix) {
    if (address.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    if (!java.util.Arrays.equals(address, 0, whole, network, 0, whole)) {
      return false;
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (address[whole] & mask) == (network[whole] & mask);
  }
}
