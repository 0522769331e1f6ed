package io.vela.bus;

/**
 * Event-bus addresses of the control plane. Traffic (PUBLISH) never travels on the event bus: see
 * docs/architecture.md.
 */
public final class Addresses {

  /** Request: the client id (String). Reply: true if a connected client was disconnected (MQTT 5: 0x98). */
  public static final String CLIENT_KICK = "vela.client.kick";

  private Addresses() {
  }
}
