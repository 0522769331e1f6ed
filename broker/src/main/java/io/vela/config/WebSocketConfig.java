package io.vela.config;

import java.util.ArrayList;
import java.util.List;

/** The {@code websocket:} section of a ws listener. */
public final class WebSocketConfig {

  /** The HTTP path clients upgrade on; other paths get 404. */
  public String path = "/mqtt";

  /** Negotiate permessage-deflate (RFC 7692) with clients that offer it. */
  public boolean compression = false;

  /**
   * Origin header values allowed to connect, e.g. {@code https://app.example.com}; empty = any. Requests without an
   * Origin header (devices, Node clients, proxies that drop it) are not browsers and are always allowed.
   */
  public List<String> allowedOrigins = new ArrayList<>();

  /**
   * Addresses or CIDR blocks of reverse proxies whose X-Forwarded-For / X-Real-IP headers are believed; empty = the
   * TCP peer is always the client.
   */
  public List<String> trustedProxies = new ArrayList<>();
}
