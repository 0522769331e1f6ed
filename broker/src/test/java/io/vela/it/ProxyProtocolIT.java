package io.vela.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vela.auth.BanList;
import io.vela.config.ListenerConfig;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PROXY protocol v1 and v2 on a listener with {@code proxy-protocol: true}: the address in the header, not the load
 * balancer's, is the client's address for bans and limits. 127.0.0.1 (the real peer of every test socket) is banned,
 * so a connection is only accepted if the broker uses the address from the header.
 */
class ProxyProtocolIT {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String BANNED = "203.0.113.7";
  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start(c -> {
      ListenerConfig l = new ListenerConfig();
      l.type = "tcp";
      l.bind = "127.0.0.1";
      l.port = 0;
      l.proxyProtocol = true;
      c.listeners.put("behind-lb", l);
    });
    BanList bans = broker.broker().registry().guard().bans();
    long inAnHour = System.currentTimeMillis() + 3_600_000;
    bans.add(BanList.Kind.IP, BANNED, inAnHour, "test");
    bans.add(BanList.Kind.IP, "127.0.0.1", inAnHour, "test: the load balancer's own address");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static byte[] v1(String source) {
    return ("PROXY TCP4 " + source + " 127.0.0.1 5555 1883\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] v2(String source) throws Exception {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    h.write(0x21); // version 2, PROXY
    h.write(0x11); // TCP over IPv4
    h.write(new byte[] {0, 12});
    h.write(InetAddress.getByName(source).getAddress());
    h.write(InetAddress.getByName("127.0.0.1").getAddress());
    h.write(new byte[] {0x15, (byte) 0xB3}); // 5555
    h.write(new byte[] {0x07, 0x5B}); // 1883
    return h.toByteArray();
  }

  /** Sends the header and a CONNECT; returns the CONNACK return code, or -1 if the broker closed the socket. */
  static int connectBehind(byte[] header, String clientId) throws Exception {
    try (RawClient raw = new RawClient("127.0.0.1", broker.broker().port("behind-lb"))) {
      raw.send(header).send(RawClient.connect(4, clientId, 30));
      try {
        byte[] ack = raw.readPacket();
        assertThat(RawClient.type(ack)).isEqualTo(2);
        return ack[3] & 0xFF;
      } catch (java.io.IOException closed) {
        return -1;
      }
    }
  }

  @Test
  @DisplayName("v1 header: a banned source address is closed at accept, another one connects though the real "
      + "peer (127.0.0.1) is banned")
  void v1HeaderAddressIsTheClientAddress() throws Exception {
    long before = broker.broker().metrics().rejections("banned-ip");
    assertThat(connectBehind(v1(BANNED), "v1-banned")).isEqualTo(-1);
    assertThat(broker.broker().metrics().rejections("banned-ip")).isEqualTo(before + 1);
    assertThat(connectBehind(v1("198.51.100.20"), "v1-ok")).isZero();
  }

  @Test
  @DisplayName("v2 (binary) header: a banned source address is closed at accept, another one connects")
  void v2HeaderAddressIsTheClientAddress() throws Exception {
    long before = broker.broker().metrics().rejections("banned-ip");
    assertThat(connectBehind(v2(BANNED), "v2-banned")).isEqualTo(-1);
    assertThat(broker.broker().metrics().rejections("banned-ip")).isEqualTo(before + 1);
    assertThat(connectBehind(v2("198.51.100.21"), "v2-ok")).isZero();
  }

  @Test
  @DisplayName("a ban added while connected to the header's address: the next CONNECT from it gets CONNACK 0x8A "
      + "Banned (MQTT 5)")
  void banAppliesToTheHeaderAddressAtConnect() throws Exception {
    String address = "198.51.100.99";
    awaitOpenConnections(0); // sockets of other tests are gone
    try (RawClient raw = new RawClient("127.0.0.1", broker.broker().port("behind-lb"))) {
      raw.send(v1(address));
      // accepted (not banned yet); banned before its CONNECT arrives
      awaitOpenConnections(1);
      broker.broker().registry().guard().bans().add(BanList.Kind.IP, address,
          System.currentTimeMillis() + 3_600_000, "test");
      raw.send(RawClient.connect(5, "late-ban", 30));
      byte[] ack = raw.readPacket();
      assertThat(RawClient.type(ack)).isEqualTo(2);
      assertThat(BadPackets.connAckCode(ack)).isEqualTo(0x8A);
    }
  }

  /** Waits until the broker counts this many open connections (an accepted socket behind a header counts). */
  private static void awaitOpenConnections(int n) {
    org.awaitility.Awaitility.await().atMost(WAIT)
        .until(() -> broker.broker().registry().guard().openConnections() == n);
  }
}
