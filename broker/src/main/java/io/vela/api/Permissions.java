package io.vela.api;

/**
 * What one connection may do, decided once at CONNECT (and again at re-authentication) by an {@link Authorizer} and
 * kept on the connection: checked for every PUBLISH and SUBSCRIBE, so it must be cheap and never call out.
 * Called on the connection's event loop only.
 */
public interface Permissions {

  /** Whether the client may publish (or leave a will) on {@code topic} with this QoS and retain flag. */
  boolean mayPublish(String topic, int qos, boolean retain);

  /** Whether the client may subscribe to {@code filter} (without any {@code $share/group/} prefix) at this QoS. */
  boolean maySubscribe(String filter, int qos);

  /** Everything allowed. */
  Permissions ALLOW_ALL = new Permissions() {
    @Override
    public boolean mayPublish(String topic, int qos, boolean retain) {
      return true;
    }

    @Override
    public boolean maySubscribe(String filter, int qos) {
      return true;
    }
  };
}
