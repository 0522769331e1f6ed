package io.vela.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port nobody listens on, used as the browsers' proxy: anything an engine tries to fetch from the internet
 * (updates, telemetry, safe browsing) fails at once, while 127.0.0.1 stays direct. Keeps the suite offline and quiet.
 */
final class DeadProxy {

  private DeadProxy() {
  }

  static int port() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
