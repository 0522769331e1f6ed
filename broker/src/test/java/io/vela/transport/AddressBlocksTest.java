package io.vela.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressBlocksTest {

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  @DisplayName("trusted proxies match single addresses and CIDR blocks, IPv4 and IPv6, and nothing else")
  void matches() throws Exception {
    AddressBlocks blocks = new AddressBlocks(List.of("10.0.0.5", "192.168.0.0/16", "172.16.0.0/12",
        "2001:db8::/32"));
    assertThat(blocks.test(ip("10.0.0.5"))).isTrue();
    assertThat(blocks.test(ip("10.0.0.6"))).isFalse();
    assertThat(blocks.test(ip("192.168.200.1"))).isTrue();
    assertThat(blocks.test(ip("192.169.0.1"))).isFalse();
    assertThat(blocks.test(ip("172.31.255.255"))).isTrue();
    assertThat(blocks.test(ip("172.32.0.1"))).isFalse();
    assertThat(blocks.test(ip("2001:db8:1::9"))).isTrue();
    assertThat(blocks.test(ip("2001:db9::1"))).isFalse();
    assertThat(blocks.test(null)).isFalse();
    assertThat(new AddressBlocks(List.of()).test(ip("127.0.0.1"))).isFalse();
  }
}
