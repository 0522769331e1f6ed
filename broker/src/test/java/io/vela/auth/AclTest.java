package io.vela.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vela.api.ClientIdentity;
import io.vela.api.Permissions;
import io.vela.config.ConfigException;
import io.vela.metrics.BrokerMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AclTest {

  private final BrokerMetrics metrics = new BrokerMetrics();

  @Test
  @DisplayName("a rule filter matches topics like MQTT and covers only narrower subscription filters")
  void filterCoverage() {
    AclFilter f = AclFilter.of("a/+/c/#");
    assertThat(f.covers("a/b/c")).isTrue();
    assertThat(f.covers("a/b/c/d/e")).isTrue();
    assertThat(f.covers("a/b")).isFalse();
    assertThat(f.covers("a/b/x")).isFalse();
    assertThat(f.covers("a/+/c/+")).as("narrower filter").isTrue();
    assertThat(f.covers("a/#")).as("wider filter").isFalse();
    assertThat(AclFilter.of("a/+").covers("a/#")).isFalse();
    assertThat(AclFilter.of("#").covers("$SYS/broker")).as("# never covers $ topics").isFalse();
    assertThat(AclFilter.of("$SYS/#").covers("$SYS/broker")).isTrue();
    assertThat(AclFilter.of("a/b").covers("a/b/c")).isFalse();
    assertThat(AclFilter.of("a/b").covers("a/bc")).isFalse();
    assertThat(AclFilter.of("eq a/#").covers("a/#")).isTrue();
    assertThat(AclFilter.of("eq a/#").covers("a/b")).isFalse();
  }

  @Test
  @DisplayName("ACL file: first match wins, %c/%u replaced, rules for one user, no-match default")
  void fileRules() {
    List<AclRule> rules = AclFile.parse(List.of(
        "# devices",
        "allow publish   devices/%c/up",
        "deny  all       admin/#",
        "allow all       admin/#   user:root   # never reached: the deny above matches first",
        "allow subscribe users/%u/#",
        "allow both      shared/#  client:c1",
        ""), "test.acl");
    Permissions p = new AclAuthorizer(rules, null, false, true, metrics)
        .permissions(new ClientIdentity("c1", "alice", "alice", null, "tcp"));
    assertThat(p.mayPublish("devices/c1/up", 1, false)).isTrue();
    assertThat(p.mayPublish("devices/c2/up", 1, false)).isFalse();
    assertThat(p.maySubscribe("users/alice/inbox", 0)).isTrue();
    assertThat(p.maySubscribe("users/bob/inbox", 0)).isFalse();
    assertThat(p.mayPublish("shared/x", 0, false)).isTrue();
    Permissions root = new AclAuthorizer(rules, null, false, true, metrics)
        .permissions(new ClientIdentity("c9", "root", "root", null, "tcp"));
    assertThat(root.mayPublish("admin/x", 0, false)).isFalse();
    assertThat(root.mayPublish("shared/x", 0, false)).as("rule for client c1 only").isFalse();
    assertThat(metrics.aclPublishDenied.sum()).isEqualTo(3);
    assertThat(metrics.aclPublishAllowed.sum()).isEqualTo(2);
  }

  @Test
  @DisplayName("a placeholder whose value would be a wildcard or a level separator disables its rule")
  void placeholderInjection() {
    List<AclRule> rules = AclFile.parse(List.of("allow all devices/%c/#"), "t");
    AclAuthorizer a = new AclAuthorizer(rules, null, false, true, metrics);
    assertThat(a.permissions(new ClientIdentity("#", null, null, null, "tcp")).mayPublish("devices/x/y", 0, false))
        .isFalse();
    assertThat(a.permissions(new ClientIdentity("a/b", null, null, null, "tcp")).mayPublish("devices/a/b/c", 0,
        false)).isFalse();
    List<AclRule> user = AclFile.parse(List.of("allow all u/%u"), "t");
    assertThat(new AclAuthorizer(user, null, false, true, metrics)
        .permissions(new ClientIdentity("c", null, null, null, "tcp")).mayPublish("u/", 0, false)).isFalse();
  }

  @Test
  @DisplayName("a broken ACL file line names file and line")
  void fileErrors() {
    assertThatThrownBy(() -> AclFile.parse(List.of("allow publish a/#", "permit all x"), "my.acl"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("my.acl line 2").hasMessageContaining("permit");
    assertThatThrownBy(() -> AclFile.parse(List.of("allow all a/#/b"), "my.acl"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line 1");
  }

  @Test
  @DisplayName("EMQX 5 rule list in a claim: permission, action, qos, retain, ${clientid}/${username}, first match")
  void emqx5Claim() {
    JsonObject claims = new JsonObject().put("mqtt_acl", new JsonArray()
        .add(rule("allow", "publish", "t/${clientid}/data").put("qos", new JsonArray().add(0).add(1)))
        .add(rule("deny", "all", "t/#"))
        .add(rule("allow", "subscribe", "u/${username}/#"))
        .add(rule("allow", "publish", "r/#").put("retain", false)));
    Permissions p = new AclAuthorizer(List.of(), "mqtt_acl", false, true, metrics)
        .permissions(new ClientIdentity("dev1", "ann", "ann", claims, "tcp"));
    assertThat(p.mayPublish("t/dev1/data", 1, false)).isTrue();
    assertThat(p.mayPublish("t/dev1/data", 2, false)).as("qos 2 not listed: falls to the deny").isFalse();
    assertThat(p.mayPublish("t/dev2/data", 0, false)).isFalse();
    assertThat(p.maySubscribe("u/ann/+", 1)).isTrue();
    assertThat(p.maySubscribe("u/bob/+", 1)).isFalse();
    assertThat(p.mayPublish("r/x", 0, false)).isTrue();
    assertThat(p.mayPublish("r/x", 0, true)).as("retain true not allowed").isFalse();
  }

  @Test
  @DisplayName("EMQX 4 pub/sub/all lists in a claim; a malformed claim is refused")
  void emqx4ClaimAndMalformed() {
    JsonObject claims = new JsonObject().put("acl", new JsonObject()
        .put("pub", new JsonArray().add("up/%c")).put("sub", new JsonArray().add("down/%u/#")));
    Permissions p = new AclAuthorizer(List.of(), "acl", false, true, metrics)
        .permissions(new ClientIdentity("d", "u", "u", claims, "tcp"));
    assertThat(p.mayPublish("up/d", 0, false)).isTrue();
    assertThat(p.maySubscribe("up/d", 0)).isFalse();
    assertThat(p.maySubscribe("down/u/x", 0)).isTrue();
    JsonObject bad = new JsonObject().put("acl", new JsonArray().add(rule("maybe", "publish", "x")));
    assertThatThrownBy(() -> new AclAuthorizer(List.of(), "acl", false, true, metrics)
        .permissions(new ClientIdentity("d", "u", "u", bad, "tcp")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ACL claim 'acl' malformed");
  }

  @Test
  @DisplayName("the last decision is remembered: the same topic again gives the same answer and is counted")
  void lastDecisionCache() {
    Permissions p = new AclAuthorizer(AclFile.parse(List.of("allow publish a/#"), "t"), null, false, true, metrics)
        .permissions(new ClientIdentity("c", null, null, null, "tcp"));
    for (int i = 0; i < 3; i++) {
      assertThat(p.mayPublish("a/b", 0, false)).isTrue();
      assertThat(p.mayPublish("b/c", 0, false)).isFalse();
    }
    assertThat(p.mayPublish("b/c", 0, false)).isFalse();
    assertThat(p.mayPublish("b/c", 0, false)).isFalse();
    assertThat(metrics.aclPublishAllowed.sum()).isEqualTo(3);
    assertThat(metrics.aclPublishDenied.sum()).isEqualTo(5);
  }

  private static JsonObject rule(String permission, String action, String topic) {
    return new JsonObject().put("permission", permission).put("action", action).put("topic", topic);
  }
}
