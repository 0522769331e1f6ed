package io.vela.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole broker configuration as read from {@code conf/vela.yaml} plus {@code VELA_*} environment overrides.
 * Keys are kebab-case; see docs/configuration.md. Public fields with safe defaults: a missing key keeps its default.
 */
public final class VelaConfig {

  /** Listeners by name; the name doubles as the type when {@code type} is omitted. */
  public Map<String, ListenerConfig> listeners = defaultListeners();

  public MqttConfig mqtt = new MqttConfig();

  public SysConfig sys = new SysConfig();

  /** Limits and abuse control. */
  public LimitsConfig limits = new LimitsConfig();

  /** Client ids, user names, IP addresses and address blocks refused at connect. */
  public List<BanConfig> bans = new ArrayList<>();

  /** Authentication providers and chain, ACLs, token expiry (docs/authentication.md). */
  public AuthConfig auth = new AuthConfig();

  /** Event loops (and listener verticle instances); 0 = Vert.x default (2 x cores). */
  public int eventLoops = 0;

  /** How long a graceful shutdown may take before connections are cut. */
  public int shutdownTimeoutSeconds = 10;

  /**
   * The sections owned by {@link io.vela.api.BrokerExtension}s (bridges, the web console), by top-level key, as
   * checked by each extension; filled by the config loader, not bound from YAML.
   */
  @JsonIgnore
  public final Map<String, JsonObject> extensions = new LinkedHashMap<>();

  private static Map<String, ListenerConfig> defaultListeners() {
    Map<String, ListenerConfig> m = new LinkedHashMap<>();
    m.put("tcp", new ListenerConfig());
    return m;
  }

  /** A configuration with every default and one TCP listener on 127.0.0.1, port 0 (tests). */
  public static VelaConfig forTests() {
    VelaConfig c = new VelaConfig();
    ListenerConfig tcp = new ListenerConfig();
    tcp.type = "tcp";
    tcp.bind = "127.0.0.1";
    tcp.port = 0;
    c.listeners.put("tcp", tcp);
    c.sys.intervalSeconds = 1;
    c.mqtt.allowAnonymous = true;
    return c;
  }
}
