package io.vela.transport;

import io.vela.config.BanConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A set of IP addresses and CIDR blocks (validated config values), e.g. a listener's trusted proxies. */
final class AddressBlocks implements Predicate<InetAddress> {

  private record Block(byte[] network, int prefix) {
  }

  private final List<Block> blocks = new ArrayList<>();

  /** @param entries addresses ({@code 10.0.0.5}) or blocks ({@code 10.0.0.0/8}), IPv4 or IPv6 */
  AddressBlocks(List<String> entries) {
    for (String e : entries) {
      int slash = e.indexOf('/');
      InetAddress a = BanConfig.parseAddress(slash < 0 ? e : e.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("not an address or CIDR block: " + e);
      }
      int prefix = slash < 0 ? a.getAddress().length * 8 : BanConfig.cidrPrefix(e);
      if (prefix < 0) {
        throw new IllegalArgumentException("not a CIDR block: " + e);
      }
      blocks.add(new Block(a.getAddress(), prefix));
    }
  }

  @Override
  public boolean test(InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] a = address.getAddress();
    for (Block b : blocks) {
      if (BanConfig.inBlock(a, b.network, b.prefix)) {
        return true;
      }
    }
    return false;
  }
}
