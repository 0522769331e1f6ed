package io.vela.config;

import io.vela.api.BrokerExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The {@link BrokerExtension}s on the class path. */
public final class Extensions {

  private Extensions() {
  }

  /**
   * New instances of every installed extension, in class-path order.
   *
   * @throws ConfigException when two extensions claim the same config key, or one claims a key of the broker's own
   */
  public static List<BrokerExtension> installed() {
    List<BrokerExtension> all = new ArrayList<>();
    Map<String, String> owners = new HashMap<>();
    for (BrokerExtension e : ServiceLoader.load(BrokerExtension.class)) {
      String key = e.configKey();
      String before = owners.put(key, e.getClass().getName());
      if (before != null) {
        throw new ConfigException("extensions " + before + " and " + e.getClass().getName()
            + " both claim the config key '" + key + "'");
      }
      all.add(e);
    }
    return all;
  }
}
