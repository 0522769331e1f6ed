package io.vela.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  @DisplayName("an empty configuration gives the documented defaults")
  void defaults() {
    VelaConfig c = ConfigLoader.parse("", "defaults", NO_ENV);
    assertThat(c.listeners).containsOnlyKeys("tcp");
    ListenerConfig tcp = c.listeners.get("tcp");
    assertThat(tcp.type).isEqualTo("tcp");
    assertThat(tcp.bind).isEqualTo("0.0.0.0");
    assertThat(tcp.port()).isEqualTo(1883);
    assertThat(tcp.enabled).isTrue();
    assertThat(c.mqtt.maxPacketSize).isEqualTo(1024 * 1024);
    assertThat(c.mqtt.maxClientIdLength).isEqualTo(65535);
    assertThat(c.mqtt.connectTimeoutSeconds).isEqualTo(10);
    assertThat(c.mqtt.maxKeepAliveSeconds).isZero();
    assertThat(c.mqtt.receiveMaximum).isEqualTo(100);
    assertThat(c.mqtt.maxInflight).isEqualTo(32);
    assertThat(c.mqtt.maxQueuedMessages).isEqualTo(1000);
    assertThat(c.mqtt.queueOverflow).isEqualTo(MqttConfig.QueueOverflow.DROP_OLDEST);
    assertThat(c.mqtt.queueQos0).isFalse();
    assertThat(c.mqtt.maxSessionExpirySeconds).isEqualTo(604800);
    assertThat(c.mqtt.maxQos).isEqualTo(2);
    assertThat(c.mqtt.retainAvailable).isTrue();
    assertThat(c.mqtt.allowAnonymous).as("anonymous is off outside the quick-start conf/vela.yaml").isFalse();
    assertThat(c.sys.enabled).isTrue();
    assertThat(c.sys.intervalSeconds).isEqualTo(10);
    assertThat(c.eventLoops).isZero();
    assertThat(c.shutdownTimeoutSeconds).isEqualTo(10);
  }

  @Test
  @DisplayName("conf/vela.yaml, the file users start from, parses and states the defaults")
  void shippedConfigurationParses() {
    Path shipped = Path.of("..", "conf", "vela.yaml");
    assertThat(shipped).as("run from the broker module directory").exists();
    VelaConfig c = ConfigLoader.load(shipped, NO_ENV);
    VelaConfig defaults = ConfigLoader.parse("", "defaults", NO_ENV);
    assertThat(c.listeners.get("tcp")).usingRecursiveComparison().isEqualTo(defaults.listeners.get("tcp"));
    assertThat(c.mqtt).usingRecursiveComparison().ignoringFields("allowAnonymous").isEqualTo(defaults.mqtt);
    assertThat(c.mqtt.allowAnonymous).as("the quick start allows anonymous clients; the default does not").isTrue();
    assertThat(c.auth).usingRecursiveComparison().isEqualTo(defaults.auth);
    assertThat(c.sys).usingRecursiveComparison().isEqualTo(defaults.sys);
    assertThat(c.eventLoops).isEqualTo(defaults.eventLoops);
    assertThat(c.shutdownTimeoutSeconds).isEqualTo(defaults.shutdownTimeoutSeconds);
  }

  @Test
  @DisplayName("${NAME} in a value is the environment variable NAME, which is then no key override; unset = error "
      + "unless ${NAME:-default} gives a default")
  void environmentSubstitution() {
    String yaml = "auth:\n  providers:\n    idp:\n      type: oidc\n      issuer: ${VELA_OIDC_ISSUER}\n"
        + "      audience: [\"${VELA_OIDC_AUDIENCE}\", \"x$${literal}\"]\n";
    VelaConfig c = ConfigLoader.parse(yaml, "t.yaml", Map.of("VELA_OIDC_ISSUER", "https://idp.example/realms/r",
        "VELA_OIDC_AUDIENCE", "mqtt"));
    assertThat(c.auth.providers.get("idp").issuer).isEqualTo("https://idp.example/realms/r");
    assertThat(c.auth.providers.get("idp").audience).containsExactly("mqtt", "x${literal}");
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t.yaml", Map.of("VELA_OIDC_ISSUER", "https://i.example")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.providers.idp.audience.0")
        .hasMessageContaining("VELA_OIDC_AUDIENCE is not set");
    // ${NAME:-default}: the default when unset, the variable when set
    String withDefault = yaml.replace("${VELA_OIDC_AUDIENCE}", "${VELA_OIDC_AUDIENCE:-mqtt-default}");
    assertThat(ConfigLoader.parse(withDefault, "t.yaml", Map.of("VELA_OIDC_ISSUER", "https://i.example"))
        .auth.providers.get("idp").audience).containsExactly("mqtt-default", "x${literal}");
    assertThat(ConfigLoader.parse(withDefault, "t.yaml", Map.of("VELA_OIDC_ISSUER", "https://i.example",
        "VELA_OIDC_AUDIENCE", "set")).auth.providers.get("idp").audience).containsExactly("set", "x${literal}");
  }

  @Test
  @DisplayName("auth: a chain naming an unknown provider, a jwt provider without keys, alg none are refused by key")
  void authValidation() {
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  chain: [nope]\n", "t", NO_ENV))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'auth.chain'").hasMessageContaining("nope");
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  providers:\n    j:\n      type: jwt\n", "t", NO_ENV))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.providers.j.jwks-url");
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  providers:\n    j:\n      type: jwt\n"
        + "      jwks-url: http://x/jwks\n      algorithms: [none]\n", "t", NO_ENV))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.providers.j.algorithms")
        .hasMessageContaining("'none' never is");
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  providers:\n    o:\n      type: oidc\n"
        + "      issuer: http://x/\n", "t", NO_ENV))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.providers.o.audience");
    assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  tcp:\n    auth-chain: [x]\n", "t", NO_ENV))
        .isInstanceOf(ConfigException.class).hasMessageContaining("listeners.tcp.auth-chain");
  }

  @Test
  @DisplayName("a file is read with its overrides; a missing file is a ConfigException naming it")
  void loadsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vela.yaml");
    Files.writeString(file, "listeners:\n  tcp:\n    port: 1999\nmqtt:\n  max-qos: 1\n");
    VelaConfig c = ConfigLoader.load(file, NO_ENV);
    assertThat(c.listeners.get("tcp").port).isEqualTo(1999);
    assertThat(c.mqtt.maxQos).isEqualTo(1);

    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(missing, NO_ENV)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  @DisplayName("an unknown key (a typo) is refused with a message naming the full key")
  void unknownKeyIsNamed() {
    failsWith("mqtt:\n  max-pakcet-size: 2048\n", NO_ENV)
        .hasMessageContaining("'mqtt.max-pakcet-size'")
        .hasMessageContaining("test.yaml")
        .hasMessageContaining("max-packet-size"); // the known keys help spot the typo
    failsWith("listeners:\n  tcp:\n    prot: 1884\n", NO_ENV).hasMessageContaining("'listeners.tcp.prot'");
    failsWith("evnt-loops: 2\n", NO_ENV).hasMessageContaining("'evnt-loops'");
  }

  @Test
  @DisplayName("a value of the wrong type is refused with a message naming the key and the expected type")
  void wrongTypeIsNamed() {
    failsWith("listeners:\n  tcp:\n    port: abc\n", NO_ENV)
        .hasMessageContaining("listeners.tcp.port").hasMessageContaining("abc").hasMessageContaining("whole number");
    failsWith("mqtt:\n  retain-available: maybe\n", NO_ENV).hasMessageContaining("mqtt.retain-available");
    failsWith("mqtt:\n  max-packet-size: 1.5\n", NO_ENV).hasMessageContaining("mqtt.max-packet-size");
    failsWith("mqtt: 5\n", NO_ENV).hasMessageContaining("mqtt");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "listeners:\\n  tcp:\\n    port: 70000 | listeners.tcp.port",
      "mqtt:\\n  max-qos: 3 | mqtt.max-qos",
      "mqtt:\\n  max-packet-size: 10 | mqtt.max-packet-size",
      "mqtt:\\n  connect-timeout-seconds: 0 | mqtt.connect-timeout-seconds",
      "mqtt:\\n  receive-maximum: 0 | mqtt.receive-maximum",
      "event-loops: -1 | event-loops"})
  @DisplayName("a value out of range is refused with a message naming the key and the range")
  void outOfRangeIsNamed(String yaml, String key) {
    failsWith(yaml.replace("\\n", "\n"), NO_ENV).hasMessageContaining("'" + key + "'")
        .hasMessageContaining("out of range");
  }

  @Test
  @DisplayName("an unknown listener type is refused naming the key and the type; planned types say so")
  void unknownListenerType() {
    failsWith("listeners:\n  tcp:\n    type: udp\n", NO_ENV)
        .hasMessageContaining("listeners.tcp.type").hasMessageContaining("udp");
    failsWith("listeners:\n  fast:\n    type: quic\n    port: 14567\n", NO_ENV)
        .hasMessageContaining("listeners.fast.type").hasMessageContaining("not available yet");
    failsWith("listeners:\n  other: {}\n", NO_ENV).hasMessageContaining("listeners.other.type")
        .hasMessageContaining("other");
  }

  @Test
  @DisplayName("listener TLS and PROXY keys: kebab-case names, defaults (port 8883 for tls), and errors naming the key")
  void tlsListenerKeys() {
    VelaConfig c = ConfigLoader.parse("listeners:\n  secure:\n    type: tls\n    proxy-protocol: true\n"
        + "    allow-anonymous: false\n    tls:\n      cert: a.crt\n      key: a.key\n      ca: ca.crt\n"
        + "      client-auth: optional\n      cn-as-username: true\n      pkcs12-password: x\n"
        + "      reload-interval-seconds: 30\n", "test", NO_ENV);
    ListenerConfig l = c.listeners.get("secure");
    assertThat(l.port()).isEqualTo(8883);
    assertThat(l.proxyProtocol).isTrue();
    assertThat(l.allowAnonymous).isFalse();
    assertThat(l.tls.clientAuth).isEqualTo(TlsConfig.ClientAuth.OPTIONAL);
    assertThat(l.tls.cnAsUsername).isTrue();
    assertThat(l.tls.protocols).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(l.tls.cipherSuites).isEmpty();
    assertThat(l.tls.reloadIntervalSeconds).isEqualTo(30);
    assertThat(ConfigLoader.parse("", "defaults", NO_ENV).listeners.get("tcp").allowAnonymous)
        .as("null = inherit mqtt.allow-anonymous").isNull();

    failsWith("listeners:\n  secure:\n    type: tls\n", NO_ENV).hasMessageContaining("'listeners.secure.tls'")
        .hasMessageContaining("needs a certificate");
    failsWith("listeners:\n  tcp:\n    tls:\n      cert: a.crt\n      key: a.key\n", NO_ENV)
        .hasMessageContaining("'listeners.tcp.tls'");
    failsWith("listeners:\n  s:\n    type: tls\n    tls:\n      cert: a.crt\n", NO_ENV)
        .hasMessageContaining("'listeners.s.tls.key'");
    failsWith("listeners:\n  s:\n    type: tls\n    tls:\n      cert: a.crt\n      key: a.key\n"
        + "      client-auth: required\n", NO_ENV).hasMessageContaining("'listeners.s.tls.ca'");
    failsWith("listeners:\n  s:\n    type: tls\n    tls:\n      cert: a.crt\n      key: a.key\n"
        + "      protocols: [TLSv1.1]\n", NO_ENV).hasMessageContaining("'listeners.s.tls.protocols'")
        .hasMessageContaining("TLSv1.1");
    failsWith("listeners:\n  s:\n    type: tls\n    tls:\n      cert: a.crt\n      key: a.key\n"
        + "      cn-as-username: true\n", NO_ENV).hasMessageContaining("'listeners.s.tls.cn-as-username'");
  }

  @Test
  @DisplayName("VELA_* environment variables override the file: VELA_LISTENERS__TCP__PORT, "
      + "VELA_MQTT__MAX_PACKET_SIZE")
  void environmentOverridesApply() {
    Map<String, String> env = Map.of(
        "VELA_LISTENERS__TCP__PORT", "1884",
        "VELA_MQTT__MAX_PACKET_SIZE", "2048",
        "VELA_MQTT__QUEUE_OVERFLOW", "drop-newest",
        "VELA_SYS__ENABLED", "false",
        "VELA_HOME", "/opt/vela", // reserved for the start script, not a config key
        "PATH", "/usr/bin");
    VelaConfig c = ConfigLoader.parse("listeners:\n  tcp:\n    port: 1883\n    bind: 127.0.0.1\n", "test.yaml", env);
    assertThat(c.listeners.get("tcp").port).isEqualTo(1884);
    assertThat(c.listeners.get("tcp").bind).isEqualTo("127.0.0.1"); // untouched keys keep the file's value
    assertThat(c.mqtt.maxPacketSize).isEqualTo(2048);
    assertThat(c.mqtt.queueOverflow).isEqualTo(MqttConfig.QueueOverflow.DROP_NEWEST);
    assertThat(c.sys.enabled).isFalse();

    VelaConfig noFile = ConfigLoader.parse("", "defaults", Map.of("VELA_LISTENERS__TCP__PORT", "1884"));
    assertThat(noFile.listeners.get("tcp").port).isEqualTo(1884);
    assertThat(noFile.listeners.get("tcp").type).isEqualTo("tcp");
  }

  @Test
  @DisplayName("a bad environment value is refused with a message naming the variable (and the key)")
  void badEnvironmentValueNamesTheVariable() {
    failsWith("", Map.of("VELA_LISTENERS__TCP__PORT", "abc"))
        .hasMessageContaining("VELA_LISTENERS__TCP__PORT").hasMessageContaining("listeners.tcp.port");
    failsWith("", Map.of("VELA_MQTT__MAX_QOS", "3"))
        .hasMessageContaining("VELA_MQTT__MAX_QOS").hasMessageContaining("out of range");
    failsWith("", Map.of("VELA_MQTT__MAX_PAKCET_SIZE", "2048"))
        .hasMessageContaining("VELA_MQTT__MAX_PAKCET_SIZE").hasMessageContaining("mqtt.max-pakcet-size");
    failsWith("", Map.of("VELA_MQTT__QUEUE_OVERFLOW", "drop-everything"))
        .hasMessageContaining("VELA_MQTT__QUEUE_OVERFLOW");
    failsWith("", Map.of("VELA_MQTT____MAX_QOS", "1")).hasMessageContaining("VELA_MQTT____MAX_QOS");
    failsWith("event-loops: 2\n", Map.of("VELA_EVENT_LOOPS__X", "1")).hasMessageContaining("VELA_EVENT_LOOPS__X")
        .hasMessageContaining("'event-loops' is not a section");
  }

  @Test
  @DisplayName("enum values are written in kebab case: drop-newest / drop-oldest; others list the choices")
  void enumValuesAreKebabCase() {
    assertThat(ConfigLoader.parse("mqtt:\n  queue-overflow: drop-newest\n", "test.yaml", NO_ENV).mqtt.queueOverflow)
        .isEqualTo(MqttConfig.QueueOverflow.DROP_NEWEST);
    assertThat(ConfigLoader.parse("mqtt:\n  queue-overflow: drop-oldest\n", "test.yaml", NO_ENV).mqtt.queueOverflow)
        .isEqualTo(MqttConfig.QueueOverflow.DROP_OLDEST);
    failsWith("mqtt:\n  queue-overflow: drop-all\n", NO_ENV)
        .hasMessageContaining("mqtt.queue-overflow").hasMessageContaining("drop-oldest, drop-newest");
  }

  @Test
  @DisplayName("mqtt.shared-subscriptions: on with round-robin by default; a section in YAML or environment "
      + "variables; a wrong strategy or a non-section is named")
  void sharedSubscriptions() {
    VelaConfig defaults = ConfigLoader.parse("", "defaults", NO_ENV);
    assertThat(defaults.mqtt.sharedSubscriptions.enabled).isTrue();
    assertThat(defaults.mqtt.sharedSubscriptions.strategy).isEqualTo(SharedSubscriptionsConfig.Strategy.ROUND_ROBIN);
    VelaConfig yaml = ConfigLoader.parse("mqtt:\n  shared-subscriptions:\n    enabled: false\n"
        + "    strategy: hash-client-id\n", "test.yaml", NO_ENV);
    assertThat(yaml.mqtt.sharedSubscriptions.enabled).isFalse();
    assertThat(yaml.mqtt.sharedSubscriptions.strategy).isEqualTo(SharedSubscriptionsConfig.Strategy.HASH_CLIENT_ID);
    VelaConfig env = ConfigLoader.parse("", "test.yaml",
        Map.of("VELA_MQTT__SHARED_SUBSCRIPTIONS__STRATEGY", "sticky"));
    assertThat(env.mqtt.sharedSubscriptions.strategy).isEqualTo(SharedSubscriptionsConfig.Strategy.STICKY);
    failsWith("mqtt:\n  shared-subscriptions:\n    strategy: fastest\n", NO_ENV)
        .hasMessageContaining("mqtt.shared-subscriptions.strategy")
        .hasMessageContaining("round-robin, random, sticky, hash-client-id");
    failsWith("mqtt:\n  shared-subscriptions: true\n", NO_ENV).hasMessageContaining("mqtt.shared-subscriptions");
    failsWith("mqtt:\n  shared-subscriptions:\n    strategy:\n", NO_ENV)
        .hasMessageContaining("mqtt.shared-subscriptions.strategy");
  }

  @Test
  @DisplayName("invalid YAML is refused with the line (and the parser's excerpt of it)")
  void invalidYaml() {
    assertThatThrownBy(() -> ConfigLoader.parse("mqtt:\n  max-qos: [1\n", "test.yaml", NO_ENV))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("test.yaml: not valid YAML at line 2");
    failsWith("- a\n- b\n", NO_ENV).hasMessageContaining("top level");
  }

  @Test
  @DisplayName("MQTT 5 feature keys: documented defaults, redirect values in kebab case, server-reference required "
      + "by a redirect, topic-alias-maximum range")
  void mqtt5FeatureKeys() {
    MqttConfig d = ConfigLoader.parse("", "defaults", NO_ENV).mqtt;
    assertThat(d.topicAliasMaximum).isEqualTo(10);
    assertThat(d.outboundTopicAliases).isFalse();
    assertThat(d.validateUtf8Payload).isFalse();
    assertThat(d.responseInformation).isNull();
    assertThat(d.redirect).isEqualTo(MqttConfig.Redirect.NONE);
    assertThat(d.serverReference).isNull();
    assertThat(d.wildcardSubscriptionAvailable).isTrue();
    assertThat(d.subscriptionIdentifiersAvailable).isTrue();

    MqttConfig moved = ConfigLoader.parse("mqtt:\n  redirect: server-moved\n  server-reference: b:1883\n",
        "test.yaml", NO_ENV).mqtt;
    assertThat(moved.redirect).isEqualTo(MqttConfig.Redirect.SERVER_MOVED);
    failsWith("mqtt:\n  redirect: use-another-server\n", NO_ENV).hasMessageContaining("'mqtt.server-reference'");
    failsWith("mqtt:\n  redirect: elsewhere\n", NO_ENV).hasMessageContaining("mqtt.redirect")
        .hasMessageContaining("use-another-server");
    failsWith("mqtt:\n  topic-alias-maximum: 65536\n", NO_ENV).hasMessageContaining("'mqtt.topic-alias-maximum'")
        .hasMessageContaining("out of range");
    failsWith("mqtt:\n  response-information: ''\n", NO_ENV).hasMessageContaining("'mqtt.response-information'");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> failsWith(String yaml, Map<String, String> env) {
    return assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test.yaml", env))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).as("one line for the operator").doesNotContain("\n"));
  }
}
