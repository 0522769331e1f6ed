package io.vela.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {

  @Test
  @DisplayName("defaults: on, 127.0.0.1:18083, no users, metrics public")
  void defaults() {
    ConsoleConfig c = ConsoleConfig.parse(new JsonObject());
    assertThat(c.enabled).isTrue();
    assertThat(c.bind).isEqualTo("127.0.0.1");
    assertThat(c.port).isEqualTo(18083);
    assertThat(c.users).isEmpty();
    assertThat(c.metricsPublic).isTrue();
    assertThat(ConsoleConfig.parse(null)).isNull();
  }

  @Test
  @DisplayName("errors name the key")
  void errorsNameTheKey() {
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("port", 70000)))
        .hasMessageContaining("'admin.port'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("prot", 1)))
        .hasMessageContaining("'admin.prot'").hasMessageContaining("unknown");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("users", new JsonArray()
        .add(new JsonObject().put("username", "a").put("password-hash", "secret")))))
        .hasMessageContaining("'admin.users.0.password-hash'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("users", new JsonArray()
        .add(new JsonObject().put("username", "a").put("password-hash", AdminAccounts.hash("password-1"))
            .put("role", "root")))))
        .hasMessageContaining("'admin.users.0.role'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("api-keys", new JsonArray()
        .add(new JsonObject().put("name", "k").put("sha256", "abc")))))
        .hasMessageContaining("'admin.api-keys.0.sha256'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("tls", new JsonObject()
        .put("cert-file", "a.pem")))).hasMessageContaining("'admin.tls.key-file'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("initial-password", "short")))
        .hasMessageContaining("'admin.initial-password'");
    JsonObject oidc = new JsonObject().put("issuer", "https://idp.example.org/realms/ops").put("client-id", "vela");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("oidc", oidc.copy())))
        .hasMessageContaining("'admin.oidc.admin-roles'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("oidc", oidc.copy().put("issuer", "idp")
        .put("admin-roles", new JsonArray().add("ops"))))).hasMessageContaining("'admin.oidc.issuer'");
    assertThatThrownBy(() -> ConsoleConfig.parse(new JsonObject().put("oidc", oidc.copy()
        .put("admin-roles", new JsonArray().add("ops")).put("scopes", new JsonArray().add("profile")))))
        .hasMessageContaining("'admin.oidc.scopes'");
    ConsoleConfig.Oidc ok = ConsoleConfig.parse(new JsonObject().put("oidc", oidc.copy()
        .put("admin-roles", new JsonArray().add("ops")))).oidc;
    assertThat(ok.scopes()).containsExactly("openid", "profile");
    assertThat(ok.rolesClaim()).isEqualTo("roles");
    assertThat(ok.usernameClaim()).isEqualTo("preferred_username");
  }

  @Test
  @DisplayName("conf/vela.yaml turns the console on at 127.0.0.1:18083; a bad admin key stops the load naming it; "
      + "VELA_ADMIN__INITIAL_PASSWORD sets the first password")
  void shippedConfigAndLoader() {
    io.vela.config.VelaConfig shipped = io.vela.config.ConfigLoader.load(java.nio.file.Path.of("..", "conf",
        "vela.yaml"), java.util.Map.of());
    ConsoleConfig c = ConsoleConfig.parse(shipped.extensions.get("admin"));
    assertThat(c.enabled).isTrue();
    assertThat(c.port).isEqualTo(18083);
    assertThat(c.bind).isEqualTo("127.0.0.1");
    assertThat(c.users).isEmpty();
    assertThatThrownBy(() -> io.vela.config.ConfigLoader.parse("admin:\n  port: eighty\n", "test.yaml",
        java.util.Map.of())).isInstanceOf(io.vela.config.ConfigException.class)
        .hasMessageContaining("'admin.port'");
    io.vela.config.VelaConfig env = io.vela.config.ConfigLoader.parse("admin: {}\n", "test.yaml",
        java.util.Map.of("VELA_ADMIN__INITIAL_PASSWORD", "12345678"));
    assertThat(ConsoleConfig.parse(env.extensions.get("admin")).initialPassword).isEqualTo("12345678");
  }

  @Test
  @DisplayName("password hashes are PBKDF2 PHC strings that verify the password and nothing else")
  void hashes() {
    String hash = AdminAccounts.hash("s3cret-password");
    assertThat(hash).startsWith("$pbkdf2$it=" + AdminAccounts.ITERATIONS + "$");
    AdminAccounts accounts = new AdminAccounts(java.util.List.of(new ConsoleConfig.User("ops", hash, Role.ADMIN)),
        java.util.List.of());
    assertThat(accounts.login("ops", "s3cret-password")).isNotNull();
    assertThat(accounts.login("ops", "s3cret-passwore")).isNull();
    assertThat(accounts.login("nobody", "s3cret-password")).isNull();
  }
}
