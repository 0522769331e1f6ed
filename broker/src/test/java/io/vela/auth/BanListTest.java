package io.vela.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vela.auth.BanList.Kind;
import io.vela.config.BanConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BanListTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final BanList bans = new BanList(now::get);

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  @DisplayName("client id, user name and IP bans match exactly and nothing else")
  void exactMatches() throws Exception {
    bans.add(Kind.CLIENT_ID, "bad", 0, "test");
    bans.add(Kind.USERNAME, "mallory", 0, null);
    bans.add(Kind.IP, "192.0.2.7", 0, null);
    assertThat(bans.clientId("bad")).isNotNull();
    assertThat(bans.clientId("bad2")).isNull();
    assertThat(bans.username("mallory")).isNotNull();
    assertThat(bans.username(null)).isNull();
    assertThat(bans.address(ip("192.0.2.7"))).isNotNull();
    assertThat(bans.address(ip("192.0.2.8"))).isNull();
  }

  @Test
  @DisplayName("a CIDR block matches every address inside it, for IPv4 and IPv6, at any prefix length")
  void cidrBlocks() throws Exception {
    bans.add(Kind.CIDR, "10.1.0.0/16", 0, null);
    bans.add(Kind.CIDR, "192.0.2.128/25", 0, null);
    bans.add(Kind.CIDR, "2001:db8::/32", 0, null);
    assertThat(bans.address(ip("10.1.255.3"))).isNotNull();
    assertThat(bans.address(ip("10.2.0.1"))).isNull();
    assertThat(bans.address(ip("192.0.2.200"))).isNotNull();
    assertThat(bans.address(ip("192.0.2.127"))).isNull();
    assertThat(bans.address(ip("2001:db8:ffff::1"))).isNotNull();
    assertThat(bans.address(ip("2001:db9::1"))).isNull();
  }

  @Test
  @DisplayName("a block is stored with its host bits cleared, /0 matches everything, and it can be removed")
  void cidrNormalizedAndRemovable() throws Exception {
    assertThat(bans.add(Kind.CIDR, "10.1.2.3/8", 0, null).value()).isEqualTo("10.0.0.0/8");
    assertThat(bans.address(ip("10.200.0.1"))).isNotNull();
    assertThat(bans.remove(Kind.CIDR, "10.9.9.9/8")).isTrue();
    assertThat(bans.address(ip("10.200.0.1"))).isNull();
    bans.add(Kind.CIDR, "0.0.0.0/0", 0, null);
    assertThat(bans.address(ip("203.0.113.9"))).isNotNull();
  }

  @Test
  @DisplayName("a ban stops applying at its expiry and disappears from the list")
  void expiry() throws Exception {
    bans.add(Kind.CLIENT_ID, "temp", now.get() + 5000, null);
    bans.add(Kind.CIDR, "198.51.100.0/24", now.get() + 5000, null);
    bans.add(Kind.USERNAME, "forever", 0, null);
    now.addAndGet(4999);
    assertThat(bans.clientId("temp")).isNotNull();
    assertThat(bans.address(ip("198.51.100.1"))).isNotNull();
    now.addAndGet(1);
    assertThat(bans.clientId("temp")).isNull();
    assertThat(bans.address(ip("198.51.100.1"))).isNull();
    assertThat(bans.list()).extracting(BanList.Ban::value).containsExactly("forever");
  }

  @Test
  @DisplayName("add replaces, remove deletes, list shows what is in force")
  void addRemoveList() {
    bans.add(Kind.IP, "::1", 0, "a");
    bans.add(Kind.IP, "0:0:0:0:0:0:0:1", 0, "b");
    assertThat(bans.list()).singleElement().extracting(BanList.Ban::reason).isEqualTo("b");
    assertThat(bans.remove(Kind.IP, "::1")).isTrue();
    assertThat(bans.remove(Kind.IP, "::1")).isFalse();
    assertThat(bans.list()).isEmpty();
  }

  @Test
  @DisplayName("host names are refused as IP or CIDR values (never looked up)")
  void onlyLiterals() {
    assertThatThrownBy(() -> bans.add(Kind.IP, "localhost", 0, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bans.add(Kind.CIDR, "example.com/8", 0, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bans.add(Kind.CIDR, "10.0.0.0/33", 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("bans from configuration: until is an instant, seconds count from now")
  void fromConfig() {
    BanConfig a = new BanConfig();
    a.clientId = "until";
    a.until = "1970-01-01T00:16:50Z"; // 1_010_000 ms
    BanConfig b = new BanConfig();
    b.username = "seconds";
    b.seconds = 20L;
    BanList list = BanList.fromConfig(List.of(a, b), now::get);
    now.set(1_009_999);
    assertThat(list.clientId("until")).isNotNull();
    now.set(1_010_000);
    assertThat(list.clientId("until")).isNull();
    assertThat(list.username("seconds")).isNotNull();
    now.set(1_020_000);
    assertThat(list.username("seconds")).isNull();
  }
}
