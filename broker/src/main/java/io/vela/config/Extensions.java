package io.vela.config;

import io.vela.api.BrokerExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The {@link BrokerExtension}s on the class path. */
public final class Extensions {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Extensions.class);

  /**
   * Config sections of extensions that ship with Vela, by key, with what provides them. The shipped conf/vela.yaml
   * may name them; a build without that extension (e.g. the broker module alone) ignores the section with a warning
   * instead of refusing the file.
   */
  static final Map<String, String> SHIPPED = Map.of("admin", "the web console (vela-web-console)",
      "kafka-bridges", "the Kafka bridge (vela-bridge-kafka)");

  private Extensions() {
  }

  /** Removes from {@code tree} the sections of {@link #SHIPPED} extensions not among {@code installed}, logged. */
  static void dropSectionsOfMissing(com.fasterxml.jackson.databind.node.ObjectNode tree,
                                    List<BrokerExtension> installed, String source) {
    for (Map.Entry<String, String> e : SHIPPED.entrySet()) {
      boolean present = installed.stream().anyMatch(x -> x.configKey().equals(e.getKey()));
      if (!present && tree.remove(e.getKey()) != null) {
        LOG.warn("{}: config key '{}' ignored: {} is not installed in this build", source, e.getKey(),
            e.getValue());
      }
    }
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
